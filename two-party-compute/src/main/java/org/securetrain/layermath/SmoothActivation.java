package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * The smooth hidden activations computed with a proven error bound (docs/security/exact-math.md): sigmoid and tanh
 * by {@link ExactFunctions} (within one ulp for every input), backward from the forward values as DL4J does,
 * f'(x) = s (1 - s) or 1 - t^2; softsign x / (1 + |x|) = sign(x) (1 - 1/(1 + |x|)) by {@link ExactRoots#reciprocal}
 * (backward DL4J's 1 / (1 + |x|)^2 = (1 - |y|)^2); ELU (DL4J's alpha) and SELU (DL4J's constants) from the exp of
 * min(x, 0) at the exp's internal precision, scaled by the public constant and rounded once (backward as DL4J
 * 1.0.0-M2.1: ELU e^x for x &le; 0 whatever alpha (its EluBp runs with alpha 1), SELU lambda alpha e^x = y + lambda
 * alpha; 1 or lambda for x &gt; 0, from the forward's sign bits); softplus max(x, 0) + ln(1 + e^-|x|) with the
 * logarithm by {@link ExactLog} (backward DL4J's sigmoid(x), from the forward's e^-|x| and sign bits). Gradients: one
 * element-wise product
 * (or square) truncated by f, then dY times it truncated by f (faithful truncations: the gradient's own rounding, as
 * the other layers' gradients).
 */
public final class SmoothActivation implements ElementwiseActivation {
    /** Which function. */
    public enum Kind {
        SIGMOID, TANH, SOFTSIGN, ELU, SELU, SOFTPLUS
    }

    /** DL4J's SELU constants (ActivationSELU, from Klambauer et al. 2017). */
    public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    public static final double SELU_LAMBDA = 1.0507009873554804934193349852946;
    /** Largest ELU alpha accepted: alpha 2^q must fit the exp's 30-bit products. */
    public static final double MAX_ELU_ALPHA = 1024;
    /** Fraction bits of SELU's lambda - 1 in the positive side's product (inputs below 2^38 ulps fit 2^61). */
    static final int SELU_POSITIVE_BITS = 27;

    private final Kind kind;
    private final double alpha;

    public SmoothActivation(Kind kind) {
        this(kind, kind == Kind.SELU ? SELU_ALPHA : 1.0);
    }

    private SmoothActivation(Kind kind, double alpha) {
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        if (!(alpha >= 0 && alpha <= MAX_ELU_ALPHA)) {
            throw new IllegalArgumentException("ELU alpha must be in [0, " + MAX_ELU_ALPHA + "], got " + alpha);
        }
        this.alpha = alpha;
    }

    /** ELU with DL4J's alpha: x for x &gt; 0, alpha (e^x - 1) otherwise. */
    public static SmoothActivation elu(double alpha) {
        return new SmoothActivation(Kind.ELU, alpha);
    }

    public Kind kind() {
        return kind;
    }

    /** ELU's alpha (SELU's: {@link #SELU_ALPHA}; 1 for the others, unused). */
    public double alpha() {
        return alpha;
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Applied forward(Backend be, long[] x, long[] compareOn, int compareScale, ProtocolId id) {
        ProtocolId fid = id.child(name());
        return switch (kind) {
            case SIGMOID -> new Applied(new ExactFunctions(be).sigmoid(x, fid), new long[0], x.length);
            case TANH -> new Applied(new ExactFunctions(be).tanh(x, fid), new long[0], x.length);
            case SOFTSIGN -> softsign(be, x, fid);
            case ELU -> expLinear(be, x, 1.0, alpha, fid);
            case SELU -> expLinear(be, x, SELU_LAMBDA, SELU_LAMBDA * SELU_ALPHA, fid);
            case SOFTPLUS -> softplus(be, x, fid);
        };
    }

    /**
     * ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): s = [x &gt; 0], max(x, 0) and |x| clipped at the exp's clip point U
     * (beyond it ln(1 + e^-|x|) &lt; 2^-(f+6)) by {@link ExactFunctions}' clip, h = e^-|x| / 2 at F = 30 by its
     * product tree, z = 1 + 2h in [1, 2] at scale 30 and ln z at scale f by {@link ExactLog#logInRange} (z in
     * [2^30, 2^31]: two leading-one comparisons). Error at most 0.5 + 4·2^(f-32) + (E + 1) 2^(f-30) + 2^-6 ulps, E the
     * exp's product-tree bound (0.649 ulp at f = 24). The sign bits and h are kept: the derivative sigmoid(x) comes
     * from them ({@link ExactFunctions}' sigmoid tail), as {@link ExactFunctions#sigmoid} would compute it from x.
     */
    private static Applied softplus(Backend be, long[] x, ProtocolId id) {
        int n = x.length;
        int f = be.fixedPoint().fracBits();
        int bigF = ExactFunctions.INTERNAL_BITS;
        ExactFunctions ef = new ExactFunctions(be);
        ExactFunctions.Clipped c = ef.clip(x, false, ef.clipPoint(), id.child("abs"));
        long[] h = ef.expInternal(c.value(), 1, id.child("exp"));
        long one = own(be, 1L << bigF);
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
            z[i] = one + 2 * h[i];
        }
        long[] l = new ExactLog(be).logInRange(z, bigF, f, bigF, bigF + 2, id.child("log"));
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = c.selected()[i] + l[i];
        }
        return new Applied(y, c.positive(), n, h);
    }

    /**
     * |x| clipped at 2^(f+3) (beyond it 1/(1 + |x|) is below 1/8 ulp), r = 1/(1 + |x|) at scale f by the exact
     * reciprocal (inputs below 2^(2f+4)), y = (2s - 1)(1 - r) with s = [x &gt; 0]; the sign bits are kept.
     */
    private static Applied softsign(Backend be, long[] x, ProtocolId id) {
        int n = x.length;
        int f = be.fixedPoint().fracBits();
        ExactFunctions.Clipped c = new ExactFunctions(be).clip(x, false, 1L << (2 * f + 3), id.child("abs"));
        long one = own(be, 1L << f);
        long[] u = new long[n];
        for (int i = 0; i < n; i++) {
            u[i] = c.value()[i] + one;
        }
        long[] r = new ExactRoots(be).reciprocal(u, f, f, 2 * f + 4, id.child("recip"));
        long[] twice = new long[n];
        long[] abs = new long[n];
        for (int i = 0; i < n; i++) {
            abs[i] = one - r[i];
            twice[i] = 2 * abs[i];
        }
        long[] m = be.bitTimesShare(c.positive(), twice, id.child("sign"));
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = m[i] - abs[i];
        }
        return new Applied(y, c.positive(), n);
    }

    /**
     * posScale x for x &gt; 0, negScale (e^x - 1) otherwise: e = exp(min(x, 0)) at the exp's F = 30 fraction bits
     * (clip point as {@link ExactFunctions#exp}), (e - 1) times round(negScale 2^q) rounded once to scale f; the
     * positive side x, or x + round((lambda - 1) x) for SELU; one multiplexer. The sign bits are kept.
     */
    private static Applied expLinear(Backend be, long[] x, double posScale, double negScale, ProtocolId id) {
        int n = x.length;
        int f = be.fixedPoint().fracBits();
        int bigF = ExactFunctions.INTERNAL_BITS;
        ExactFunctions ef = new ExactFunctions(be);
        ExactFunctions.Clipped c = ef.clip(x, true, ef.clipPoint(), id.child("clip"));
        long[] e = ef.expInternal(c.value(), 0, id.child("exp"));
        int q = negScaleBits(negScale);
        long a = Math.round(Math.scalb(negScale, q));
        int shift = bigF + q - f;
        long one = own(be, 1L << bigF);
        long half = own(be, 1L << (shift - 1));
        // ELU's backward needs e^x itself (DL4J 1.0.0-M2.1's EluBp ignores alpha: e^x, not alpha e^x, for x <= 0):
        // round(e 2^(f - F)) from e 2^q in the same exact floor
        boolean keepExp = posScale == 1.0;
        long[] t = new long[keepExp ? 2 * n : n];
        for (int i = 0; i < n; i++) {
            t[i] = (e[i] - one) * a + half; // |e - 1| <= 2^30, a <= 2^29
            if (keepExp) {
                t[n + i] = (e[i] << q) + half;
            }
        }
        long[] floored = ExactTruncation.floor(be, t, shift, id.child("neg"));
        long[] neg = java.util.Arrays.copyOf(floored, n);
        long[] kept = keepExp ? java.util.Arrays.copyOfRange(floored, n, 2 * n) : new long[0];
        long[] pos = c.selected(); // s x
        if (posScale != 1.0) {
            long mu = Math.round(Math.scalb(posScale - 1, SELU_POSITIVE_BITS));
            long h = own(be, 1L << (SELU_POSITIVE_BITS - 1));
            long[] p = new long[n];
            for (int i = 0; i < n; i++) {
                p[i] = pos[i] * mu + h;
            }
            long[] extra = ExactTruncation.floor(be, p, SELU_POSITIVE_BITS, id.child("pos"));
            long[] scaled = new long[n];
            for (int i = 0; i < n; i++) {
                scaled[i] = pos[i] + extra[i];
            }
            pos = scaled;
        }
        // y = s pos + (1 - s) neg = pos + neg - s neg (pos is 0 where s = 0)
        long[] sn = be.bitTimesShare(c.positive(), neg, id.child("side"));
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = pos[i] + neg[i] - sn[i];
        }
        return new Applied(y, c.positive(), n, kept);
    }

    /** q with negScale 2^q &lt;= 2^29: the product with e - 1 (at most 2^30) stays below 2^59. */
    static int negScaleBits(double negScale) {
        return negScale <= 1 ? 29 : 29 - Math.getExponent(negScale) - 1;
    }

    @Override
    public long[] backward(Backend be, Applied a, long[] dy, ProtocolId id) {
        int n = a.n();
        if (dy.length != n) {
            throw new IllegalArgumentException(name() + ": gradient has " + dy.length + " elements, forward had " + n);
        }
        int f = be.fixedPoint().fracBits();
        long[] y = a.y();
        long[] d;
        switch (kind) {
            case SIGMOID -> {
                long[] oneMinus = new long[n];
                long one = own(be, 1L << f);
                for (int i = 0; i < n; i++) {
                    oneMinus[i] = one - y[i];
                }
                d = be.truncate(be.multiplyElementwise(y, oneMinus, id.child("dsig")), f, id.child("dtrunc"));
            }
            case TANH -> {
                long[] sq = be.square(y, id.child("dtanh"));
                long one2 = own(be, 1L << (2 * f));
                long[] d2 = new long[n];
                for (int i = 0; i < n; i++) {
                    d2[i] = one2 - sq[i];
                }
                d = be.truncate(d2, f, id.child("dtrunc"));
            }
            case SOFTSIGN -> {
                // 1 - |y| = 1/(1 + |x|); |y| = (2s - 1) y
                long[] twice = new long[n];
                for (int i = 0; i < n; i++) {
                    twice[i] = 2 * y[i];
                }
                long[] m = be.bitTimesShare(a.bits(), twice, id.child("dabs"));
                long one = own(be, 1L << f);
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = one - (m[i] - y[i]);
                }
                d = be.truncate(be.square(r, id.child("dsoftsign")), f, id.child("dtrunc"));
            }
            case SOFTPLUS -> d = new ExactFunctions(be).sigmoidOfHalfExp(a.bits(), a.kept(), id.child("dsoftplus"));
            default -> {
                // x > 0: 1 (ELU) or lambda (SELU); else e^x (ELU: DL4J's EluBp runs with alpha 1 whatever the
                // configured alpha, kept from the forward) or lambda alpha e^x = y + lambda alpha (SELU)
                long p = own(be, Math.round(Math.scalb(kind == Kind.SELU ? SELU_LAMBDA : 1.0, f)));
                long[] negSide = new long[n];
                if (kind == Kind.SELU) {
                    long c = own(be, Math.round(Math.scalb(SELU_LAMBDA * SELU_ALPHA, f)));
                    for (int i = 0; i < n; i++) {
                        negSide[i] = y[i] + c;
                    }
                } else {
                    System.arraycopy(a.kept(), 0, negSide, 0, n);
                }
                long[] diff = new long[n];
                for (int i = 0; i < n; i++) {
                    diff[i] = p - negSide[i];
                }
                long[] m = be.bitTimesShare(a.bits(), diff, id.child("dside"));
                d = new long[n];
                for (int i = 0; i < n; i++) {
                    d[i] = negSide[i] + m[i];
                }
            }
        }
        return be.truncate(be.multiplyElementwise(dy, d, id.child("dy")), f, id.child("dyTrunc"));
    }

    /** A public constant as this party's share: party 0 holds it, party 1 holds 0 (the reference holds it). */
    private static long own(Backend be, long c) {
        return be.actsFor(0) ? c : 0;
    }
}
