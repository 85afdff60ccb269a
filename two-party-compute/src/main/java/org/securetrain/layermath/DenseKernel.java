package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.Operand;
import org.securetrain.backend.ShareKind;

import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * A fully connected layer on shares, DL4J's layout: X [batch, nIn] · W [nIn, nOut] + b -> Z [batch, nOut].
 * With ReLU fused (DESIGN.md 4.3) the forward returns shares of ReLU(Z) at scale f and keeps the
 * derivative bits for backward; without (the output layer) it returns the raw Z at scale 2f.
 *
 * <p>Backward takes dL/dY (a batch sum, scale f): dZ = dY ⊙ d (bit times share, exact),
 * dW = X^T · dZ (scale 2f, truncated inside the SGD step), db = column sums of dZ,
 * dX = dZ · W^T truncated to scale f (skipped for the first layer).
 */
public final class DenseKernel {
    private final String name;
    /** The protocol id its two-party calls are named under (the name, validated). */
    private final ProtocolId id;
    private final int nIn;
    private final int nOut;
    private final boolean relu;
    private final ParameterShare weights;
    private final ParameterShare bias;
    // forward state kept for backward
    private long[] input;
    private ShareKind inputKind;
    private long[] reluBits;
    private int batch;

    /** W share [nIn * nOut] row-major and b share [nOut], both at scale f. */
    public DenseKernel(String name, int nIn, int nOut, boolean relu, long[] wShare, long[] bShare) {
        if (nIn < 1 || nOut < 1) {
            throw new IllegalArgumentException(name + ": nIn and nOut must be positive, got " + nIn + ", " + nOut);
        }
        if (wShare.length != (long) nIn * nOut) {
            throw new IllegalArgumentException(name + ": weight share has " + wShare.length + " elements, expected "
                    + nIn + "x" + nOut);
        }
        if (bShare.length != nOut) {
            throw new IllegalArgumentException(name + ": bias share has " + bShare.length + " elements, expected " + nOut);
        }
        this.name = name;
        this.id = ProtocolId.parse(name);
        this.nIn = nIn;
        this.nOut = nOut;
        this.relu = relu;
        this.weights = new ParameterShare(name + ".W", wShare);
        this.bias = new ParameterShare(name + ".b", bShare);
    }

    public String name() {
        return name;
    }

    public int nIn() {
        return nIn;
    }

    public int nOut() {
        return nOut;
    }

    public ParameterShare weights() {
        return weights;
    }

    public ParameterShare bias() {
        return bias;
    }

    /** Forward on a [batch, nIn] share at scale f. Returns [batch, nOut]: scale f with ReLU, else 2f. */
    public long[] forward(Backend be, long[] x, ShareKind xKind, int batch) {
        if (x.length != (long) batch * nIn) {
            throw new IllegalArgumentException(name + ": input has " + x.length + " elements, expected batch "
                    + batch + " x nIn " + nIn);
        }
        this.input = x;
        this.inputKind = xKind;
        this.batch = batch;
        int f = be.fixedPoint().fracBits();
        long[] z = be.multiply(new Operand(x, false, xKind), Operand.of(weights.value()), batch, nIn, nOut,
                id.child("fwd"));
        long[] b2f = RingMatrix.scale(bias.value(), 1L << f); // bias to the product's scale 2f, exact
        RingMatrix.addToEveryRow(z, batch, nOut, b2f);
        if (!relu) {
            reluBits = null;
            return z;
        }
        Backend.ReluOutput r = be.reluTruncate(z, id.child("relu"));
        reluBits = r.bits();
        return r.y();
    }

    /**
     * Backward from dL/dY ([batch, nOut], scale f, batch sum) of the given sharing kind. Stores the
     * gradients; returns dL/dX at scale f, or null when {@code needInputGradient} is false.
     */
    public long[] backward(Backend be, long[] dy, ShareKind dyKind, boolean needInputGradient) {
        if (input == null) {
            throw new IllegalStateException(name + ": backward before forward");
        }
        if (dy.length != (long) batch * nOut) {
            throw new IllegalArgumentException(name + ": output gradient has " + dy.length + " elements, expected "
                    + batch + "x" + nOut);
        }
        long[] dz = dy;
        ShareKind dzKind = dyKind;
        if (relu) {
            dz = be.bitTimesShare(reluBits, dy, id.child("drelu"));
            dzKind = ShareKind.BOTH;
        }
        int f = be.fixedPoint().fracBits();
        long[] dW = be.multiply(new Operand(input, true, inputKind), new Operand(dz, false, dzKind), nIn, batch, nOut,
                id.child("dW"));
        weights.setGradient(dW, f);
        bias.setGradient(RingMatrix.columnSums(dz, batch, nOut), 0);
        long[] dx = null;
        if (needInputGradient) {
            long[] dx2f = be.multiply(new Operand(dz, false, dzKind), new Operand(weights.value(), true, ShareKind.BOTH),
                    batch, nOut, nIn, id.child("dX"));
            dx = be.truncate(dx2f, f, id.child("dX", "trunc"));
        }
        input = null;
        reluBits = null;
        return dx;
    }

    public void applySgd(Backend be, SgdConfig cfg) {
        // weights and bias as one tensor: the flights of one update
        ParameterShare.applySgdTogether(be, cfg, batch, GradientTerms.NONE, java.util.List.of(weights, bias),
                weights.updateId().child("all"));
    }
}
