package org.securetrain.layermath;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.securetrain.backend.Backend;
import org.securetrain.backend.Operand;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.runtime.ProtocolId;

/**
 * DL4J's L2-norm gradient normalisation ({@link L2Normalization}) of secret-shared gradients, several groups (a layer's
 * parameter types, or several layers) in one call per protocol. Nothing is opened; the comparison with the threshold
 * stays a shared bit. Per group of n elements g (scale f):
 * <ol>
 *   <li>Bound: every |g_i| &lt; 2^L with L = floor((61 - ceil(log2 n)) / 2) (f-scaled integers), so the exact sum of
 *       squares stays below 2^61 and cannot wrap. On a range-checked backend two exact comparisons per element
 *       ([2^L - g &gt; 0], [g + 2^L &gt; 0]) feed the range guard's shared count (the guard's one-bit verdict at the
 *       end of the step); without the guard the bound is assumed, as every other range is.</li>
 *   <li>ss = sum g_i^2 at scale 2f, exact: one secure inner product for a single group, else one secure square per
 *       element summed locally.</li>
 *   <li>Renormalise: r = rsqrt(ss) at scale R = 60 - f ({@link PositiveRoots#rsqrtRelative}), y = floor(g r / 2^R)
 *       (exact floor). ss = 0 gives r = 2^60 (the roots' saturation) times g = 0: y = 0, as DL4J's division by 1e-5.</li>
 *   <li>Clip: b = [ss &gt; T] with T = floor(threshold^2 2^2f) (exactly DL4J's strict norm &gt; threshold on the fixed-point
 *       gradient: ss is an integer), m = b ? ss : T + 1 (multiplexer: the root's input is never below the threshold),
 *       r = rsqrt(m) at R, c = floor(r M / 2^s) with M = round(threshold 2^s), s = 60 - R (the factor threshold/||g||
 *       at scale R), c' = b ? c : 2^R (multiplexer), y = floor(g c' / 2^R): exactly g where not clipped.
 *       R = 60 - f - max(0, ceil(log2 threshold)) keeps g c' &lt; 2^61.</li>
 * </ol>
 * Error against real arithmetic on the same fixed-point g (output ulps 2^-f), from the roots' bound (rsqrtRelative:
 * within one ulp at scale R or relative 2^-26; one root per group, the faithful rsqrt would add 25-30 flights per
 * step without changing the bound's order): renormalise at most 1 + ||g|| 2^(f-R) + 2^(f-26); clip at most
 * 1 + (t + 1) ||g|| 2^(f-R) + t 2^(f-26) + 1.01 2^(f-s-1) where clipped, 0 elsewhere. The argument is in
 * docs/security/gradient-normalization.md.
 */
public final class L2GradientNormalizer {
    /** The sum of squares stays below 2^SUM_BITS. */
    static final int SUM_BITS = 61;

    private final Backend be;
    private final PositiveRoots roots;
    private final int f;

    public L2GradientNormalizer(Backend be, PositiveRoots roots) {
        this.be = java.util.Objects.requireNonNull(be, "backend");
        this.roots = java.util.Objects.requireNonNull(roots, "roots");
        this.f = be.fixedPoint().fracBits();
        if (2 * f > ExactRoots.MAX_SCALE || f < 8) {
            throw new IllegalArgumentException("L2 gradient normalisation needs 8 <= f and 2f <= "
                    + ExactRoots.MAX_SCALE + ", got f = " + f);
        }
    }

    /** L: the bound 2^L on every |g_i| (scale-f integers) of a group of n elements, so n 2^(2L) &lt;= 2^61. */
    public static int elementBits(int n) {
        int log = 64 - Long.numberOfLeadingZeros(Math.max(1, n) - 1L); // ceil(log2 n)
        return (SUM_BITS - log) / 2;
    }

    /** R: the scale of the factor (reciprocal norm, or threshold over norm). */
    public int factorBits(L2Normalization p) {
        if (p.mode() == L2Normalization.Mode.RENORMALIZE) {
            return 60 - f;
        }
        return 60 - f - Math.max(0, Math.getExponent(p.threshold()) + (isPowerOfTwo(p.threshold()) ? 0 : 1));
    }

