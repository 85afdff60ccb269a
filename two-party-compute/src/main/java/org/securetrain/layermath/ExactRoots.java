package org.securetrain.layermath;

import java.util.Objects;
import org.securetrain.backend.Backend;
import org.securetrain.backend.Bits;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.runtime.ProtocolId;

/**
 * Reciprocal, square root and reciprocal square root of fixed-point shares with mixed input and output scales and a
 * proven error bound over the whole positive input range below a public 2^inputBits, written once on {@link Backend}
 * like {@link ExactFunctions} (constructed the same way: {@code new ExactRoots(be)}): the plaintext reference and the
 * two-party backend run the same integer algorithm and agree bit for bit. The method follows SIRNN (Rathee et al.,
 * IEEE S&amp;P 2021); the algorithm and the error argument are in docs/security/exact-math.md (section 8).
 *
 * <ol>
 *   <li>Leading one ({@link LeadingOne}, as {@link ExactLog}): c_i = [x &ge; 2^i] for all i &lt; inputBits in one
 *       batched comparison, then one conversion to arithmetic shares; the one-hot o_k = c_k - c_(k+1) marks k with
 *       2^k &le; x &lt; 2^(k+1).</li>
 *   <li>Mantissa: one product x·W, W = sum_k o_k 2^(H-k) (local), and one exact floor give m = floor(M 2^F) with
 *       M = x 2^-k in [1, 2); for the roots M is halved where k - fIn is odd (one multiplexer), so that
 *       x 2^-fIn = M 4^j with M in [1/2, 2) and an integer j.</li>
 *   <li>Seed from a {@value #DEFAULT_DIGIT_BITS}-bit table lookup on the top digits of m, then {@value #NEWTON_STEPS}
 *       Newton steps at scale F = {@value #INTERNAL_BITS}, every product floored exactly.</li>
 *   <li>Reciprocal only: a second-order correction at full precision from the exact residual 2^85 - floor(M0 2^56) g
 *       (mod 2^64; its value is below 2^58.1): G = g 2^26 + delta within 3.01 units of 2^-55; where a binade's result
 *       exceeds 2^52 ulps ({@link #reciprocalSecond}) a second one from 2^111 - floor(M0 2^56) G - eta 2^26 g (value
 *       below 2^58.6): G 2^10 + delta2 within 1.0001 units of 2^-65.</li>
 *   <li>Square root only: up to two Newton corrections from exact ring residuals M 2^(2Q) - G^2 (M exact from x W):
 *       G1 = g 2^22 + delta1 within 1.56 units of 2^-51, G2 = G1 2^11 + delta2 within 1.0002 units of 2^-62; how many
 *       run follows from the public scales and inputBits ({@link #sqrtCorrections}).</li>
 *   <li>Reciprocal square root only: one correction from the exact ring residual 2^87 (1 - M g^2 2^-58) (2^87 is 0
 *       mod 2^64; M's part below 2^-28 enters through a product of its own), split into two 31-bit limbs, with the
 *       second-order term: g 2^37 + d1 2^9 + d2 within about 5 units of 2^66 / sqrt(M) ({@link #rsqrtPlan}).</li>
 *   <li>Scale-back: the mantissa's result g (and the corrections) times one-hot sums of public powers of two (left
 *       shifts exact; right shifts by a product and one rounding floor), binades whose results can exceed
 *       2^{@value #SATURATION_BITS} give exactly 2^{@value #SATURATION_BITS}.</li>
 * </ol>
 *
 * <p>Error (output ulps, e the binade's public scale-back exponent): reciprocal faithful over the whole input range
 * (at most 0.5 + 3.01·2^(e-26) &lt; 0.877 for e &lt;= 23, 0.5 + 1.0001·2^(e-36) &lt;= 0.5313 above:
 * {@link #reciprocalBound}); sqrt faithful (below 1 ulp, at most 0.7501) over the whole input range
 * ({@link #sqrtRelative}: without the corrections); rsqrt faithful (at most 0.725 ulp) over the whole input range
 * ({@link #rsqrtBound}; {@link #rsqrtRelative}: without the correction, at most 0.5 [e &lt; 0] + 3.6·2^e, faithful
 * below about 2^26.5 ulps and within relative 2^-26.0 above).
 *
 * <p>Saturation and non-positive inputs: results are min(value, 2^{@value #SATURATION_BITS}) at the output scale
 * (2^60 at scale fOut: a value the range guard still accepts in a truncation); x &le; 0 (with x &gt; -2^inputBits)
 * gives 2^{@value #SATURATION_BITS} for the reciprocal and the reciprocal square root, 0 for the square root.
 *
 * <p>Every value that is truncated is below 2^61 in magnitude except the mantissa product x·W when inputBits is 61
 * or 62 (below 2^62, inside the exact floor's range; that one floor runs without the range guard, its bound being the
 * public inputBits) and three floors of the rsqrt's correction (below 2^61.36, 2^61.27 and 2^61.81, bounds proven in
 * docs/security/exact-math.md 8.2, also run without the guard).
 */
public final class ExactRoots {
    /** F: fraction bits of the mantissa, the tables and the Newton iterates. */
    public static final int INTERNAL_BITS = 29;
    /** Results saturate at 2^SATURATION_BITS at the output scale. */
    public static final int SATURATION_BITS = 60;
    /** Digit width of the seed's table lookup. */
    public static final int DEFAULT_DIGIT_BITS = 6;
    /** Newton steps from the table seed: relative error 2^-6 (reciprocal) or 0.031 (roots) to below 2^-40. */
    public static final int NEWTON_STEPS = 3;
    /** Largest inputBits: x &lt; 2^62. */
    public static final int MAX_INPUT_BITS = 62;
    /** Largest input or output scale. */
    public static final int MAX_SCALE = 61;
    /** Proven bound on the mantissa result's error, in F-ulps: reciprocal, square root, reciprocal square root. */
    static final double RECIPROCAL_MANTISSA_ULPS = 2.01;
    /** The reciprocal's refined mantissa g 2^26 + delta: error in units of 2^-55 (docs: section 8.2). */
    static final double RECIPROCAL_REFINED_UNITS = 3.01;
    static final double SQRT_MANTISSA_ULPS = 6.7;
    static final double RSQRT_MANTISSA_ULPS = 3.6;
    /** The square root's first correction G1 = g 2^22 + delta1: error in units of 2^-51 (docs: section 8.2). */
    static final double SQRT_FIRST_UNITS = 1.56;
    /** The square root's second correction G2 = G1 2^11 + delta2: error in units of 2^-62 (docs: section 8.2). */
    static final double SQRT_SECOND_UNITS = 1.0002;

