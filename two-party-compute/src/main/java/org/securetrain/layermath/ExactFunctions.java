package org.securetrain.layermath;

import java.util.Arrays;
import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * exp, sigmoid and tanh of fixed-point shares (scale f in, scale f out) with a proven error bound over the whole
 * 64-bit input range, written once on {@link Backend}: the plaintext reference and the two-party backend run the
 * same integer algorithm and agree bit for bit (every step is exact: comparisons, multiplexers, table lookups,
 * products mod 2^64 and exact floors). The method follows SIRNN (Rathee et al., IEEE S&amp;P 2021); the error argument
 * and the figures are in docs/security/exact-math.md.
 *
 * <ul>
 *   <li>exp of u = min(max(-x, 0), U) for a public clip point U with exp(-U 2^-f) &lt;= 2^-(f+6): u splits into digits
 *       of {@link #digitBits()} bits (one exact floor of all shifted copies at once), each digit looks up
 *       exp(-digit 2^(offset - f)) rounded to F = {@value #INTERNAL_BITS} fraction bits (one lookup of all digits),
 *       and a balanced tree of products with exact floors by F multiplies the factors; the result is rounded to f.</li>
 *   <li>sigmoid(x) = y for x &gt; 0 and 1 - y otherwise, y = 1 / (1 + exp(-|x|)) at F: |x| clipped to U, e/2 from
 *       the product tree (its root floored by F + 1), the reciprocal of z = 1 + e in [1, 2] by {@value #NEWTON_STEPS}
 *       Newton steps y' = y (2 - z y) from the exact local seed 1 - e/2 (relative error at most 1/8), each step two
 *       products with exact floors.</li>
 *   <li>tanh(x) = 2 sigmoid(2x) - 1, formed at F from y = 1 / (1 + exp(-2|x|)) before the single final rounding.</li>
 * </ul>
 *
 * <p>Every value truncated is below 2^61 in magnitude (inside the exact floor's range 2^62 and the range guard's
 * 2^61), with F = 30: factors, e/2 and reciprocal estimates are at most 2^F, z at most 2^(F+1), products at most
 * 1.125·2^60.
 */
public final class ExactFunctions {
    /** F: fraction bits of the tables, the products and the reciprocal. */
    public static final int INTERNAL_BITS = 30;
    /** Largest input scale: F - f guard bits keep the accumulated internal error far below half an output ulp. */
    public static final int MAX_FRAC_BITS = 24;
    /** exp(-U 2^-f) &lt;= 2^-(f + CLIP_GUARD): the clip point's contribution stays below 2^-CLIP_GUARD ulp. */
    static final int CLIP_GUARD = 6;
    /** Newton steps from the seed (3 - z) / 2: relative error 2^-3, 2^-6, 2^-12, 2^-24, 2^-48 (plus rounding). */
    public static final int NEWTON_STEPS = 4;
    /** Default digit width of the exp's table lookups. */
    public static final int DEFAULT_DIGIT_BITS = 6;

    private static final int F = INTERNAL_BITS;
    private static final long ONE = 1L << F;

    private final Backend be;
    private final int f;
    private final int digitBits;
    /** Clip point of the exp's argument u = -x, at scale f. */
    private final long clip;
    /** Digit offsets (bit positions) and widths of u in [0, clip]. */
    private final int[] offset;
    private final int[] width;
    /** One table of 2^digitBits entries per digit, concatenated. */
    private final long[] tables;

    public ExactFunctions(Backend be) {
        this(be, DEFAULT_DIGIT_BITS);
    }

    /** digitBits in [2, 8]: smaller digits mean smaller tables and more products. */
    public ExactFunctions(Backend be, int digitBits) {
        this.be = java.util.Objects.requireNonNull(be, "backend");
        this.f = be.fixedPoint().fracBits();
        if (f > MAX_FRAC_BITS) {
            throw new IllegalArgumentException("exact exp/sigmoid/tanh need at most " + MAX_FRAC_BITS
                    + " fraction bits (their internal precision is " + F + " bits, products stay below 2^62), got "
                    + f);
        }
        if (digitBits < 2 || digitBits > 8) {
            throw new IllegalArgumentException("digit width must be in [2, 8], got " + digitBits);
        }
        this.digitBits = digitBits;
        this.clip = clipPoint(f);
        int bits = 64 - Long.numberOfLeadingZeros(clip);
        int m = (bits + digitBits - 1) / digitBits;
        this.offset = new int[m];
        this.width = new int[m];
        for (int j = 0; j < m; j++) {
            offset[j] = j * digitBits;
            width[j] = Math.min(digitBits, bits - offset[j]);
        }
        this.tables = new long[m << digitBits];
        for (int j = 0; j < m; j++) {
            for (int v = 0; v < 1 << digitBits; v++) {
                tables[(j << digitBits) + v] = expEntry(v, offset[j] - f);
            }
        }
    }

    /** U = ceil((f + 6) ln 2 2^f): the smallest clip point with exp(-U 2^-f) &lt;= 2^-(f+6). */
    static long clipPoint(int f) {
        return (long) Math.ceil((f + CLIP_GUARD) * Math.log(2) * Math.scalb(1.0, f)) + 1;
    }

    /**
     * round(exp(-v 2^e) 2^F) (StrictMath: the same bits on every JVM, so both parties build the same tables; its
     * error below one double ulp moves an entry by at most 2^-22 of an F-ulp beyond the rounding's half).
     */
    static long expEntry(long v, int e) {
        return Math.round(StrictMath.exp(-Math.scalb((double) v, e)) * Math.scalb(1.0, F));
    }

    public int digitBits() {
        return digitBits;
    }

    /** Digits (table lookups, leaves of the product tree) of the exp's argument. */
    public int digits() {
        return offset.length;
    }

    /** The exp's clip point U at scale f: inputs below -U 2^-f give exp(-U 2^-f) &lt;= 2^-(f+6) internally. */
    public long clipPoint() {
        return clip;
    }

    /** exp(min(x, 0)) at scale f for shares of any 64-bit x at scale f (positive inputs give exactly 1). */
    public long[] exp(long[] x, ProtocolId id) {
        Clipped a = clip(x, true, clip, id.child("clip"));
        return round(expInternal(a.value, 0, id.child("exp")), id.child("round"));
    }

    /**
     * exp(d) at the internal scale F = {@value #INTERNAL_BITS} for shares of d &lt;= 0 at scale f (the caller guarantees
     * the sign, e.g. d = z - max(z); |d| &lt; 2^63): u = min(-d, U) by one comparison and one multiplexer (no sign stage),
     * then the digit tables and the product tree of {@link #exp}, without the final rounding. Error at most
     * (1.5 m - 1 + 10^-6) F-ulps plus 2^-(f+6) from the clip (docs/security/exact-math.md section 2); d = 0 gives
     * exactly 2^F. For callers that keep computing at F (the private softmax).
     */
    long[] expOfNonPositiveAtInternalScale(long[] d, ProtocolId id) {
        int n = d.length;
        long b = own(clip);
        long[] a = new long[n];
        long[] over = new long[n];
        long[] toBound = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = -d[i];
            over[i] = a[i] - b; // a in [0, 2^63): no wrap
            toBound[i] = b - a[i];
        }
        long[] c = be.bitTimesShare(be.positive(over, id.child("bound")), toBound, id.child("bound", "mux"));
        for (int i = 0; i < n; i++) {
            a[i] += c[i];
        }
        return expInternal(a, 0, id.child("exp"));
    }

    /** The number of F-ulps the product tree's root may be off: 1.5 m - 1 + 10^-6 (section 2). */
    double internalErrorUlps() {
        return 1.5 * offset.length - 1 + 1e-6;
    }

    /** 1 / (1 + exp(-x)) at scale f for shares of any 64-bit x at scale f. */
    public long[] sigmoid(long[] x, ProtocolId id) {
        Clipped a = clip(x, false, clip, id.child("clip"));
        return sigmoidOfHalfExp(a.positive, expInternal(a.value, 1, id.child("exp")), id);
    }

    /**
     * sigmoid(x) at scale f from s = [x &gt; 0] (packed) and h = exp(-min(|x|, U))/2 at scale F (what {@link #clip}
     * and {@link #expInternal} with one halving give): y = 1/(1 + 2h), then y for x &gt; 0 and 1 - y otherwise,
     * rounded once. The tail of {@link #sigmoid}; softplus' derivative reuses the forward's h.
     */
    long[] sigmoidOfHalfExp(long[] positive, long[] h, ProtocolId id) {
        int n = h.length;
        long[] y = reciprocalOfOnePlus(h, id.child("recip"));
        // x > 0: y; else 1 - y = (1 - y) + s (2y - 1)
        long[] d = new long[n];
        long one = own(ONE);
        for (int i = 0; i < n; i++) {
            d[i] = 2 * y[i] - one;
        }
        long[] m = be.bitTimesShare(positive, d, id.child("side"));
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = one - y[i] + m[i];
        }
        return round(s, id.child("round"));
    }

    /** tanh(x) at scale f for shares of any 64-bit x at scale f. */
    public long[] tanh(long[] x, ProtocolId id) {
        int n = x.length;
        Clipped a = clip(x, false, clip / 2, id.child("clip"));
        long[] u = new long[n];
        for (int i = 0; i < n; i++) {
            u[i] = 2 * a.value[i]; // <= U: exp(-u 2^-f) <= exp(-(U - 1) 2^-f) <= 2^-(f+6) at the clip
        }
        long[] y = reciprocalOfOnePlus(expInternal(u, 1, id.child("exp")), id.child("recip"));
        // x > 0: 2y - 1; else 1 - 2y = (1 - 2y) + s (4y - 2)
        long one = own(ONE);
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = 4 * y[i] - 2 * one;
        }
        long[] m = be.bitTimesShare(a.positive, d, id.child("side"));
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = one - 2 * y[i] + m[i];
        }
        return round(t, id.child("round"));
    }

    /**
     * Shares of s = [x &gt; 0] (packed), of a clipped non-negative value and of the multiplexer's s·x = max(x, 0) (see
     * {@link #clip}).
     */
    record Clipped(long[] positive, long[] value, long[] selected) {
    }

    /**
     * s = [x &gt; 0], a = |x| (or max(-x, 0) if {@code negativeOnly}) in [0, 2^63] read unsigned, then min(a, bound):
     * two comparisons and two multiplexers one after the other, so that no difference wraps around for any 64-bit x
     * (a single stage comparing x - bound would wrap for x near -2^63).
     */
    Clipped clip(long[] x, boolean negativeOnly, long bound, ProtocolId id) {
        int n = x.length;
        long[] s = be.positive(x, id.child("sign"));
        long[] m = be.bitTimesShare(s, x, id.child("sign", "mux")); // s x = max(x, 0)
        long[] sel = new long[n];
        long b = own(bound);
        long[] a = new long[n];
        long[] over = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = negativeOnly ? m[i] - x[i] : 2 * m[i] - x[i];
            over[i] = a[i] - b; // a in [0, 2^63]: a - bound > 0 iff a > bound, also for a = 2^63
            sel[i] = b - a[i];
        }
        long[] c = be.bitTimesShare(be.positive(over, id.child("bound")), sel, id.child("bound", "mux"));
        for (int i = 0; i < n; i++) {
            a[i] += c[i];
        }
        return new Clipped(s, a, m);
    }

    /**
     * exp(-u 2^-f) / 2^halvings at scale F for shares of u in [0, U]: the digits' factors multiplied in a balanced
     * tree, the last floor by F + halvings (halvings 0 or 1). Error at most (1.5 m - 1 + halvings) 2^-F in exp(-u 2^-f)
     * for m digits (half an F-ulp per table entry, below one per exact floor of a product, below two for the halving
     * root floor).
     */
    long[] expInternal(long[] u, int halvings, ProtocolId id) {
        int n = u.length;
        int m = offset.length;
        long[] digits = new long[m * n];
        System.arraycopy(u, 0, digits, 0, n);
        if (m > 1) {
            // floor(u / 2^offset_j) for all j >= 1 from one exact floor by K of u 2^(K - offset_j) (< 2^62: u < 2^31)
            int k = offset[m - 1];
            long[] shifted = new long[(m - 1) * n];
            for (int j = 1; j < m; j++) {
                for (int i = 0; i < n; i++) {
                    shifted[(j - 1) * n + i] = u[i] << (k - offset[j]);
                }
            }
            System.arraycopy(ExactTruncation.floor(be, shifted, k, id.child("digits")), 0, digits, n, (m - 1) * n);
        }
        long[] factors = be.lookup(digits, digitBits, tables, id.child("tables"));
        return productTree(factors, m, n, halvings, id.child("product"));
    }

    /**
     * The product of m factors of n elements each (factor-major), at scale F, floors by F after each product; the
     * root's floor by F + halvings (with a single factor: one floor by halvings).
     */
    private long[] productTree(long[] factors, int m, int n, int halvings, ProtocolId id) {
        if (m == 1) {
            return halvings == 0 ? factors : ExactTruncation.floor(be, factors, halvings, id.child("halve"));
        }
        long[] level = factors;
        int count = m;
        for (int depth = 0; count > 1; depth++) {
            int pairs = count / 2;
            long[] left = Arrays.copyOfRange(level, 0, pairs * n);
            long[] right = Arrays.copyOfRange(level, pairs * n, 2 * pairs * n);
            int shift = count == 2 ? F + halvings : F;
            long[] prod = ExactTruncation.floor(be, be.multiplyElementwise(left, right, id.child("mul" + depth)), shift,
                    id.child("floor" + depth));
            int next = pairs + (count & 1);
            long[] out = Arrays.copyOf(prod, next * n);
            if ((count & 1) == 1) {
                System.arraycopy(level, 2 * pairs * n, out, pairs * n, n);
            }
            level = out;
            count = next;
        }
        return level;
    }

    /**
     * 1/(1 + e) at scale F from shares of h = e/2 at scale F (e in [0, 1]): z = 1 + 2h, seed y0 = (3 - z)/2 = 1 - h
     * (exact and local, relative error 1 - z y0 = -e (1 - e)/2 in [-1/8, 0]), then {@value #NEWTON_STEPS} Newton
     * steps t = z y, y' = y (2 - t), each product floored exactly by F. Absolute error below z a^2 + 2^-F after a step
     * from error a: below (1 + 3·10^-5) 2^-F after the four steps for every e in [0, 1]. Every product is below
     * 1.125·2^60, inside the range guard's 2^61.
     */
    long[] reciprocalOfOnePlus(long[] h, ProtocolId id) {
        int n = h.length;
        long one = own(ONE);
        long[] z = new long[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            z[i] = one + 2 * h[i];
            y[i] = one - h[i];
        }
        return newtonReciprocal(be, z, y, NEWTON_STEPS, F, id);
    }

    /**
     * Newton's iteration for 1/z at scale {@code fracBits} from shares of z and of a seed y: t = floor(z y / 2^fracBits),
     * y' = floor(y (2^(fracBits+1) - t) / 2^fracBits), every product floored exactly ({@link ExactTruncation}). Shared
     * by this class's sigmoid/tanh and {@link ExactRoots}' reciprocal; the callers bound the products.
     */
    static long[] newtonReciprocal(Backend be, long[] z, long[] y, int steps, int fracBits, ProtocolId id) {
        int n = z.length;
        long two = be.actsFor(0) ? 2L << fracBits : 0;
        for (int step = 0; step < steps; step++) {
            ProtocolId s = id.child("step" + step);
            long[] t = ExactTruncation.floor(be, be.multiplyElementwise(z, y, s.child("zy")), fracBits,
                    s.child("zyFloor"));
            long[] w = new long[n];
            for (int i = 0; i < n; i++) {
                w[i] = two - t[i];
            }
            y = ExactTruncation.floor(be, be.multiplyElementwise(y, w, s.child("yw")), fracBits, s.child("ywFloor"));
        }
        return y;
    }

    /** Round half up from scale F to scale f: floor((v + 2^(F-f-1)) / 2^(F-f)). */
    private long[] round(long[] v, ProtocolId id) {
        int k = F - f;
        long half = own(1L << (k - 1));
        long[] h = new long[v.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = v[i] + half;
        }
        return ExactTruncation.floor(be, h, k, id);
    }

    /** A public constant as this party's share: party 0 holds it, party 1 holds 0 (the reference holds it). */
    private long own(long c) {
        return be.actsFor(0) ? c : 0;
    }
}
