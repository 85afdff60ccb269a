package org.securetrain.layermath;

import java.util.Objects;
import org.securetrain.backend.Backend;
import org.securetrain.backend.Bits;
import org.securetrain.runtime.ProtocolId;

/**
 * Reciprocal, square root and reciprocal square root of fixed-point shares with mixed input and output scales and a
 * proven error bound over the whole positive input range below a public 2^inputBits, written once on {@link Backend}
 * like {@link ExactFunctions} (constructed the same way: {@code new ExactRoots(be)}): the plaintext reference and the
 * two-party backend run the same integer algorithm and agree bit for bit. The method follows SIRNN (Rathee et al.,
 * IEEE S&amp;P 2021); the algorithm and the error argument are in docs/security/exact-math.md (section 8).
 *
 * <ol>
 *   <li>Leading one: c_i = [x &ge; 2^i] for all i &lt; inputBits in one batched comparison, then one conversion to
 *       arithmetic shares; the one-hot o_k = c_k - c_(k+1) marks k with 2^k &le; x &lt; 2^(k+1).</li>
 *   <li>Mantissa: one product x·W, W = sum_k o_k 2^(H-k) (local), and one exact floor give m = floor(M 2^F) with
 *       M = x 2^-k in [1, 2); for the roots M is halved where k - fIn is odd (one multiplexer), so that
 *       x 2^-fIn = M 4^j with M in [1/2, 2) and an integer j.</li>
 *   <li>Seed from a {@value #DEFAULT_DIGIT_BITS}-bit table lookup on the top digits of m, then {@value #NEWTON_STEPS}
 *       Newton steps at scale F = {@value #INTERNAL_BITS}, every product floored exactly.</li>
 *   <li>Reciprocal only: a second-order correction at full precision from the exact residual 2^85 - floor(M0 2^56) g
 *       (mod 2^64; its value is below 2^58.1): g 2^26 + delta within 3.01 units of 2^-55.</li>
 *   <li>Scale-back: the mantissa's result g (and delta) times one-hot sums of public powers of two (left shifts
 *       exact; right shifts by a product and one rounding floor), binades whose results can exceed
 *       2^{@value #SATURATION_BITS} give exactly 2^{@value #SATURATION_BITS}.</li>
 * </ol>
 *
 * <p>Error (output ulps, e the binade's public scale-back exponent): reciprocal at most 0.5 + 3.01·2^(e-26),
 * faithful for every value up to 2^52 ulps; sqrt and rsqrt at most 0.5 [e &lt; 0] + E 2^e with E = 6.7 / 3.6,
 * faithful below about 2^25.5 / 2^26.5 ulps and within relative 2^-24.2 / 2^-26.0 above.
 *
 * <p>Saturation and non-positive inputs: results are min(value, 2^{@value #SATURATION_BITS}) at the output scale
 * (2^60 at scale fOut: a value the range guard still accepts in a truncation); x &le; 0 (with x &gt; -2^inputBits)
 * gives 2^{@value #SATURATION_BITS} for the reciprocal and the reciprocal square root, 0 for the square root.
 *
 * <p>Every value that is truncated is below 2^61 in magnitude except the mantissa product x·W when inputBits is 61
 * or 62 (below 2^62, inside the exact floor's range; that one floor runs without the range guard, its bound being the
 * public inputBits).
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

    private static final int F = INTERNAL_BITS;
    /** Right shifts of the scale-back: by a product with 2^(T + e) and a floor by T; e &lt; -T gives 0. */
    private static final int T = F + 2;
    /** The reciprocal's refinement: its mantissa at P fraction bits, the correction at F + Z, its rounding by 28. */
    private static final int P = 56;
    private static final int Z = 26;
    private static final int T_REFINED = 28;

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
        return compute(Kind.RECIPROCAL, x, fIn, fOut, inputBits, id);
    }

    /**
     * sqrt(x) for x &ge; 0: shares of x at scale fIn, x &lt; 2^inputBits, shares of min(sqrt(x 2^-fIn) 2^fOut, 2^60)
     * at scale fOut; x &le; 0 (and x &gt; -2^inputBits) gives 0.
     */
    public long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return compute(Kind.SQRT, x, fIn, fOut, inputBits, id);
    }

    /**
     * 1/sqrt(x) for x &gt; 0: shares of x at scale fIn, 0 &lt; x &lt; 2^inputBits, shares of
     * min(2^fOut / sqrt(x 2^-fIn), 2^60) at scale fOut; x &le; 0 (and x &gt; -2^inputBits) gives 2^60.
     */
    public long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return compute(Kind.RSQRT, x, fIn, fOut, inputBits, id);
    }

    private long[] compute(Kind kind, long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(id, "id");
        check(kind, fIn, fOut, inputBits);
        int n = x.length;
        if (n == 0) {
            return new long[0];
        }
        int b = inputBits;
        boolean root = kind != Kind.RECIPROCAL;

        // 1. leading one (LeadingOne: c_k = [x >= 2^k], one-hot o_k, [x <= 0])
        LeadingOne.Binades bins = LeadingOne.find(be, x, b, id);
        long[] cBits = bins.bits();
        long[] onehot = bins.onehot();
        long[] nonPositive = bins.nonPositive();

        // 2. mantissa m = floor(M 2^F): x W = M 2^H with W = sum_k o_k 2^(H - k), H = max(F, b - 1) (reciprocal:
        // max(P, b - 1), so that x W also gives the refinement's mantissa floor(M0 2^P))
        int h = Math.max(root ? F : P, b - 1);
        long[] y = LeadingOne.normalised(be, bins, x, h, id);
        Backend floorBe = LeadingOne.floorBackend(be, h);
        long[] m;
        long[] fine = null;
        if (!root) {
            m = ExactTruncation.floor(floorBe, y, h - F, id.child("norm", "floor"));
            fine = h > P ? ExactTruncation.floor(floorBe, y, h - P, id.child("norm", "fine")) : y;
            for (int i = 0; i < n; i++) {
                m[i] += nonPositive[i] << F; // x <= 0: M = 1 (any valid mantissa; the scale-back ignores it)
                fine[i] += nonPositive[i] << P;
            }
        } else {
            // floor(M0 2^(F-1)) with M0 = x 2^-k in [1, 2), then doubled where k - fIn is even: M in [1/2, 2)
            long[] half = ExactTruncation.floor(floorBe, y, h - F + 1, id.child("norm", "floor"));
            for (int i = 0; i < n; i++) {
                half[i] += nonPositive[i] << (F - 1);
            }
            long[] even = Bits.allocate(n);
            for (int k = 0; k < b; k++) {
                if (((k - fIn) & 1) != 0) {
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    int o = Bits.get(cBits, k * n + i) ^ (k + 1 < b ? Bits.get(cBits, (k + 1) * n + i) : 0);
                    if (o != 0) {
                        even[i >>> 6] ^= 1L << (i & 63);
                    }
                }
            }
            long[] twice = be.bitTimesShare(even, half, id.child("norm", "parity"));
            m = new long[n];
            for (int i = 0; i < n; i++) {
                m[i] = half[i] + twice[i];
            }
        }

        // 3. seed and Newton steps at scale F
        long[] digit = ExactTruncation.floor(be, m, F + 1 - digitBits, id.child("digit"));
        long[] g = be.lookup(digit, digitBits, root ? rsqrtTable : reciprocalTable, id.child("seed"));
        g = root ? rsqrtNewton(m, g, id.child("newton")) : reciprocalNewton(m, g, id.child("newton"));
        if (kind == Kind.SQRT) {
            g = ExactTruncation.floor(be, be.multiplyElementwise(m, g, id.child("sqrt")), F, id.child("sqrt", "floor"));
        }
        long[] delta = kind == Kind.RECIPROCAL ? refinement(fine, g, id.child("refine")) : null;

        // 4. scale-back: out = g 2^e (e >= 0), round(g 2^e) (e < 0), or 2^L in saturated binades; the reciprocal
        // adds delta 2^(e - Z) (its refinement) for e >= Z - T, within the same rounding floor
        int t = delta == null ? T : T_REFINED;
        long[] left = new long[n];
        long[] right = new long[n];
        long[] fineRight = new long[n];
        long[] out = new long[n];
        long[] saturated = new long[n];
        boolean anyLeft = false;
        boolean anyRight = false;
        for (int k = 0; k < b; k++) {
            Binade bin = binade(kind, k, fIn, fOut);
            int e = bin.shift();
            if (bin.saturated()) {
                for (int i = 0; i < n; i++) {
                    saturated[i] += onehot[k * n + i];
                }
                continue;
            }
            if (e >= 0) {
                anyLeft = true;
                for (int i = 0; i < n; i++) {
                    left[i] += onehot[k * n + i] << e;
                }
            } else if (e >= -t) {
                anyRight = true;
                for (int i = 0; i < n; i++) {
                    right[i] += onehot[k * n + i] << (t + e);
                }
            } else if (delta != null && e == -t - 1) {
                // values in (1/2, 1]: 1 is within 1/2 ulp
                for (int i = 0; i < n; i++) {
                    out[i] += onehot[k * n + i];
                }
            }
            if (delta != null && e >= Z - t) {
                anyRight = true;
                for (int i = 0; i < n; i++) {
                    fineRight[i] += onehot[k * n + i] << (e + t - Z);
                }
            }
        }
        if (anyLeft || anyRight) {
            int parts = delta == null ? 2 : 3;
            long[] operands = new long[parts * n];
            long[] weights = new long[parts * n];
            System.arraycopy(g, 0, operands, 0, n);
            System.arraycopy(g, 0, operands, n, n);
            System.arraycopy(left, 0, weights, 0, n);
            System.arraycopy(right, 0, weights, n, n);
            if (delta != null) {
                System.arraycopy(delta, 0, operands, 2 * n, n);
                System.arraycopy(fineRight, 0, weights, 2 * n, n);
            }
            long[] p = be.multiplyElementwise(operands, weights, id.child("scale"));
            for (int i = 0; i < n; i++) {
                out[i] += p[i];
            }
            if (anyRight) {
                long half = own(1L << (t - 1));
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = p[n + i] + half + (delta != null ? p[2 * n + i] : 0);
                }
                long[] rounded = ExactTruncation.floor(be, r, t, id.child("scale", "round"));
                for (int i = 0; i < n; i++) {
                    out[i] += rounded[i];
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
        long[] rhoZ = ExactTruncation.floor(be, rho, P - Z, id.child("residualFloor"));
        return ExactTruncation.floor(be, be.multiplyElementwise(rhoZ, g, id.child("correction")), F,
                id.child("correctionFloor"));
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