    private static final int F = INTERNAL_BITS;
    /** Right shifts of the scale-back: by a product with 2^(T + e) and a floor by T; e &lt; -T gives 0. */
    private static final int T = F + 2;
    /** The reciprocal's refinement: its mantissa at P fraction bits, the correction at F + Z, its rounding by 28. */
    private static final int P = 56;
    private static final int Z = 26;
    private static final int T_REFINED = 28;
    /**
     * The reciprocal's second refinement (docs: section 8.2): G = g 2^Z + delta (scale F + Z = 55), G' = G 2^RECIP_W +
     * delta2 at scale 65, within 1.0001 units; it runs where some unsaturated binade has a shift
     * above {@value #RECIPROCAL_FIRST_MAX_SHIFT} (0.5 + 3.01 2^(e-26) would reach one ulp) and joins the scale-back
     * in those binades only (shift &gt;= 24), so binades with e &lt;= 23 give the same outputs with or without it (and
     * {@link #reciprocalAtLeast}, whose public lower bound may leave it out, equals {@link #reciprocal} above its bound).
     */
    static final int RECIP_W = 10;
    static final int RECIPROCAL_FIRST_MAX_SHIFT = 23;
    /** G' = G 2^10 + delta2: error in units of 2^-65 (docs: section 8.2). */
    static final double RECIPROCAL_SECOND_UNITS = 1.0001;
    static final int RECIPROCAL_SECOND_MIN_SHIFT = RECIPROCAL_FIRST_MAX_SHIFT + 1;
    /**
     * The square root's corrections: G1 = g 2^SQRT_Z + delta1 at scale F + SQRT_Z = 51, G2 = G1 2^SQRT_W + delta2 at
     * scale 62; each delta is floor(floor(rho / 2^u) y / 2^v) of an exact ring residual rho (u, v below).
     */
    static final int SQRT_Z = 22;
    static final int SQRT_W = 11;
    private static final int SQRT_U1 = 25;
    private static final int SQRT_V1 = 2 * F + 1 - SQRT_U1;
    private static final int SQRT_U2 = 24;
    private static final int SQRT_V2 = 2 * F + 1 + SQRT_Z - SQRT_W - SQRT_U2;
    /** Largest binade shift e without correction (0.5 + 6.7 2^e &lt; 1), with the first one only (0.5 + 1.56 2^(e-22)). */
    static final int SQRT_PLAIN_MAX_SHIFT = -4;
    static final int SQRT_FIRST_MAX_SHIFT = 20;
    /** delta1 joins the rounding for shifts from -9 on (below, 6.7 2^e &lt; 0.0066 ulp), delta2 from 2 on. */
    static final int SQRT_FIRST_MIN_SHIFT = SQRT_Z - T;
    static final int SQRT_SECOND_MIN_SHIFT = SQRT_Z + SQRT_W - T;

    /**
     * The reciprocal square root's correction (docs: section 8.2): from the exact residual rho = 2^87 (1 - M y^2)
     * (y = g 2^-F), d1 at scale F + RSQRT_Z = 57 and d2 at scale 66 = 57 + RSQRT_W; out = round(g 2^e + d1 2^(e-28) +
     * d2 2^(e-37)), d2 left out below e = 6.
     */
    static final int RSQRT_Z = 28;
    static final int RSQRT_W = 9;
    /** Largest binade shift where the rsqrt runs without its correction: 0.5 + 3.6 2^-4 = 0.725 ulp. */
    static final int RSQRT_PLAIN_MAX_SHIFT = -4;
    /** Binades with e &gt;= 6: d2's error, in units of 2^-66 (|out - R| &lt;= 0.5 + 5.01 2^(e-37)). */
    static final double RSQRT_SECOND_UNITS = 5.01;
    /** Binades with -3 &lt;= e &lt; 6: d2 left out, at most 2^13.1 units of 2^-66. */
    static final double RSQRT_D2_LEFT_OUT = 8780;
    /** rho's split: rho = rhoHi 2^31 + rhoLo; P1 = g rhoHi, d1 = floor(P1 / 2^29). */
    private static final int RHO_SPLIT = 31;
    /** d2 = floor(((P1 mod 2^29) 2^31 + g rhoLo) / 2^51) + 4 floor(3 rhoHi d1 / 2^51). */
    private static final int SECOND_FLOOR = 51;

    /** The three functions. */
    enum Kind {
        RECIPROCAL, SQRT, RSQRT
    }

    private final Backend be;
    private final int digitBits;
    private final long[] reciprocalTable;
    private final long[] rsqrtTable;

    public ExactRoots(Backend be) {
        this(be, DEFAULT_DIGIT_BITS);
    }

    /** digitBits in [5, 8]: the seed's table has 2^digitBits entries; below 5 three Newton steps do not suffice. */
    public ExactRoots(Backend be, int digitBits) {
        this.be = Objects.requireNonNull(be, "backend");
        if (digitBits < 5 || digitBits > 8) {
            throw new IllegalArgumentException("seed digit width must be in [5, 8], got " + digitBits);
        }
        this.digitBits = digitBits;
        this.reciprocalTable = seedTable(digitBits, false);
        this.rsqrtTable = seedTable(digitBits, true);
    }

    /**
     * Seeds at scale F for the mantissa interval of digit v, M in [v 2^(1-d), (v+1) 2^(1-d)): round(2^F / mid) or
     * round(2^F / sqrt(mid)) at its midpoint (StrictMath: the same bits on every JVM). Digits below the mantissa's
     * range (M &lt; 1 for the reciprocal, M &lt; 1/2 for the roots) never occur; they hold the first valid entry.
     */
    static long[] seedTable(int d, boolean root) {
        long[] t = new long[1 << d];
        int first = root ? 1 << (d - 2) : 1 << (d - 1);
        for (int v = 0; v < t.length; v++) {
            double mid = Math.scalb(Math.max(v, first) + 0.5, 1 - d);
            double r = root ? 1.0 / StrictMath.sqrt(mid) : 1.0 / mid;
            t[v] = Math.round(Math.scalb(r, F));
        }
        return t;
    }