    /**
     * Normalises each group (this party's shares at scale f; not modified) and returns the normalised shares. Both
     * parties call it with groups of the same sizes and the same id.
     */
    public long[][] apply(L2Normalization p, long[][] groups, ProtocolId id) {
        int k = groups.length;
        int[] from = new int[k + 1];
        for (int j = 0; j < k; j++) {
            if (groups[j].length == 0) {
                throw new IllegalArgumentException("gradient group " + j + " is empty");
            }
            from[j + 1] = from[j] + groups[j].length;
        }
        int n = from[k];
        long[] x = new long[n];
        for (int j = 0; j < k; j++) {
            System.arraycopy(groups[j], 0, x, from[j], groups[j].length);
        }
        checkElementBound(x, from, id.child("bound"));
        long[] ss = sumsOfSquares(x, from, id.child("sumsq"));
        int r = factorBits(p);
        long[] factor;
        if (p.mode() == L2Normalization.Mode.RENORMALIZE) {
            factor = roots.rsqrtRelative(ss, 2 * f, r, SUM_BITS, id.child("rsqrt"));
        } else {
            long t = thresholdSquared(p.threshold());
            if (t >= (1L << SUM_BITS) - 1) {
                return copy(groups); // ss < 2^61 <= T: no group can exceed the threshold (public)
            }
            boolean p0 = be.actsFor(0);
            long[] d = new long[k];
            for (int j = 0; j < k; j++) {
                d[j] = ss[j] - (p0 ? t : 0);
            }
            long[] bit = be.positiveBounded(d, 62, id.child("above"));
            long[] m = muxConstant(bit, ss, t + 1, id.child("floor"));
            long[] inv = roots.rsqrtRelative(m, 2 * f, r, SUM_BITS, id.child("rsqrt"));
            int s = 60 - r;
            long mt = Math.round(Math.scalb(p.threshold(), s));
            long[] scaled = new long[k];
            for (int j = 0; j < k; j++) {
                scaled[j] = inv[j] * mt;
            }
            long[] c = ExactTruncation.floor(be, scaled, s, id.child("threshold"));
            factor = muxConstant(bit, c, 1L << r, id.child("select"));
        }
        long[] wide = new long[n];
        for (int j = 0; j < k; j++) {
            java.util.Arrays.fill(wide, from[j], from[j + 1], factor[j]);
        }
        long[] y = ExactTruncation.floor(be, be.multiplyElementwise(x, wide, id.child("scale")), r,
                id.child("scale", "floor"));
        long[][] out = new long[k][];
        for (int j = 0; j < k; j++) {
            out[j] = java.util.Arrays.copyOfRange(y, from[j], from[j + 1]);
        }
        return out;
    }

    /**
     * The exact sums of squares of the groups at scale 2f (mod 2^64; below 2^61 under the element bound). One group (a
     * per-layer norm): one secure inner product x^T x ({@link Backend#multiply}, 1 x n by n x 1), measured 16% fewer
     * bytes than the squares at n = 20,000. Several groups: one element-wise square per element, summed locally per
     * group (a block matrix with one row per group costs k times the inner product: measured 12% more bytes than the
     * squares for 7 groups). Both exact, so the two paths give the same bits.
     */
    private long[] sumsOfSquares(long[] x, int[] from, ProtocolId id) {
        int k = from.length - 1;
        if (k == 1) {
            return be.multiply(Operand.of(x), Operand.of(x), 1, x.length, 1, id);
        }
        long[] ss = new long[k];
        long[] q = be.square(x, id);
        for (int j = 0; j < k; j++) {
            for (int i = from[j]; i < from[j + 1]; i++) {
                ss[j] += q[i];
            }
        }
        return ss;
    }

    /** floor(t^2 2^2f), exact (BigDecimal), or Long.MAX_VALUE when beyond 2^62. */
    long thresholdSquared(double t) {
        BigInteger v = new BigDecimal(t).pow(2).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(2 * f)))
                .setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        return v.bitLength() > 62 ? Long.MAX_VALUE : v.longValueExact();
    }

    /**
     * |x_i| &lt; 2^L of its group, into the range guard's shared count (verified with the step's other checks): two
     * exact sign tests per element, their bits to arithmetic shares, the count of failures summed locally.
     */
    private void checkElementBound(long[] x, int[] from, ProtocolId id) {
        if (!RangeCheckedBackend.countsOutside(be)) {
            return;
        }
        int n = x.length;
        boolean p0 = be.actsFor(0);
        long[] z = new long[2 * n];
        for (int j = 0; j + 1 < from.length; j++) {
            long bound = p0 ? 1L << elementBits(from[j + 1] - from[j]) : 0;
            for (int i = from[j]; i < from[j + 1]; i++) {
                z[i] = bound - x[i];
                z[n + i] = x[i] + bound;
            }
        }
        long[] inside = be.positive(z, id.child("sign"));
        long[] ones = new long[2 * n];
        java.util.Arrays.fill(ones, p0 ? 1 : 0);
        long[] a = be.bitTimesShare(inside, ones, id.child("b2a"));
        long outside = p0 ? 2L * n : 0;
        for (long v : a) {
            outside -= v;
        }
        RangeCheckedBackend.addOutsideCount(be, outside, 2 * n, id);
    }

    /** b ? x : c for a public constant c (held by party 0): c + b (x - c). */
    private long[] muxConstant(long[] bit, long[] x, long c, ProtocolId id) {
        boolean p0 = be.actsFor(0);
        long[] d = new long[x.length];
        for (int j = 0; j < x.length; j++) {
            d[j] = x[j] - (p0 ? c : 0);
        }
        long[] g = be.bitTimesShare(bit, d, id);
        for (int j = 0; j < x.length; j++) {
            g[j] += p0 ? c : 0;
        }
        return g;
    }

    private static boolean isPowerOfTwo(double t) {
        return t == Math.scalb(1.0, Math.getExponent(t));
    }

    private static long[][] copy(long[][] groups) {
        long[][] out = new long[groups.length][];
        for (int j = 0; j < groups.length; j++) {
            out[j] = groups[j].clone();
        }
        return out;
    }
}
