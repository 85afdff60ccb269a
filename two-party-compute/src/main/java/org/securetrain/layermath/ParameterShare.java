package org.securetrain.layermath;

import org.securetrain.backend.Backend;

import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * One parameter tensor's share (scale f) with its gradient (a batch sum) and momentum state,
 * updated in place by SGD with faithful truncation. Never a float copy: a double holds only 53 bits.
 */
public final class ParameterShare {
    private final String name;
    /** The protocol id of its SGD step's two-party calls: the name, validated, then {@code sgd}. */
    private final ProtocolId sgdId;
    private final long[] value;
    private long[] velocity;
    private long[] gradient;
    private int gradientScaleBits;

    public ParameterShare(String name, long[] value) {
        this.name = name;
        this.sgdId = ProtocolId.parse(name).child("sgd");
        this.value = value;
    }

    public String name() {
        return name;
    }

    /** The live share (scale f); callers must not keep it across updates if they need old values. */
    public long[] value() {
        return value;
    }

    public long[] velocity() {
        return velocity;
    }

    public long[] gradient() {
        return gradient;
    }

    /** Stores a batch-sum gradient at scale 2^(f + extraBits) (extraBits = f for products, 0 for sums). */
    public void setGradient(long[] g, int extraBits) {
        if (g.length != value.length) {
            throw new IllegalArgumentException(name + ": gradient has " + g.length + " elements, parameter "
                    + value.length);
        }
        this.gradient = g;
        this.gradientScaleBits = extraBits;
    }

    /** Restores momentum state (checkpoint resume). */
    public void setVelocity(long[] v) {
        if (v != null && v.length != value.length) {
            throw new IllegalArgumentException(name + ": velocity has " + v.length + " elements, parameter " + value.length);
        }
        this.velocity = v;
    }

    /**
     * SGD: W -= (lr/B) * g. Nesterov (DL4J's formulation): v' = mu*v - (lr/B)*g; W += -mu*v + (1+mu)*v'.
     * The gradient is first truncated to scale f, then every product with a public constant is one faithful
     * truncation: with |g| < 2^(62 - f - CONSTANT_BITS) nothing can wrap around.
     */
    public void applySgd(Backend be, SgdConfig cfg, int batch) {
        if (gradient == null) {
            throw new IllegalStateException(name + ": no gradient to apply (backward not run?)");
        }
        long[] g = gradientScaleBits > 0 ? be.truncate(gradient, gradientScaleBits, sgdId.child("grad")) : gradient;
        long[] lrG = timesConstant(be, g, SgdConfig.Constant.of(cfg.learningRate() / batch), sgdId.child("lr"));
        if (cfg.momentum() == 0) {
            for (int i = 0; i < value.length; i++) {
                value[i] -= lrG[i];
            }
        } else {
            if (velocity == null) {
                velocity = new long[value.length];
            }
            long[] muV = timesConstant(be, velocity, SgdConfig.Constant.of(cfg.momentum()), sgdId.child("mu"));
            long[] vNew = RingMatrix.subtract(muV, lrG);
            long[] opv = timesConstant(be, vNew, SgdConfig.Constant.of(1 + cfg.momentum()), sgdId.child("nesterov"));
            for (int i = 0; i < value.length; i++) {
                value[i] += opv[i] - muV[i];
            }
            velocity = vNew;
        }
        gradient = null;
    }

    private static long[] timesConstant(Backend be, long[] x, SgdConfig.Constant c, ProtocolId id) {
        return be.truncate(RingMatrix.scale(x, c.mantissa()), c.shift(), id);
    }
}