    public int digitBits() {
        return digitBits;
    }

    /**
     * 1/x for x &gt; 0: shares of x at scale fIn with 0 &lt; x &lt; 2^inputBits (public bound), shares of
     * min(2^(fIn+fOut) / x, 2^60) at scale fOut. x &le; 0 (and x &gt; -2^inputBits) gives 2^60.
     */
    public long[] reciprocal(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return compute(Kind.RECIPROCAL, x, fIn, fOut, inputBits, 0, false, id);
    }

    /**
     * As {@link #reciprocal} for inputs the caller knows to be at least 2^lowBits (public, 0 &lt;= lowBits &lt;
     * inputBits; e.g. sqrt(v) + eps at scale S is at least round(eps 2^S)): the leading-one comparisons with the
     * thresholds 2^0..2^lowBits, whose answers are 1, are left out (lowBits + 1 of inputBits comparisons and their
     * conversions per element). The result is the same as {@link #reciprocal}'s for such inputs; for an input below
     * 2^lowBits it is not defined.
     */
    public long[] reciprocalAtLeast(long[] x, int fIn, int fOut, int lowBits, int inputBits, ProtocolId id) {
        if (lowBits < 0 || lowBits >= inputBits) {
            throw new IllegalArgumentException("reciprocal: lowBits must be in [0, inputBits = " + inputBits
                    + "), got " + lowBits);
        }
        return compute(Kind.RECIPROCAL, x, fIn, fOut, inputBits, lowBits + 1, false, id);
    }

