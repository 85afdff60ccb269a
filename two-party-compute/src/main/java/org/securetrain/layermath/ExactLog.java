package org.securetrain.layermath;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * The natural logarithm of positive fixed-point shares with mixed input and output scales and a proven error bound
 * over the whole input range below a public 2^inputBits, written once on {@link Backend} like {@link ExactRoots}: the
 * plaintext reference and the two-party backend run the same integer algorithm and agree bit for bit. The method
 * follows SIRNN (Rathee et al., IEEE S&amp;P 2021): leading one, table lookup on the mantissa's top digits, a short
 * series for the rest. The algorithm and the error argument are in docs/security/exact-math.md (section 10).
 *
 * <ol>
 *   <li>Leading one and mantissa as {@link ExactRoots} ({@link LeadingOne}): x = M 2^k, M in [1, 2), and
 *       m = floor(M 2^G) (one product and one exact floor), G = {@value #INTERNAL_BITS}.</li>
 *   <li>ln(x 2^-fIn) = (k - fIn) ln 2 + ln(m_hi) + ln(1 + u), m_hi = 1 + v 2^-d from the top d fraction bits v of
 *       m (one exact floor), u = (M - m_hi) / m_hi in [0, 2^-d).</li>
 *   <li>(k - fIn) ln 2 at scale G from the one-hot of k and public constants (local); ln(m_hi) and 1/m_hi at scale G
 *       from one lookup of two public tables; u = floor(r · inv / 2^G) with r = m - m_hi 2^G (local).</li>
 *   <li>ln(1 + u) = u - u^2/2 + u^3/3 - ... to N terms (N from d: truncation below 1/4 G-ulp): the powers by a tree
 *       of products with exact floors (one level per doubling), their sum with public coefficients round(2^G/k) at
 *       scale 2G (local) and one exact floor back to G.</li>
 *   <li>The sum rounded half up to scale fOut by one exact floor.</li>
 * </ol>
 *
 * <p>Error: at most 0.5 + {@value #INTERNAL_ERROR_ULPS}·2^(fOut - G) output ulps for every x &gt; 0 below
 * 2^inputBits, below one ulp (faithful) for every allowed fOut (at most {@value #MAX_OUTPUT_SCALE}).
 *
 * <p>x &le; 0 (with x &gt; -2^inputBits) gives -2^{@value #SATURATION_BITS} at the output scale (ln 0 = -infinity
 * saturated to a value the range guard still accepts).
 *
 * <p>Every value that is truncated is below 2^60 in magnitude except the mantissa product x·W when inputBits is 61 or
 * 62 (below 2^62; as in {@link ExactRoots} that floor runs without the range guard, its bound being the public
 * inputBits).
 */
public final class ExactLog {
    /** G: fraction bits of the mantissa, the tables, the series and the sum before the final rounding. */
    public static final int INTERNAL_BITS = 32;
    /** Largest output scale: the internal error (at most {@value #INTERNAL_ERROR_ULPS} G-ulps) stays below half an ulp. */
    public static final int MAX_OUTPUT_SCALE = 28;
    /** Largest input scale. */
    public static final int MAX_INPUT_SCALE = 61;
    /** Largest inputBits: x &lt; 2^62. */
    public static final int MAX_INPUT_BITS = 62;
    /** Non-positive inputs give -2^SATURATION_BITS at the output scale. */
    public static final int SATURATION_BITS = 60;
    /** Digit width of the table lookup on the mantissa. */
    public static final int DEFAULT_DIGIT_BITS = 6;
    /** Proven bound on the error of the sum before the final rounding, in G-ulps (docs: section 10.2). */
    static final double INTERNAL_ERROR_ULPS = 5.0;
    /** The series' truncation error is at most 2^-TRUNCATION_GUARD G-ulps. */
    static final int TRUNCATION_GUARD = 2;

    private static final int G = INTERNAL_BITS;
    /** ln 2 to 50 digits: the binade constants (k - fIn) ln 2 are rounded from it exactly. */
    static final BigDecimal LN2 = new BigDecimal("0.69314718055994530941723212145817656807550013436025");

    private final Backend be;
    private final int digitBits;
    private final int terms;
    /** round(ln(1 + v 2^-d) 2^G) then round(2^G / (1 + v 2^-d)) for v &lt; 2^d: the lookup's two tables. */
    private final long[] tables;

    public ExactLog(Backend be) {
        this(be, DEFAULT_DIGIT_BITS);
    }

    /** digitBits in [5, 8]: the lookup's tables have 2^digitBits entries; fewer bits mean more series terms. */
    public ExactLog(Backend be, int digitBits) {
        this.be = Objects.requireNonNull(be, "backend");
        if (digitBits < 5 || digitBits > 8) {
            throw new IllegalArgumentException("log: digit width must be in [5, 8], got " + digitBits);
        }
        this.digitBits = digitBits;
        this.terms = seriesTerms(digitBits);
        this.tables = tables(digitBits);
    }

    /**
     * ln(x 2^-fIn) at scale fOut, signed: shares of x at scale fIn with 0 &lt; x &lt; 2^inputBits (public bound), shares
     * of ln(x 2^-fIn) 2^fOut within 0.5 + 5·2^(fOut-32) ulps (faithful); x &le; 0 (with x &gt; -2^inputBits) gives
     * -2^60. fIn in [0, 61], fOut in [0, 28], inputBits in [1, 62]. With the default digit width.
     */
    public static long[] log(Backend be, long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return new ExactLog(be).log(x, fIn, fOut, inputBits, id);
    }

    public int digitBits() {
        return digitBits;
    }

    /** N: terms of the series ln(1 + u) = u - u^2/2 + ... for this digit width. */
    public int seriesTerms() {
        return terms;
    }

    /**
     * The fewest terms N &ge; 2 whose truncation error u^(N+1)/(N+1) (alternating series, u &lt; 2^-d (1 + 2^-20)) is
     * at most 2^-(G + {@value #TRUNCATION_GUARD}): d = 5: 6, 6: 5, 7: 4, 8: 4.
     */
    static int seriesTerms(int d) {
        for (int n = 2;; n++) {
            if (truncationUlps(d, n) <= Math.scalb(1.0, -TRUNCATION_GUARD)) {
                return n;
            }
        }
    }

    /** Upper bound on the series' truncation error after n terms, in G-ulps. */
    static double truncationUlps(int d, int n) {
        return Math.pow(Math.scalb(1.0 + Math.scalb(1.0, -20), -d), n + 1) / (n + 1) * Math.scalb(1.0, G);
    }

    /**
     * ln(1 + v 2^-d) rounded to G fraction bits (StrictMath.log1p: fdlibm, the same bits on every JVM, within one
     * double ulp, i.e. 2^-21 G-ulps) and the exact integer rounding of 2^G / (1 + v 2^-d) = 2^(G+d) / (2^d + v).
     */
    static long[] tables(int d) {
        int size = 1 << d;
        long[] t = new long[2 * size];
        for (int v = 0; v < size; v++) {
            t[v] = Math.round(Math.scalb(StrictMath.log1p(Math.scalb((double) v, -d)), G));
            long den = size + v;
            t[size + v] = ((1L << (G + d + 1)) + den) / (2 * den);
        }
        return t;
    }

    /** round((k - fIn) ln 2 · 2^G), half away from zero, exact (from the 50-digit ln 2). */
    static long binadeConstant(int k, int fIn) {
        return LN2.multiply(BigDecimal.valueOf((long) (k - fIn) << G)).setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /** See {@link #log(Backend, long[], int, int, int, ProtocolId)}; both parties call with the same arguments. */
    public long[] log(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(id, "id");
        check(fIn, fOut, inputBits);
        int n = x.length;
        if (n == 0) {
            return new long[0];
        }
        int b = inputBits;
        int d = digitBits;

        // 1. leading one and mantissa m = floor(M 2^G), M = x 2^-k in [1, 2); x <= 0: m = 2^G (M = 1, ln M = 0)
        LeadingOne.Binades bins = LeadingOne.find(be, x, b, id);
        long[] onehot = bins.onehot();
        long[] nonPositive = bins.nonPositive();
        int h = Math.max(G, b - 1);
        long[] y = LeadingOne.normalised(be, bins, x, h, id);
        long[] m = h > G ? ExactTruncation.floor(LeadingOne.floorBackend(be, h), y, h - G, id.child("norm", "floor"))
                : y;
        for (int i = 0; i < n; i++) {
            m[i] += nonPositive[i] << G;
        }

        // 2. top digits: w = floor(m / 2^(G-d)) = 2^d + v in [2^d, 2^(d+1)); the lookup reads w's low d bits (v);
        // r = m - w 2^(G-d) in [0, 2^(G-d)) (local)
        long[] w = ExactTruncation.floor(be, m, G - d, id.child("digit"));
        long[] digits = new long[2 * n];
        System.arraycopy(w, 0, digits, 0, n);
        System.arraycopy(w, 0, digits, n, n);
        long[] looked = be.lookup(digits, d, tables, id.child("table"));
        long[] r = new long[n];
        long[] inv = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = m[i] - (w[i] << (G - d));
            inv[i] = looked[n + i];
        }

        // 3. u = floor(r inv / 2^G) in [0, 2^(G-d)] (product below 2^(2G-d))
        long[] u = ExactTruncation.floor(be, be.multiplyElementwise(r, inv, id.child("u")), G, id.child("u", "floor"));

        // 4. ln(1 + u) = u + T / 2^G, T = sum_{k=2..N} (-1)^(k+1) round(2^G / k) P_k at scale 2G
        long[][] powers = powers(u, id.child("powers"));
        long[] t = new long[n];
        for (int k = 2; k <= terms; k++) {
            long c = Math.round(Math.scalb(1.0, G) / k);
            long sc = (k & 1) == 0 ? -c : c;
            long[] p = powers[k];
            for (int i = 0; i < n; i++) {
                t[i] += sc * p[i];
            }
        }
        long[] tG = ExactTruncation.floor(be, t, G, id.child("series"));

        // 5. V = sum_k o_k round((k - fIn) ln 2 2^G) + ln(m_hi) + u + T_G at scale G, rounded half up to fOut
        long half = LeadingOne.own(be, 1L << (G - fOut - 1));
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = looked[i] + u[i] + tG[i] + half;
        }
        for (int k = 0; k < b; k++) {
            long c = binadeConstant(k, fIn);
            for (int i = 0; i < n; i++) {
                v[i] += c * onehot[k * n + i];
            }
        }
        long[] out = ExactTruncation.floor(be, v, G - fOut, id.child("round"));
        for (int i = 0; i < n; i++) {
            out[i] -= nonPositive[i] << SATURATION_BITS;
        }
        return out;
    }

    /**
     * P_1 = u and P_k = floor(P_a P_b / 2^G) for k = 2..N at scale G: level j computes every k in (2^j, 2^(j+1)] from
     * P_(2^j) and P_(k - 2^j) in one product and one exact floor (the first level a square). Each P_k is within
     * [0, 1.07) G-ulps below u^k / 2^(G(k-1)); products below 2^(2G - 2d + 1).
     */
    private long[][] powers(long[] u, ProtocolId id) {
        int n = u.length;
        long[][] p = new long[terms + 1][];
        p[1] = u;
        for (int low = 1; low < terms; low *= 2) {
            int first = low + 1;
            int last = Math.min(2 * low, terms);
            int count = last - first + 1;
            ProtocolId level = id.child("level" + low);
            long[] prod;
            if (low == 1) {
                prod = be.square(u, level.child("square"));
            } else {
                long[] a = new long[count * n];
                long[] c = new long[count * n];
                for (int k = first; k <= last; k++) {
                    System.arraycopy(p[low], 0, a, (k - first) * n, n);
                    System.arraycopy(p[k - low], 0, c, (k - first) * n, n);
                }
                prod = be.multiplyElementwise(a, c, level.child("mul"));
            }
            long[] fl = ExactTruncation.floor(be, prod, G, level.child("floor"));
            for (int k = first; k <= last; k++) {
                p[k] = java.util.Arrays.copyOfRange(fl, (k - first) * n, (k - first + 1) * n);
            }
        }
        return p;
    }

    private static void check(int fIn, int fOut, int inputBits) {
        if (inputBits < 1 || inputBits > MAX_INPUT_BITS) {
            throw new IllegalArgumentException("log: inputBits must be in [1, " + MAX_INPUT_BITS + "], got "
                    + inputBits);
        }
        if (fIn < 0 || fIn > MAX_INPUT_SCALE) {
            throw new IllegalArgumentException("log: input scale must be in [0, " + MAX_INPUT_SCALE + "], got " + fIn);
        }
        if (fOut < 0 || fOut > MAX_OUTPUT_SCALE) {
            throw new IllegalArgumentException("log: output scale must be in [0, " + MAX_OUTPUT_SCALE + "] (the "
                    + "internal precision is " + G + " bits; a finer output would not be faithful), got " + fOut);
        }
    }
}
