package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.Operand;
import org.securetrain.backend.ShareKind;

import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * A 2-D convolution layer on shares, DL4J's layout: input NCHW, weights [outC, inC, kh, kw], bias [outC].
 * Without dilation all three products are correlations ({@link Backend#correlate}, the direct HomConv protocol
 * or im2col, whichever the public cost model prefers) of locally rearranged shares:
 * <ul>
 *   <li>forward: Z = W (*) X_pad (X zero-padded to the rows and columns the windows read);</li>
 *   <li>dW[o][c] = sum_b dZ[o][b]^s (*) X_pad[b][c]: the kernel is dZ with stride - 1 zeros between its
 *       entries ("^s"), the batch is the summed channel axis, the input channels the groups;</li>
 *   <li>dX_pad[b][c] = sum_o pad(dZ[o][b]^s) (*) flip(W[o][c]): a full convolution with the flipped kernel,
 *       cropped to the input and truncated to scale f.</li>
 * </ul>
 * Bias added at scale 2f, then ReLU with exact truncation fused (or the raw 2f output); dZ = dY ⊙ d,
 * db = row sums of dZ. With dilation the products are im2col and matrix products (W_mat · cols,
 * dZ · cols^T, W_mat^T · dZ with col2im); transposes are flags, not copies.
 */
public final class Conv2dKernel {
    private final String name;
    /** The protocol id its two-party calls are named under (the name, validated). */
    private final ProtocolId id;
    /** The convolution's shape for one example (dilation included): {@link #geometry(int)} scales it to a batch. */
    private Im2col.Geometry shape;
    private final boolean relu;
    private final ParameterShare weights;
    private final ParameterShare bias;
    private Im2col.Geometry geometry;
    private long[] cols;
    private ShareKind colsKind;
    /** The direct path's saved input: X zero-padded (batch x inC x padH x padW), or null on the im2col path. */
    private long[] xPad;
    private long[] reluBits;

    public Conv2dKernel(String name, int inC, int inH, int inW, int outC, int kh, int kw, int sh, int sw, int ph,
            int pw, boolean relu, long[] wShare, long[] bShare) {
        this(name, inC, inH, inW, outC, kh, kw, sh, sw, ph, pw, relu, new ParameterShare(name + ".W", wShare),
                new ParameterShare(name + ".b", bShare));
    }

    /**
     * Over parameter shares owned by the caller (a layer that rebuilds the kernel for another input size keeps
     * them): the kernel multiplies with their values and stores its gradients on them.
     */
    public Conv2dKernel(String name, int inC, int inH, int inW, int outC, int kh, int kw, int sh, int sw, int ph,
            int pw, boolean relu, ParameterShare weights, ParameterShare bias) {
        // validates the shape once with batch 1
        Im2col.Geometry g = new Im2col.Geometry(1, inC, inH, inW, outC, kh, kw, sh, sw, ph, pw);
        if (weights.value().length != g.weightLength()) {
            throw new IllegalArgumentException(name + ": weight share has " + weights.value().length
                    + " elements, expected " + outC + "x" + inC + "x" + kh + "x" + kw);
        }
        if (bias.value().length != outC) {
            throw new IllegalArgumentException(name + ": bias share has " + bias.value().length + " elements, expected "
                    + outC);
        }
        this.name = name;
        this.id = ProtocolId.parse(name);
        this.shape = g;
        this.relu = relu;
        this.weights = weights;
        this.bias = bias;
    }

    /** Sets the dilation (kernel taps {@code dh} rows and {@code dw} columns apart); before the first forward. */
    public Conv2dKernel dilated(int dh, int dw) {
        this.shape = shape.withDilation(dh, dw); // validates
        return this;
    }

    public ParameterShare weights() {
        return weights;
    }

    public ParameterShare bias() {
        return bias;
    }

    public Im2col.Geometry geometry(int batch) {
        return shape.withBatch(batch);
    }

    /** [batch, inC, inH, inW] share (scale f) -> [batch, outC, outH, outW]: scale f with ReLU, else 2f. */
    public long[] forward(Backend be, long[] x, ShareKind xKind, int batch) {
        Im2col.Geometry g = geometry(batch);
        if (x.length != g.inputLength()) {
            throw new IllegalArgumentException(name + ": input has " + x.length + " elements, " + g + " needs "
                    + g.inputLength());
        }
        int f = be.fixedPoint().fracBits();
        int k = g.patchSize();
        int p = g.positions();
        long[] z;
        if (direct(g)) {
            long[] xp = ConvLowering.pad(x, g);
            z = be.correlate(Operand.of(weights.value()), new Operand(xp, false, xKind), ConvLowering.forward(g),
                    id.child("fwd"));
            this.xPad = xp;
            this.cols = null;
        } else {
            long[] c = Im2col.im2col(x, g);
            z = be.multiply(Operand.of(weights.value()), new Operand(c, false, xKind), g.outC(), k, p, id.child("fwd"));
            this.cols = c;
            this.xPad = null;
        }
        RingMatrix.addRowBias(z, g.outC(), p, RingMatrix.scale(bias.value(), 1L << f));
        this.geometry = g;
        this.colsKind = xKind;
        if (!relu) {
            reluBits = null;
            return Im2col.matToNchw(z, g);
        }
        Backend.ReluOutput r = be.reluTruncate(z, id.child("relu"));
        reluBits = r.bits();
        return Im2col.matToNchw(r.y(), g);
    }

    /** dL/dY (NCHW like the output, scale f, batch sum) -> dL/dX at scale f, or null. */
    public long[] backward(Backend be, long[] dy, ShareKind dyKind, boolean needInputGradient) {
        Im2col.Geometry g = geometry;
        if (g == null) {
            throw new IllegalStateException(name + ": backward before forward");
        }
        if (dy.length != g.outputLength()) {
            throw new IllegalArgumentException(name + ": output gradient has " + dy.length + " elements, " + g
                    + " gives " + g.outputLength());
        }
        int f = be.fixedPoint().fracBits();
        int k = g.patchSize();
        int p = g.positions();
        long[] dz = Im2col.nchwToMat(dy, g);
        ShareKind dzKind = dyKind;
        if (relu) {
            dz = be.bitTimesShare(reluBits, dz, id.child("drelu"));
            dzKind = ShareKind.BOTH;
        }
        long[] dW;
        if (xPad != null) {
            dW = be.correlate(new Operand(ConvLowering.dilate(dz, g), false, dzKind),
                    new Operand(ConvLowering.swapBatchAndChannels(xPad, g), false, colsKind), ConvLowering.weightGradient(g),
                    id.child("dW"));
        } else {
            dW = be.multiply(new Operand(dz, false, dzKind), new Operand(cols, true, colsKind), g.outC(), p, k,
                    id.child("dW"));
        }
        weights.setGradient(dW, f);
        bias.setGradient(RingMatrix.rowSums(dz, g.outC(), p), 0);
        long[] dx = null;
        if (needInputGradient) {
            long[] dxRaw;
            if (xPad != null) {
                long[] dxPad = be.correlate(Operand.of(ConvLowering.flipKernel(weights.value(), g)),
                        new Operand(ConvLowering.dilateAndPad(dz, g), false, dzKind), ConvLowering.inputGradient(g),
                        id.child("dX"));
                dxRaw = ConvLowering.crop(dxPad, g);
            } else {
                long[] dCols = be.multiply(new Operand(weights.value(), true, ShareKind.BOTH),
                        new Operand(dz, false, dzKind), k, g.outC(), p, id.child("dX"));
                dxRaw = Im2col.col2im(dCols, g);
            }
            dx = be.truncate(dxRaw, f, id.child("dX", "trunc"));
        }
        cols = null;
        xPad = null;
        reluBits = null;
        return dx;
    }

    /** Without dilation the products are correlations ({@link ConvLowering}); dilated kernels keep im2col. */
    private static boolean direct(Im2col.Geometry g) {
        return g.dilH() == 1 && g.dilW() == 1;
    }

    public void applySgd(Backend be, SgdConfig cfg) {
        // weights and bias as one tensor: the flights of one update
        ParameterShare.applySgdTogether(be, cfg, geometry.batch(), GradientTerms.NONE, java.util.List.of(weights, bias),
                weights.updateId().child("all"));
    }
}