    /**
     * sqrt(x) for x &ge; 0: shares of x at scale fIn, x &lt; 2^inputBits, shares of min(sqrt(x 2^-fIn) 2^fOut, 2^60)
     * at scale fOut; x &le; 0 (and x &gt; -2^inputBits) gives 0.
     */
    public long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return compute(Kind.SQRT, x, fIn, fOut, inputBits, 0, true, id);
    }

    /**
     * As {@link #sqrt} without its corrections: faithful only where the result is below about 2^25.5 ulps, relative
     * error at most 2^-24.2 above (docs/security/exact-math.md 8.2). For callers whose own error bound rests on the
     * relative error (the adaptive updaters' sqrt(v) + eps): 11 to 22 fewer flights and 1.5 to 3.5 KB less per element
     * where the corrections would run.
     */
    public long[] sqrtRelative(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return compute(Kind.SQRT, x, fIn, fOut, inputBits, 0, false, id);
    }

    /**
     * 1/sqrt(x) for x &gt; 0: shares of x at scale fIn, 0 &lt; x &lt; 2^inputBits, shares of
     * min(2^fOut / sqrt(x 2^-fIn), 2^60) at scale fOut; x &le; 0 (and x &gt; -2^inputBits) gives 2^60.
     */
    public long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return compute(Kind.RSQRT, x, fIn, fOut, inputBits, 0, true, id);
    }

    /**
     * As {@link #rsqrt} without its correction: at most 0.5 [e &lt; 0] + 3.6 2^e output ulps, faithful where the result
     * is below about 2^26.5 ulps, relative error at most 2^-26.0 above (docs/security/exact-math.md 8.2). For callers
     * whose own error bound rests on the relative error (AdaDelta's 1/sqrt(msg + eps) per parameter, BatchNorm's per
     * channel, the L2 normaliser's per group): the correction costs 21-34 flights and 4.4-6.6 KB per element where it
     * runs (docs/security/exact-math.md 8.4).
     */
    public long[] rsqrtRelative(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return compute(Kind.RSQRT, x, fIn, fOut, inputBits, 0, false, id);
    }

    /**
     * known: how many of the leading-one thresholds 2^0, 2^1, ... the input is publicly known to reach (0: none);
     * corrected: the square root's corrections (ignored by the other functions).
     */
    private long[] compute(Kind kind, long[] x, int fIn, int fOut, int inputBits, int known, boolean corrected,
            ProtocolId id) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(id, "id");
        check(kind, fIn, fOut, inputBits);
        int n = x.length;
        if (n == 0) {
            return new long[0];
        }
        int b = inputBits;
        boolean root = kind != Kind.RECIPROCAL;

        // 1. leading one (LeadingOne): one-hot o_k of the binade k, [x <= 0]; with a public lower bound 2^(known - 1)
        // the thresholds up to it are not compared and the binades start at known - 1
        LeadingOne.Binades bin = known == 0 ? LeadingOne.find(be, x, b, id)
                : LeadingOne.findAtLeast(be, x, known, b, id);
        int lo = bin.lowBits();
        long[] onehot = bin.onehot();
        long[] nonPositive = bin.below();

        // 2. mantissa m = floor(M 2^F): x W = M 2^H with W = sum_k o_k 2^(H - k), H = max(F, b - 1) (reciprocal:
        // max(P, b - 1), so that x W also gives the refinement's mantissa floor(M0 2^P))
        int h = Math.max(root ? F : P, b - 1);
        long[] normed = LeadingOne.normalised(be, bin, x, h, id);
        Backend floorBe = LeadingOne.floorBackend(be, h);
        long[] m;
        long[] fine = null;
        long[] fineRemainder = null;
        int sqrtLevel = kind == Kind.SQRT && corrected ? sqrtCorrections(fIn, fOut, b) : 0;
        boolean recipSecond = kind == Kind.RECIPROCAL && reciprocalSecond(fIn, fOut, lo, b);
        RsqrtPlan plan = kind == Kind.RSQRT && corrected ? rsqrtPlan(fIn, fOut, b) : RsqrtPlan.NONE;
        boolean rsqrtFix = plan.corrected();
        long[] exactMantissa = null;
        long[][] remainder = null;
        if (!root) {
            m = ExactTruncation.floor(floorBe, normed, h - F, id.child("norm", "floor"));
            fine = h > P ? ExactTruncation.floor(floorBe, normed, h - P, id.child("norm", "fine")) : normed;
            if (recipSecond && h > P) {
                // M0 2^P - fine = eta in [0, 1) is rem / 2^(H-P), rem = x W - fine 2^(H-P) (local, 0 for x <= 0);
                // the second refinement takes eta 2^Z = rem 2^(P+Z-H) (below 2^26)
                fineRemainder = new long[n];
                for (int i = 0; i < n; i++) {
                    fineRemainder[i] = (normed[i] - (fine[i] << (h - P))) << (P + Z - h);
                }
            }
            for (int i = 0; i < n; i++) {
                m[i] += nonPositive[i] << F; // x <= 0: M = 1 (any valid mantissa; the scale-back ignores it)
                fine[i] += nonPositive[i] << P;
            }
        } else {
            // floor(M0 2^(F-1)) with M0 = x 2^-k in [1, 2), then doubled where k - fIn is even: M in [1/2, 2)
            long[] half = ExactTruncation.floor(floorBe, normed, h - F + 1, id.child("norm", "floor"));
            for (int i = 0; i < n; i++) {
                half[i] += nonPositive[i] << (F - 1);
            }
            long[] even = Bits.allocate(n);
            long[] cBits = bin.bits();
            for (int k = lo; k < b; k++) {
                if (((k - fIn) & 1) != 0) {
                    continue;
                }
                int j = k - lo;
                for (int i = 0; i < n; i++) {
                    int o = Bits.get(cBits, j * n + i) ^ (k + 1 < b ? Bits.get(cBits, (j + 1) * n + i) : 0);
                    if (o != 0) {
                        even[i >>> 6] ^= 1L << (i & 63);
                    }
                }
            }
            // operands doubled where p = 0 by one multiplexer call: the floor; for the square root's corrections
            // also X2 = M 2^(H+1) (x W, 2^H for x <= 0: M = 1/2); for the rsqrt correction M's remainder below
            // 2^-28 (rsqrtRemainder)
            long[][] doubled;
            if (sqrtLevel > 0) {
                doubled = new long[][] {half, normed};
            } else if (plan.remainder()) {
                remainder = rsqrtRemainder(normed, half, nonPositive, h, plan.low(), id.child("norm", "remainder"));
                doubled = remainder[1] == null ? new long[][] {half, remainder[0]}
                        : new long[][] {half, remainder[0], remainder[1]};
            } else {
                doubled = new long[][] {half};
            }
            long[] twice = be.bitTimesShare(repeat(even, n, doubled.length), concat(doubled, n),
                    id.child("norm", "parity"));
            m = new long[n];
            for (int i = 0; i < n; i++) {
                m[i] = half[i] + twice[i];
            }
            if (sqrtLevel > 0) {
                exactMantissa = new long[n];
                for (int i = 0; i < n; i++) {
                    exactMantissa[i] = normed[i] + twice[n + i] + (nonPositive[i] << h);
                }
            }
            if (remainder != null) {
                for (int r = 0; r < doubled.length - 1; r++) {
                    for (int i = 0; i < n; i++) {
                        remainder[r][i] += twice[(r + 1) * n + i];
                    }
                }
            }
        }

        // 3. seed and Newton steps at scale F
        long[] digit = ExactTruncation.floor(be, m, F + 1 - digitBits, id.child("digit"));
        long[] g = be.lookup(digit, digitBits, root ? rsqrtTable : reciprocalTable, id.child("seed"));
        g = root ? rsqrtNewton(m, g, id.child("newton")) : reciprocalNewton(m, g, id.child("newton"));
        long[] d1 = null;
        long[] d2 = null;
        if (kind == Kind.SQRT) {
            long[] inverse = g;
            g = ExactTruncation.floor(be, be.multiplyElementwise(m, g, id.child("sqrt")), F, id.child("sqrt", "floor"));
            if (sqrtLevel > 0) {
                long[][] d = sqrtRefinement(exactMantissa, h, g, inverse, sqrtLevel, id.child("refine"));
                d1 = d[0];
                d2 = d[1];
            }
        } else if (rsqrtFix) {
            long[][] d = rsqrtRefinement(m, remainder, plan.low(), h, g, id.child("refine"));
            d1 = d[0];
            d2 = d[1];
        }
        // the corrections' offsets: out = g 2^e + d1 2^(e - z1) + d2 2^(e - z1 - z2) (docs: section 8.2)
        int z1 = kind == Kind.SQRT ? SQRT_Z : RSQRT_Z;
        int z2 = kind == Kind.SQRT ? SQRT_W : RSQRT_W;
        long[] delta = kind == Kind.RECIPROCAL ? refinement(fine, g, id.child("refine")) : null;
        long[] delta2 = recipSecond ? secondRefinement(fine, fineRemainder, g, delta, id.child("refine", "second"))
                : null;

        // 4. scale-back: out = g 2^e (e >= 0), round(g 2^e) (e < 0), or 2^L in saturated binades; the reciprocal
        // adds delta 2^(e - Z) (its refinement) for e >= Z - T, within the same rounding floor; the square root adds
        // delta1 2^(e - 22) (exact for e >= 22, else rounded from e >= -9 on) and delta2 2^(e - 33) (rounded, e >= 2)
        int t = delta == null ? T : T_REFINED;
        long[] left = new long[n];
        long[] right = new long[n];
        long[] fineRight = new long[n];
        long[] firstLeft = new long[n];
        long[] firstRight = new long[n];
        long[] secondRight = new long[n];
        long[] fineSecond = new long[n];
        long[] out = new long[n];
        long[] saturated = new long[n];
        boolean[] used = new boolean[7];
        for (int k = lo; k < b; k++) {
            Binade bk = binade(kind, k, fIn, fOut);
            int e = bk.shift();
            int j = k - lo;
            if (bk.saturated()) {
                for (int i = 0; i < n; i++) {
                    saturated[i] += onehot[j * n + i];
                }
                continue;
            }
            if (e >= 0) {
                used[0] |= addWeight(left, onehot, j, n, e);
            } else if (e >= -t) {
                used[1] |= addWeight(right, onehot, j, n, t + e);
            } else if (delta != null && e == -t - 1) {
                // values in (1/2, 1]: 1 is within 1/2 ulp
                for (int i = 0; i < n; i++) {
                    out[i] += onehot[j * n + i];
                }
            }
            if (delta != null && e >= Z - t) {
                used[2] |= addWeight(fineRight, onehot, j, n, e + t - Z);
            }
            if (d1 != null && e >= z1) {
                used[3] |= addWeight(firstLeft, onehot, j, n, e - z1);
            } else if (d1 != null && e >= z1 - t) {
                used[4] |= addWeight(firstRight, onehot, j, n, e - z1 + t);
            }
            if (d2 != null && e >= z1 + z2 - t) {
                used[5] |= addWeight(secondRight, onehot, j, n, e - z1 - z2 + t);
            }
            if (delta2 != null && e >= RECIPROCAL_SECOND_MIN_SHIFT) {
                used[6] |= addWeight(fineSecond, onehot, j, n, e + t - Z - RECIP_W);
            }
        }
        long[][] operands = {g, g, delta, d1, d1, d2, delta2};
        long[][] weights = {left, right, fineRight, firstLeft, firstRight, secondRight, fineSecond};
        boolean[] rounded = {false, true, true, false, true, true, true};
        int rows = 0;
        for (boolean u : used) {
            rows += u ? 1 : 0;
        }
        if (rows > 0) {
            long[] ops = new long[rows * n];
            long[] wts = new long[rows * n];
            int[] row = new int[rows];
            int r = 0;
            for (int j = 0; j < used.length; j++) {
                if (used[j]) {
                    System.arraycopy(operands[j], 0, ops, r * n, n);
                    System.arraycopy(weights[j], 0, wts, r * n, n);
                    row[r++] = j;
                }
            }
            long[] p = be.multiplyElementwise(ops, wts, id.child("scale"));
            long[] sum = null;
            for (int q = 0; q < rows; q++) {
                if (!rounded[row[q]]) {
                    for (int i = 0; i < n; i++) {
                        out[i] += p[q * n + i];
                    }
                } else {
                    if (sum == null) {
                        sum = new long[n];
                        java.util.Arrays.fill(sum, own(1L << (t - 1)));
                    }
                    for (int i = 0; i < n; i++) {
                        sum[i] += p[q * n + i];
                    }
                }
            }
            if (sum != null) {
                long[] roundedSum = ExactTruncation.floor(be, sum, t, id.child("scale", "round"));
                for (int i = 0; i < n; i++) {
                    out[i] += roundedSum[i];
                }
            }
        }
        boolean nonPositiveSaturates = kind != Kind.SQRT;
        for (int i = 0; i < n; i++) {
            long s = saturated[i] + (nonPositiveSaturates ? nonPositive[i] : 0);
            out[i] += s << SATURATION_BITS;
        }
        return out;
    }

    /**
     * The reciprocal's second-order correction at full precision: with u = 2^F / M0 and g = u - eps (|eps| &lt;= 2.01),
     * the residual rho = 2^(P+F) - fine g (mod 2^64; its value M0 eps 2^P + eta g is below 2^58.1 for fine =
     * M0 2^P - eta), rhoZ = floor(rho / 2^(P-Z)), delta = floor(rhoZ g / 2^F) = eps 2^Z - M0 eps^2 / 8 + theta with
     * theta in (-2, 1/2]: g 2^Z + delta is within 3.01 units of u 2^Z (scale F + Z = 55). Products below 2^58.1.
     */
    private long[] refinement(long[] fine, long[] g, ProtocolId id) {
        int n = g.length;
        long[] prod = be.multiplyElementwise(fine, g, id.child("residual"));
        long[] rho = new long[n];
        for (int i = 0; i < n; i++) {
            rho[i] = -prod[i]; // 2^(P+F) = 2^85 is 0 mod 2^64
        }
        return correction(rho, g, P - Z, F, id);
    }

    /**
     * The reciprocal's second refinement (docs: section 8.2). G = g 2^Z + delta is within 3.01 of U = 2^55 / M0; the
     * residual rho = 2^111 - fine G - eta 2^Z g (mod 2^64: 2^111 is 0 there) has the value M0 2^P (U - G) + eta delta,
     * below 2^58.6 (fineRemainder = eta 2^Z, null where eta = 0: every k &lt;= 56); delta2 = floor(floor(rho / 2^30) g
     * / 2^45) = (U - G) 2^10 within 1.0001 (with G: G 2^10 + delta2 within 1.0001 units of U 2^10, scale 65).
     * Products below 2^57.6; one product call (two products with the remainder) and two exact floors.
     */
    private long[] secondRefinement(long[] fine, long[] fineRemainder, long[] g, long[] delta, ProtocolId id) {
        int n = g.length;
        long[] big = new long[n];
        for (int i = 0; i < n; i++) {
            big[i] = (g[i] << Z) + delta[i];
        }
        long[] rho = new long[n];
        if (fineRemainder == null) {
            long[] p = be.multiplyElementwise(fine, big, id.child("residual"));
            for (int i = 0; i < n; i++) {
                rho[i] = -p[i];
            }
        } else {
            long[] p = be.multiplyElementwise(concat(new long[][] {fine, fineRemainder}, n),
                    concat(new long[][] {big, g}, n), id.child("residual"));
            for (int i = 0; i < n; i++) {
                rho[i] = -(p[i] + p[n + i]);
            }
        }
        return correction(rho, g, P - Z, F + Z - RECIP_W, id);
    }

    /**
     * Whether the reciprocal runs its second refinement for these public parameters: some unsaturated binade k in
     * [lo, inputBits) has a shift e &gt; {@value #RECIPROCAL_FIRST_MAX_SHIFT} (results above 2^52 ulps), where the
     * first refinement's bound 0.5 + 3.01 2^(e-26) reaches one ulp.
     */
    static boolean reciprocalSecond(int fIn, int fOut, int lo, int inputBits) {
        for (int k = lo; k < inputBits; k++) {
            Binade bin = binade(Kind.RECIPROCAL, k, fIn, fOut);
            if (!bin.saturated() && bin.shift() > RECIPROCAL_FIRST_MAX_SHIFT) {
                return true;
            }
        }
        return false;
    }

    /**
     * The proven bound in output ulps for x &gt; 0 in the unsaturated binade k of {@link #reciprocal} (binades from lo;
     * docs: section 8.2): 0.5 + 1.0001 2^(e-36) where the second refinement runs and e &gt;= 24, 0.5 +
     * 3.01 2^(e-26) for other e &gt;= -2, 0.5 + 2.01 2^e for -28 &lt;= e &lt;= -3, 0.5 below.
     */
    static double reciprocalBound(int k, int fIn, int fOut, int lo, int inputBits) {
        int e = binade(Kind.RECIPROCAL, k, fIn, fOut).shift();
        if (e >= RECIPROCAL_SECOND_MIN_SHIFT && reciprocalSecond(fIn, fOut, lo, inputBits)) {
            return 0.5 + RECIPROCAL_SECOND_UNITS * Math.scalb(1.0, e - Z - RECIP_W);
        }
        if (e >= Z - T_REFINED) {
            return 0.5 + RECIPROCAL_REFINED_UNITS * Math.scalb(1.0, e - Z);
        }
        return e < -T_REFINED ? 0.5 : 0.5 + RECIPROCAL_MANTISSA_ULPS * Math.scalb(1.0, e);
    }

    /**
     * The square root's two corrections from exact ring residuals (docs: section 8.2). With s = sqrt(M) 2^F, g = s - eps
     * (|eps| &lt;= 6.7) and y within 3.6 of 2^F / sqrt(M) = 2^(2F) / s: rho1 = M 2^(2F+22) - g^2 2^22 = 2^22 eps (s + g)
     * (|rho1| &lt; 2^55.3; M 2^(2F+22) = X2 2^(79-H) is a local shift of the exact X2 = M 2^(H+1), g^2 one square, both
     * mod 2^64, where the difference is exact), delta1 = floor(floor(rho1 / 2^25) y / 2^34) ~ rho1 / (2s): G1 = g 2^22
     * + delta1 within 1.56 units of s 2^22 (scale 51). Level 2 repeats it on G1: rho2 = M 2^102 - G1^2 (|rho2| &lt;
     * 2^53.2), delta2 = floor(floor(rho2 / 2^24) y / 2^46): G1 2^11 + delta2 within 1.0002 units of s 2^33 (scale 62).
     * Truncated values below 2^59.8.
     */
    private long[][] sqrtRefinement(long[] x2, int h, long[] g, long[] y, int level, ProtocolId id) {
        int n = g.length;
        long[] gg = be.square(g, id.child("first", "square"));
        long[] rho = new long[n];
        int shift = 2 * F + SQRT_Z - h - 1;
        for (int i = 0; i < n; i++) {
            rho[i] = (x2[i] << shift) - (gg[i] << SQRT_Z);
        }
        long[] d1 = correction(rho, y, SQRT_U1, SQRT_V1, id.child("first"));
        if (level < 2) {
            return new long[][] {d1, null};
        }
        long[] g1 = new long[n];
        for (int i = 0; i < n; i++) {
            g1[i] = (g[i] << SQRT_Z) + d1[i];
        }
        long[] g1g1 = be.square(g1, id.child("second", "square"));
        int shift2 = 2 * (F + SQRT_Z) - h - 1; // 2^64 divides M 2^102 when this reaches 64
        for (int i = 0; i < n; i++) {
            rho[i] = (shift2 >= Long.SIZE ? 0 : x2[i] << shift2) - g1g1[i];
        }
        return new long[][] {d1, correction(rho, y, SQRT_U2, SQRT_V2, id.child("second"))};
    }

    /**
     * M's part below 2^-28 for the rsqrt correction (only when some binade has k &gt;= 29, i.e. M0 = x 2^-k has bits
     * there): R0 = r0 2^H = x W - half 2^(H-28) in [0, 2^(H-28)) (local; x W set to 2^H for x &lt;= 0, where half is
     * 2^28). For H &lt;= 57: {r57 = R0 2^(57-H) = r0 2^57 (exact), null}; for H &gt; 57 without the low part
     * ({@link RsqrtPlan#low}): {R0, null}; with it {r57 = floor(R0 / 2^(H-57)), rb = R0 - r57 2^(H-57)} (one exact
     * floor). Each is doubled where p = 0 by the parity multiplexer (r = M - m 2^-29 = r0 2^-p).
     */
    private long[][] rsqrtRemainder(long[] normed, long[] half, long[] nonPositive, int h, boolean low,
            ProtocolId id) {
        int n = normed.length;
        long[] r0 = new long[n];
        for (int i = 0; i < n; i++) {
            r0[i] = normed[i] + (nonPositive[i] << h) - (half[i] << (h - (F - 1)));
        }
        if (h <= 57) {
            for (int i = 0; i < n; i++) {
                r0[i] <<= 57 - h;
            }
            return new long[][] {r0, null};
        }
        if (!low) {
            return new long[][] {r0, null};
        }
        long[] r57 = ExactTruncation.floor(be, r0, h - 57, id);
        long[] rb = new long[n];
        for (int i = 0; i < n; i++) {
            rb[i] = r0[i] - (r57[i] << (h - 57));
        }
        return new long[][] {r57, rb};
    }

    /**
     * The reciprocal square root's correction (docs: section 8.2). y = g 2^-F, eps = 1 - M y^2 (|eps| &lt; 2^-25.65),
     * 1/sqrt(M) = y (1 + eps/2 + 3 eps^2/8 + ...). The residual rho = 2^87 eps + err is exact in the ring: 2^87 = 0
     * there and rho = -(m g^2 + c) with m 2^-29 = M - r and c below 2^87 r y^2 by err (remainder null: r = 0, c = 0;
     * else g^2 = sq 2^a + gl and c = rp sq, plus floor((rp gl + rbp sq 2^(86-H)) / 2^29) with the low part: err in
     * [0, 3), without it below 2^30 or, for H &gt; 57, 2^(H-27)); |rho| &lt; 2^61.36. Split rho = rhoHi 2^31 + rhoLo;
     * P1 = g rhoHi, P2 = g rhoLo; d1 = floor(P1 / 2^29) (y eps / 2 at scale 57); the rest of g rho / 2^51 is
     * floor(((P1 - d1 2^29) 2^31 + P2) / 2^51), and the quadratic term 3 eps^2 y / 8 at scale 66 is 3 rhoHi d1 / 2^49,
     * taken as 4 floor(3 rhoHi d1 / 2^51): d2 (scale 66) is their sum. Floors of rho and of d2's two terms (below
     * 2^61.36, 2^61.27 and 2^61.81) run without the range guard, their bounds being proven.
     */
    private long[][] rsqrtRefinement(long[] m, long[][] remainder, boolean low, int h, long[] g, ProtocolId id) {
        int n = g.length;
        Backend wide = RangeCheckedBackend.unchecked(be);
        long[] gg = be.square(g, id.child("square"));
        long[] rho = new long[n];
        if (remainder == null) {
            long[] mg = be.multiplyElementwise(m, gg, id.child("residual"));
            for (int i = 0; i < n; i++) {
                rho[i] = -mg[i]; // 2^87 is 0 mod 2^64
            }
        } else if (!low) {
            // c = rp sq, sq = floor(g^2 / 2^a): a = 29 with rp = r0 2^57 (H <= 57), a = H - 28 with rp = R0 (H > 57)
            int a = h > 57 ? h - 28 : F;
            long[] sq = ExactTruncation.floor(be, gg, a, id.child("square", "floor"));
            long[] p = be.multiplyElementwise(concat(new long[][] {m, remainder[0]}, n), concat(new long[][] {gg, sq}, n),
                    id.child("residual"));
            for (int i = 0; i < n; i++) {
                rho[i] = -(p[i] + p[n + i]);
            }
        } else {
            // g^2 = sq 2^29 + gl; c = rp sq + floor((rp gl + rbp sq 2^(86-H)) / 2^29)
            long[] sq = ExactTruncation.floor(be, gg, F, id.child("square", "floor"));
            long[] gl = new long[n];
            for (int i = 0; i < n; i++) {
                gl[i] = gg[i] - (sq[i] << F);
            }
            long[] rp = remainder[0];
            long[] rbp = remainder[1];
            long[][] ops = rbp == null ? new long[][] {m, rp, rp} : new long[][] {m, rp, rp, rbp};
            long[][] wts = rbp == null ? new long[][] {gg, sq, gl} : new long[][] {gg, sq, gl, sq};
            long[] p = be.multiplyElementwise(concat(ops, n), concat(wts, n), id.child("residual"));
            long[] lowSum = new long[n];
            for (int i = 0; i < n; i++) {
                lowSum[i] = p[2 * n + i] + (rbp == null ? 0 : p[3 * n + i] << (86 - h));
            }
            long[] cl = ExactTruncation.floor(be, lowSum, F, id.child("residual", "low"));
            for (int i = 0; i < n; i++) {
                rho[i] = -(p[i] + p[n + i] + cl[i]);
            }
        }
        long[] rhoHi = ExactTruncation.floor(wide, rho, RHO_SPLIT, id.child("split"));
        long[] rhoLo = new long[n];
        for (int i = 0; i < n; i++) {
            rhoLo[i] = rho[i] - (rhoHi[i] << RHO_SPLIT);
        }
        long[] gp = be.multiplyElementwise(concat(new long[][] {g, g}, n), concat(new long[][] {rhoHi, rhoLo}, n),
                id.child("correction"));
        long[] p1 = java.util.Arrays.copyOf(gp, n);
        long[] d1 = ExactTruncation.floor(be, p1, F, id.child("first"));
        long[] x = be.multiplyElementwise(rhoHi, d1, id.child("quadratic"));
        long[] terms = new long[2 * n];
        for (int i = 0; i < n; i++) {
            terms[i] = ((p1[i] - (d1[i] << F)) << RHO_SPLIT) + gp[n + i];
            terms[n + i] = 3 * x[i];
        }
        long[] fl = ExactTruncation.floor(wide, terms, SECOND_FLOOR, id.child("second"));
        long[] d2 = new long[n];
        for (int i = 0; i < n; i++) {
            d2[i] = fl[i] + 4 * fl[n + i];
        }
        return new long[][] {d1, d2};
    }

    /** The rows one after the other (each of length n). */
    private static long[] concat(long[][] rows, int n) {
        long[] all = new long[rows.length * n];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, all, r * n, n);
        }
        return all;
    }

    /** copies copies of the n packed bits one after the other. */
    private static long[] repeat(long[] bits, int n, int copies) {
        if (copies == 1) {
            return bits;
        }
        long[] all = Bits.allocate(copies * n);
        for (int c = 0; c < copies; c++) {
            for (int i = 0; i < n; i++) {
                if (Bits.get(bits, i) != 0) {
                    Bits.set(all, c * n + i, 1);
                }
            }
        }
        return all;
    }

    /** floor(floor(rho / 2^u) y / 2^v): a Newton correction from an exact residual rho and an approximate inverse y. */
    private long[] correction(long[] rho, long[] y, int u, int v, ProtocolId id) {
        long[] rhoU = ExactTruncation.floor(be, rho, u, id.child("residualFloor"));
        return ExactTruncation.floor(be, be.multiplyElementwise(rhoU, y, id.child("correction")), v,
                id.child("correctionFloor"));
    }

    /**
     * How many corrections the square root needs for these public parameters: 0 if every unsaturated binade has a
     * shift e &lt;= {@value #SQRT_PLAIN_MAX_SHIFT} (faithful without), 1 if e &lt;= {@value #SQRT_FIRST_MAX_SHIFT}, else 2.
     */
    static int sqrtCorrections(int fIn, int fOut, int inputBits) {
        int most = Integer.MIN_VALUE;
        for (int k = 0; k < inputBits; k++) {
            Binade bin = binade(Kind.SQRT, k, fIn, fOut);
            if (!bin.saturated()) {
                most = Math.max(most, bin.shift());
            }
        }
        return most <= SQRT_PLAIN_MAX_SHIFT ? 0 : most <= SQRT_FIRST_MAX_SHIFT ? 1 : 2;
    }

    /**
     * What the reciprocal square root runs for public parameters: {@code corrected}, its correction (some unsaturated
     * binade has e &gt; {@value #RSQRT_PLAIN_MAX_SHIFT}: without it the bound 0.5 + 3.6 2^e would exceed 0.725 ulp);
     * {@code remainder}, M's part below 2^-28 in the residual (inputBits &gt; 29: some k &gt;= 29); {@code low}, that
     * part's low products exactly (one or two more exact floors), only where a binade's bound would exceed 0.75 ulp
     * without them ({@link #rsqrtBound}).
     */
    record RsqrtPlan(boolean corrected, boolean remainder, boolean low) {
        static final RsqrtPlan NONE = new RsqrtPlan(false, false, false);
    }

    static RsqrtPlan rsqrtPlan(int fIn, int fOut, int inputBits) {
        boolean corrected = false;
        for (int k = 0; k < inputBits; k++) {
            Binade bin = binade(Kind.RSQRT, k, fIn, fOut);
            corrected |= !bin.saturated() && bin.shift() > RSQRT_PLAIN_MAX_SHIFT;
        }
        if (!corrected) {
            return RsqrtPlan.NONE;
        }
        boolean remainder = inputBits - 1 >= F;
        RsqrtPlan coarse = new RsqrtPlan(true, remainder, false);
        for (int k = 0; k < inputBits; k++) {
            if (!binade(Kind.RSQRT, k, fIn, fOut).saturated() && rsqrtBound(coarse, k, fIn, fOut, inputBits) > 0.75) {
                return new RsqrtPlan(true, remainder, true);
            }
        }
        return coarse;
    }

    /** Whether the reciprocal square root runs its correction for these public parameters ({@link #rsqrtPlan}). */
    static boolean rsqrtCorrected(int fIn, int fOut, int inputBits) {
        return rsqrtPlan(fIn, fOut, inputBits).corrected();
    }

    /** The proven bound in output ulps for x &gt; 0 in the unsaturated binade k of {@link #rsqrt} (docs: section 8.2). */
    static double rsqrtBound(int k, int fIn, int fOut, int inputBits) {
        return rsqrtBound(rsqrtPlan(fIn, fOut, inputBits), k, fIn, fOut, inputBits);
    }

    /**
     * Under a plan: without the correction (or e &lt;= -4) 0.5 [e &lt; 0] + 3.6 2^e; with it 0.5 + U 2^(e-37), U =
     * 5.01 + sqrt(2) err / 2^22 for err the bound on c's shortfall (0 for k &lt;= 28; 3 with the low part; else 2^30,
     * or 2^(H-27) for H &gt; 57), plus 2^13.1 where d2 is left out (-3 &lt;= e &lt; 6).
     */
    static double rsqrtBound(RsqrtPlan plan, int k, int fIn, int fOut, int inputBits) {
        int e = binade(Kind.RSQRT, k, fIn, fOut).shift();
        if (!plan.corrected() || e <= RSQRT_PLAIN_MAX_SHIFT) {
            return (e < 0 ? 0.5 : 0) + RSQRT_MANTISSA_ULPS * Math.scalb(1.0, e);
        }
        int h = Math.max(F, inputBits - 1);
        double err = k < F ? 0 : plan.low() ? 3 : Math.scalb(1.0, h > 57 ? h - 27 : 30);
        double units = RSQRT_SECOND_UNITS + Math.sqrt(2) * Math.scalb(err, -22)
                + (e < RSQRT_Z + RSQRT_W - T ? RSQRT_D2_LEFT_OUT : 0);
        return 0.5 + units * Math.scalb(1.0, e - RSQRT_Z - RSQRT_W);
    }

    /** weights += onehot_k 2^shift; true (the row is used). */
    private static boolean addWeight(long[] weights, long[] onehot, int k, int n, int shift) {
        for (int i = 0; i < n; i++) {
            weights[i] += onehot[k * n + i] << shift;
        }
        return true;
    }

    /**
     * Reciprocal Newton steps from the seed y ~ 2^(2F) / m, m in [2^F, 2^(F+1)): t = floor(m y / 2^F),
     * y' = floor(y (2^(F+1) - t) / 2^F). Products below 2^60.
     */
    private long[] reciprocalNewton(long[] m, long[] y, ProtocolId id) {
        return ExactFunctions.newtonReciprocal(be, m, y, NEWTON_STEPS, F, id);
    }

    /**
     * Reciprocal square root Newton steps from the seed y ~ 2^F / sqrt(m 2^-F), m in [2^(F-1), 2^(F+1)):
     * s = floor(y^2 / 2^F), t = floor(m s / 2^F), y' = floor(y (3 2^F - t) / 2^(F+1)). Products below 2^60.1.
     */
    private long[] rsqrtNewton(long[] m, long[] y, ProtocolId id) {
        int n = m.length;
        long three = own(3L << F);
        for (int step = 0; step < NEWTON_STEPS; step++) {
            ProtocolId s = id.child("step" + step);
            long[] sq = ExactTruncation.floor(be, be.square(y, s.child("yy")), F, s.child("yyFloor"));
            long[] t = ExactTruncation.floor(be, be.multiplyElementwise(m, sq, s.child("myy")), F,
                    s.child("myyFloor"));
            long[] w = new long[n];
            for (int i = 0; i < n; i++) {
                w[i] = three - t[i];
            }
            y = ExactTruncation.floor(be, be.multiplyElementwise(y, w, s.child("yw")), F + 1, s.child("ywFloor"));
        }
        return y;
    }

    /**
     * Where the binade of inputs with leading bit k goes: the mantissa result g (scale F) times 2^shift, or saturated
     * (the binade's largest result exceeds 2^L; its smallest is then at least 2^L, so the output is min(value, 2^L)).
     */
    record Binade(int shift, boolean saturated) {
    }

    /**
     * reciprocal: value 2^(fIn+fOut-k) / M, M in [1, 2); roots: x 2^-fIn = M 4^j, p = (k - fIn) mod 2,
     * j = (k - fIn + p) / 2, M in [1, 2) (p = 0) or [1/2, 1) (p = 1): rsqrt 2^(fOut-j) / sqrt(M), sqrt 2^(fOut+j)
     * sqrt(M). supTwice is twice the log2 of the binade's largest value.
     */
    static Binade binade(Kind kind, int k, int fIn, int fOut) {
        int shift;
        int supTwice;
        if (kind == Kind.RECIPROCAL) {
            shift = fIn + fOut - k - F;
            supTwice = 2 * (fIn + fOut - k);
        } else {
            int p = Math.floorMod(k - fIn, 2);
            int j = (k - fIn + p) / 2;
            if (kind == Kind.RSQRT) {
                shift = fOut - j - F;
                supTwice = 2 * (fOut - j) + p;
            } else {
                shift = fOut + j - F;
                supTwice = 2 * (fOut + j) + 1 - p;
            }
        }
        return new Binade(shift, supTwice > 2 * SATURATION_BITS);
    }

    private static void check(Kind kind, int fIn, int fOut, int inputBits) {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT);
        if (inputBits < 1 || inputBits > MAX_INPUT_BITS) {
            throw new IllegalArgumentException(name + ": inputBits must be in [1, " + MAX_INPUT_BITS + "], got "
                    + inputBits);
        }
        if (fIn < 0 || fIn > MAX_SCALE || fOut < 0 || fOut > MAX_SCALE) {
            throw new IllegalArgumentException(name + ": scales must be in [0, " + MAX_SCALE + "], got fIn = " + fIn
                    + ", fOut = " + fOut);
        }
    }

    /** A public constant as this party's share: party 0 holds it, party 1 holds 0 (the reference holds it). */
    private long own(long c) {
        return be.actsFor(0) ? c : 0;
    }
}
