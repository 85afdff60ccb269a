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

    /** Several parameters' concatenation, updated as one ({@link #applySgdTogether}): its calls are named {@code id}. */
    private ParameterShare(ProtocolId id, long[] value) {
        this.name = id.name();
        this.sgdId = id;
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

    /** The scale of the stored gradient beyond f (f for products, 0 for sums). */
    public int gradientScaleBits() {
        return gradientScaleBits;
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
        applySgd(be, cfg, batch, GradientTerms.NONE);
    }

    /**
     * As {@link #applySgd(Backend, SgdConfig, int)} with DL4J's other gradient terms, in its order ({@link GradientTerms}):
     * g/B, element-wise clipping (exact comparisons with the public threshold, {@link PiecewiseLinear}) or the L2
     * normalisation set by {@link #setNormalizedGradient}, + l2 w + l1 sign(w)
     * (sign from two exact comparisons, times a public constant: no truncation), the optimiser, then + decay w on the
     * update. Every term uses the weights before this update, as DL4J does.
     */
    public void applySgd(Backend be, SgdConfig cfg, int batch, GradientTerms t) {
        long[] lrG = scaledGradient(be, cfg.learningRate(), batch, t, false);
        long[] decay = t.decay() > 0 ? timesConstant(be, value, SgdConfig.Constant.of(t.decay()), sgdId.child("decay"))
                : null;
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
        if (decay != null) {
            for (int i = 0; i < value.length; i++) {
                value[i] -= decay[i];
            }
        }
        gradient = null;
        normalizedGradient = null;
        signBits = null;
    }

    /**
     * Truncates the stored gradients of {@code ps} that are kept beyond scale f (a product's gradient, at 2f) to scale
     * f: one truncation for all of them (per distinct scale), instead of one call each. The same values as each
     * parameter's own truncation in {@link #applySgd} ({@code exact} false: faithful) or {@link #preparedGradient}
     * ({@code exact} true: {@link ExactTruncation#floor}) (an element's result depends on its own shares only), and
     * the same elements checked when {@code be} is range-checked.
     */
    public static void truncateGradients(Backend be, java.util.List<ParameterShare> ps, boolean exact, ProtocolId id) {
        java.util.TreeSet<Integer> scales = new java.util.TreeSet<>();
        for (ParameterShare p : ps) {
            if (p.gradient == null) {
                throw new IllegalStateException(p.name + ": no gradient to apply (backward not run?)");
            }
            if (p.gradientScaleBits > 0) {
                scales.add(p.gradientScaleBits);
            }
        }
        for (int bits : scales) {
            java.util.List<ParameterShare> atScale = ps.stream().filter(p -> p.gradientScaleBits == bits).toList();
            long[][] gradients = atScale.stream().map(p -> p.gradient).toArray(long[][]::new);
            ProtocolId at = scales.size() == 1 ? id : id.child("s" + bits);
            long[] all = RingMatrix.concat(gradients);
            long[] t = exact ? ExactTruncation.floor(be, all, bits, at) : be.truncate(all, bits, at);
            long[][] truncated = RingMatrix.split(t, gradients);
            for (int j = 0; j < truncated.length; j++) {
                atScale.get(j).gradient = truncated[j];
                atScale.get(j).gradientScaleBits = 0;
            }
        }
    }

    /**
     * {@link #applySgd(Backend, SgdConfig, int, GradientTerms)} of several parameters with the same constants and terms
     * as one tensor: their gradients truncated in one call ({@link #truncateGradients}), then each product with a
     * public constant in one call for all of them, so the step costs the flights of one parameter's update whatever the
     * number of parameters. Element-wise the same computation as updating each alone. L1 (whose sign bits each
     * parameter keeps from its regularisation score), L2-normalised gradients ({@link #setNormalizedGradient}) and a
     * single parameter take the one-by-one path.
     *
     * @param id names the calls (e.g. the first parameter's {@link #updateId()} and a suffix); both parties pass the same
     */
    public static void applySgdTogether(Backend be, SgdConfig cfg, int batch, GradientTerms t,
            java.util.List<ParameterShare> ps, ProtocolId id) {
        if (ps.isEmpty()) {
            return;
        }
        if (ps.size() == 1 || t.l1() > 0 || ps.stream().anyMatch(p -> p.normalizedGradient != null)) {
            // L2-normalised gradients (L2GradientNormalizer) replace the stored ones: each takes its own path
            for (ParameterShare p : ps) {
                p.applySgd(be, cfg, batch, t);
            }
            return;
        }
        truncateGradients(be, ps, false, id.child("grad"));
        long[][] values = ps.stream().map(p -> p.value).toArray(long[][]::new);
        ParameterShare all = new ParameterShare(id, RingMatrix.concat(values));
        all.setGradient(RingMatrix.concat(ps.stream().map(p -> p.gradient).toArray(long[][]::new)), 0);
        // a missing velocity is zero (first step)
        all.setVelocity(cfg.momentum() == 0 ? null : RingMatrix.concat(ps.stream()
                .map(p -> p.velocity != null ? p.velocity : new long[p.value.length]).toArray(long[][]::new)));
        all.applySgd(be, cfg, batch, t);
        long[][] newValues = RingMatrix.split(all.value, values);
        long[][] newVelocities = cfg.momentum() == 0 ? null : RingMatrix.split(all.velocity, values);
        for (int j = 0; j < values.length; j++) {
            ParameterShare p = ps.get(j);
            System.arraycopy(newValues[j], 0, p.value, 0, p.value.length); // the value array is final: in place
            if (newVelocities != null) {
                p.velocity = newVelocities[j];
            }
            p.gradient = null;
            p.signBits = null;
        }
    }

    /**
     * factor * (DL4J's gradient before the optimiser) at scale f: g/B, clipped, + l2 w + l1 sign(w) ({@link
     * GradientTerms}, the weights before this update). factor is the learning rate for SGD and 1 for the adaptive
     * updaters (which divide by their own statistics).
     */
    private long[] scaledGradient(Backend be, double factor, int batch, GradientTerms t, boolean exact) {
        if (gradient == null) {
            throw new IllegalStateException(name + ": no gradient to apply (backward not run?)");
        }
        long[] lrG;
        if (normalizedGradient != null) {
            lrG = factor == 1 ? normalizedGradient
                    : timesConstant(be, normalizedGradient, SgdConfig.Constant.of(factor), sgdId.child("lr"));
        } else if (t.clip() > 0) {
            long[] clipped = clamp(t.clip()).forward(be, perExampleGradient(be, batch, exact), sgdId.child("clip")).y();
            lrG = factor == 1 ? clipped
                    : timesConstant(be, clipped, SgdConfig.Constant.of(factor), sgdId.child("lr"));
        } else {
            lrG = timesConstant(be, truncatedGradient(be, exact), SgdConfig.Constant.of(factor / batch), exact,
                    sgdId.child("lr"));
        }
        if (t.l2() > 0) {
            lrG = RingMatrix.add(lrG, timesConstant(be, value, SgdConfig.Constant.of(factor * t.l2()),
                    sgdId.child("l2")));
        }
        if (t.l1() > 0) {
            lrG = RingMatrix.add(lrG, signTimes(be, takeSignBits(be), factor * t.l1()));
        }
        return lrG;
    }

    /**
     * The stored batch-sum gradient at scale f (one checked truncation of a product's 2f: faithful, or the exact floor
     * when {@code exact}).
     */
    private long[] truncatedGradient(Backend be, boolean exact) {
        if (gradientScaleBits == 0) {
            return gradient;
        }
        return exact ? ExactTruncation.floor(be, gradient, gradientScaleBits, sgdId.child("grad"))
                : be.truncate(gradient, gradientScaleBits, sgdId.child("grad"));
    }

    /**
     * DL4J's gradient after its division by the batch size (scale f), where its gradient normalisation starts
     * ({@code BaseMultiLayerUpdater.preApply}). {@code batch} is 1 with DL4J's {@code miniBatch(false)}. {@code exact}:
     * both floors (2f to f, the product with 1/batch) are {@link ExactTruncation#floor}, as the plaintext reference's,
     * so a gradient that is exactly 0 stays 0 (a faithful truncation may give -1 ulp, which an adaptive updater at
     * DL4J's eps turns into a step of about lr; see {@link #preparedGradient}).
     */
    public long[] perExampleGradient(Backend be, int batch, boolean exact) {
        if (gradient == null) {
            throw new IllegalStateException(name + ": no gradient to apply (backward not run?)");
        }
        return timesConstant(be, truncatedGradient(be, exact), SgdConfig.Constant.of(1.0 / batch), exact,
                sgdId.child("batch"));
    }

    /**
     * Replaces this step's gradient by its L2-normalised per-example form (scale f, from {@link #perExampleGradient}
     * through {@link L2GradientNormalizer}): the update then continues with L1/L2 and the optimiser, in DL4J's order.
     */
    public void setNormalizedGradient(long[] g) {
        if (gradient == null) {
            throw new IllegalStateException(name + ": no gradient to normalise (backward not run?)");
        }
        if (g.length != value.length) {
            throw new IllegalArgumentException(name + ": normalised gradient has " + g.length + " elements, parameter "
                    + value.length);
        }
        normalizedGradient = g;
    }

    private long[] normalizedGradient;

    /**
     * DL4J's gradient before an adaptive updater, at scale f: g/B, clipped, + l2 w + l1 sign(w) (the weights before
     * this update). Call {@link #applyUpdate} with the optimiser's update afterwards.
     *
     * <p>The floors from the batch sum at 2f to g/B at f are exact ({@link ExactTruncation#floor}), not faithful: the
     * adaptive updaters divide by sqrt(v) + eps, so a gradient that is exactly 0 (a weight whose input or unit's
     * ReLU derivative is 0 in every example of the batch) moves its parameter by alpha m / (sqrt(v) + eps), about
     * lr / (1 + eps / (sqrt(1 - b2) ulp)) at the first step (0.16 lr at DL4J's Adam eps 1e-8 and f = 24), if a
     * faithful truncation turns it into -1 ulp. With exact floors it stays 0 and the parameter stays put, as in the plaintext reference
     * and in DL4J. Cost: one bounded sign test and one bit-times-share per element and floor.
     */
    public long[] preparedGradient(Backend be, int batch, GradientTerms t) {
        return scaledGradient(be, 1, batch, t, true);
    }

    /**
     * W -= update + decay w (scale f; decay w from the weights before this update, as DL4J's weight decay, already
     * multiplied by the learning rate when DL4J's applyLR is set), then forgets the gradient.
     */
    public void applyUpdate(Backend be, long[] update, GradientTerms t) {
        if (update.length != value.length) {
            throw new IllegalArgumentException(name + ": update has " + update.length + " elements, parameter "
                    + value.length);
        }
        long[] decay = t.decay() > 0 ? timesConstant(be, value, SgdConfig.Constant.of(t.decay()), sgdId.child("decay"))
                : null;
        for (int i = 0; i < value.length; i++) {
            value[i] -= update[i] + (decay == null ? 0 : decay[i]);
        }
        gradient = null;
        normalizedGradient = null;
        signBits = null;
    }

    /** The protocol id of this parameter's optimiser calls ({@code <name>.sgd}). */
    public ProtocolId updateId() {
        return sgdId;
    }

    /** Optimiser state other than the velocity, by name (e.g. Adam's "M"); null while there is none. */
    public long[] state(String stateName) {
        return state.get(stateName);
    }

    /** Sets (null: clears) an optimiser state array; its length must match the parameter. */
    public void setState(String stateName, long[] v) {
        if (v == null) {
            state.remove(stateName);
            return;
        }
        if (v.length != value.length) {
            throw new IllegalArgumentException(name + ": state " + stateName + " has " + v.length + " elements, "
                    + "parameter " + value.length);
        }
        state.put(stateName, v);
    }

    private final java.util.Map<String, long[]> state = new java.util.HashMap<>();

    /**
     * This party's share, at scale 2f, of DL4J's regularisation score of this tensor at its current value:
     * {@code l2Half * sum w^2 + l1 * sum |w|} (l2Half: the sum of 0.5 * coefficient of L2 and weight decay). Sum of
     * squares: one secure inner product, truncated to f, times the public constant; sum of |w|: from the exact sign
     * bits (kept for the L1 term of the update when {@code beforeUpdate}: the update that follows at once). Exact while
     * the sum of squares stays below 2^(62 - 2f).
     */
    public long regularizationScore(Backend be, double l2Half, double l1, boolean beforeUpdate) {
        long total = 0;
        int f = be.fixedPoint().fracBits();
        if (l2Half > 0) {
            long[] sq = be.multiply(org.securetrain.backend.Operand.of(value), org.securetrain.backend.Operand.of(value),
                    1, value.length, 1, sgdId.child("reg", "sumsq"));
            long[] sqF = be.truncate(sq, f, sgdId.child("reg", "sumsq-trunc"));
            total += sqF[0] * Math.round(Math.scalb(l2Half, f));
        }
        if (l1 > 0) {
            signBits = null;
            long[] bits = takeSignBits(be);
            if (beforeUpdate) {
                signBits = bits; // the update step of this iteration uses the same (pre-update) signs
            }
            long[] both = new long[2 * value.length];
            System.arraycopy(value, 0, both, 0, value.length);
            System.arraycopy(value, 0, both, value.length, value.length);
            long[] gated = be.bitTimesShare(bits, both, sgdId.child("reg", "abs"));
            long abs = 0;
            for (int i = 0; i < value.length; i++) {
                abs += gated[i] - gated[value.length + i];
            }
            total += abs * Math.round(Math.scalb(l1, f));
        }
        return total;
    }

    private long[] signBits;

    /** Boolean shares of [w > 0] (first n) and [w < 0] (last n): the kept ones of this step, else fresh. */
    private long[] takeSignBits(Backend be) {
        if (signBits != null) {
            return signBits;
        }
        long[] both = new long[2 * value.length];
        for (int i = 0; i < value.length; i++) {
            both[i] = value[i];
            both[value.length + i] = -value[i];
        }
        return be.positive(both, sgdId.child("sign"));
    }

    /** Shares of c * sign(w) at scale f from the sign bits: exact (a bit times a public constant, no truncation). */
    private long[] signTimes(Backend be, long[] bits, double c) {
        int n = value.length;
        long k = be.actsFor(0) ? be.fixedPoint().encode(c) : 0;
        long[] constants = new long[2 * n];
        for (int i = 0; i < n; i++) {
            constants[i] = k;
            constants[n + i] = -k;
        }
        long[] gated = be.bitTimesShare(bits, constants, sgdId.child("l1"));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = gated[i] + gated[n + i];
        }
        return out;
    }

    /** DL4J's element-wise clipping to [-t, t] as a piecewise-linear map (exact comparisons, no truncation). */
    private static PiecewiseLinear clamp(double t) {
        return new PiecewiseLinear("clip", new double[] {-t, t}, new boolean[] {true, false}, new double[] {0, 1, 0},
                new double[] {-t, 0, t});
    }

    /**
     * x times a public constant: not range-checked ({@link org.securetrain.backend.RangeCheckedBackend#unchecked}). Its
     * inputs are the gradient after its checked truncation, weights and velocities, each a scale-f value, times a
     * mantissa below 2^22: in range while they stay below 2^(39 - f), which the checked products of every step
     * (forward, backward, gradient) watch. Checking them too would triple the checks for nothing.
     */
    private static long[] timesConstant(Backend be, long[] x, SgdConfig.Constant c, ProtocolId id) {
        return timesConstant(be, x, c, false, id);
    }

    /** As above; {@code exact}: the product's floor is {@link ExactTruncation#floor} (an exact 0 stays 0). */
    private static long[] timesConstant(Backend be, long[] x, SgdConfig.Constant c, boolean exact, ProtocolId id) {
        Backend unchecked = org.securetrain.backend.RangeCheckedBackend.unchecked(be);
        long[] scaled = RingMatrix.scale(x, c.mantissa());
        return exact ? ExactTruncation.floor(unchecked, scaled, c.shift(), id) : unchecked.truncate(scaled, c.shift(), id);
    }
}
