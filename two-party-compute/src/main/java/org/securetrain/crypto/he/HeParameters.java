package org.securetrain.crypto.he;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * RLWE parameters of the HE linear layers (BFV-style, plaintext modulus t = 2^64).
 *
 * <ul>
 *   <li>Ring Z_q[X]/(X^N + 1) with N = 8192 and q = p0 p1 p2 p3, four NTT-friendly primes
 *       (p = 1 mod 2N): two just below 2^55 and two just below 2^54, so log2 q = 217.99... &lt;= 218, the
 *       HE-standard bound for 128-bit classical security with a uniform ternary secret and error
 *       sigma ~ 3.2 at N = 8192 (see docs/security/he.md).</li>
 *   <li>Secret key uniform ternary; errors centered binomial with eta = 21 (sigma = sqrt(21/2) = 3.24,
 *       support bounded by 21: this gives exact worst-case noise bounds).</li>
 *   <li>Results are modulus-switched to 2^80 before they are sent back ({@link #switchBits()}).</li>
 *   <li>Noise flooding gives statistical distance &lt;= 2^-{@link #statisticalSecurity()} per cross term and
 *       2^-{@link #runStatisticalSecurity()} over the session's at most {@link #plannedCrossTerms()} cross
 *       terms (union bound; {@link HeContext} refuses more).</li>
 * </ul>
 *
 * <p>Both parties must use equal parameters; they agree on them (and the {@link #fingerprint()}) at the key
 * exchange of {@link HeContext#open}. N, the primes, eta and the switch modulus are fixed; what may be chosen is
 * validated by the constructor.
 *
 * @param runStatisticalSecurity statistical security of the whole session, in bits (union bound over
 *        {@code plannedCrossTerms}), in [20, 128]
 * @param plannedCrossTerms the most HE cross terms a session with these parameters runs (the next one is refused),
 *        in [1, 2^40]
 * @param plannerPicosPerByte how the block planner weighs one byte on the wire against compute, in picoseconds
 *        (8000 = 1 Gbit/s, {@link #withPlanningBandwidth}); does not affect security
 * @param jointProducts when shared products use one reply for both cross terms ({@link #withJointProducts})
 */
public record HeParameters(int runStatisticalSecurity, long plannedCrossTerms, long plannerPicosPerByte,
        JointProducts jointProducts) {
    /** The RNS primes, verified by a test (prime, = 1 mod 2N, bit sizes, product below 2^218). */
    static final long[] PRIMES = {
        36028797018652673L, // 0x7ffffffffb4001, 55 bits
        36028797017571329L, // 0x7fffffffeac001, 55 bits
        18014398508400641L, // 0x3fffffffef8001, 54 bits
        18014398508138497L, // 0x3fffffffeb8001, 54 bits
    };

    /** Maximal log2 q for N = 8192 in the HE-standard 128-bit table (ternary secret, sigma 3.2). */
    public static final int HE_STANDARD_MAX_LOGQ_N8192 = 218;

    private static volatile RnsBase sharedBase;

    /**
     * The link the block planner optimises for unless chosen otherwise: 100 Mbit/s, a link between two organisations.
     * Measured on the MLP 784-128-128-10 step (docs/security/he.md section 9): its HE products send 56.0 MiB planned
     * for 100 Mbit/s against 111.9 MiB planned for 1 Gbit/s, for about 24 % more HE CPU (0.35 CPU-s per party). On a
     * 100 Mbit/s link that saves 4.7 s of wire time per step, on 1 Gbit/s 0.47 s: about what the extra CPU costs.
     * Parties on one machine or a faster link choose a higher bandwidth.
     */
    public static final long DEFAULT_PLANNING_BITS_PER_SECOND = 100_000_000L;
    static final long MIN_PLANNING_BITS_PER_SECOND = 1_000_000L;
    static final long MAX_PLANNING_BITS_PER_SECOND = 1_000_000_000_000L;

    /** Statistical security of a whole run, in bits, unless chosen otherwise. */
    public static final int DEFAULT_RUN_STATISTICAL_SECURITY = 40;
    /**
     * HE cross terms (flooded replies) a session may run unless planned otherwise: 2^17, about 19 epochs of the
     * MLP 784-128-128-10 at batch 128 (469 steps of 14 cross terms per epoch; evaluation adds its forward products).
     */
    public static final long DEFAULT_PLANNED_CROSS_TERMS = 1L << 17;

    private static final int N = 8192;
    private static final int ETA = 21;
    private static final int SWITCH_BITS = 80;

    /** When a product whose four shares are all non-zero runs both cross terms in one reply ({@link HeJointProduct}). */
    public enum JointProducts {
        /** Never: every cross term is its own HE round. */
        NEVER,
        /** When the planner estimates the joint product cheaper than the two cross terms (the default). */
        WHEN_CHEAPER,
        /** Always when its noise budget admits the shape (benchmarks and comparisons). */
        ALWAYS
    }

    /** Validates the choices (the messages name the bound that is violated). */
    public HeParameters {
        if (runStatisticalSecurity < 20 || runStatisticalSecurity > 128) {
            throw new IllegalArgumentException("statistical security must be in [20, 128] bits, got "
                    + runStatisticalSecurity);
        }
        if (plannedCrossTerms < 1 || plannedCrossTerms > (1L << 40)) {
            throw new IllegalArgumentException("planned HE cross terms must be in [1, 2^40], got " + plannedCrossTerms);
        }
        int perCall = runStatisticalSecurity + NoiseBudget.ceilLog2(plannedCrossTerms);
        if (perCall > 128) {
            throw new IllegalArgumentException("statistical security " + runStatisticalSecurity + " bits over "
                    + plannedCrossTerms + " cross terms needs " + perCall + " bits per cross term, more than 128");
        }
        if (plannerPicosPerByte < 0 || plannerPicosPerByte > 1_000_000_000L) {
            throw new IllegalArgumentException("planner picoseconds per byte out of range: " + plannerPicosPerByte);
        }
        Objects.requireNonNull(jointProducts, "joint products");
    }

    /**
     * N = 8192, 218-bit q, eta = 21, switch to 2^80, planner link {@link #DEFAULT_PLANNING_BITS_PER_SECOND}; 40-bit
     * statistical security for the whole run of at most {@link #DEFAULT_PLANNED_CROSS_TERMS} cross terms (57 bits per
     * cross term).
     */
    public static HeParameters standard() {
        return new HeParameters(DEFAULT_RUN_STATISTICAL_SECURITY, DEFAULT_PLANNED_CROSS_TERMS, 0,
                JointProducts.WHEN_CHEAPER).withPlanningBandwidth(DEFAULT_PLANNING_BITS_PER_SECOND);
    }

    /**
     * Statistical security {@code runBits} for a whole session of at most {@code plannedCrossTerms} HE cross terms
     * (flooded replies, counted by {@link HeContext}; the session refuses the next one). By the union bound over
     * the cross terms (docs/security/he.md, section 5), each is flooded at
     * {@code runBits + ceil(log2 plannedCrossTerms)} bits ({@link #statisticalSecurity()}), so the statistical
     * distance of the whole session's replies from their simulation is at most 2^-runBits.
     */
    public HeParameters withRunStatisticalSecurity(int runBits, long plannedCrossTerms) {
        return new HeParameters(runBits, plannedCrossTerms, plannerPicosPerByte, jointProducts);
    }

    /**
     * Same parameters, with the block planner trading bytes against compute for a link of {@code bitsPerSecond}
     * (one byte weighs 8 * 10^12 / bitsPerSecond picoseconds of compute, {@link #withPlannerPicosPerByte}). A slower
     * link makes the planner choose blockings with fewer bytes and more local work; the products' results are the
     * same. Does not affect security; both parties must choose alike (part of {@link #fingerprint()}).
     */
    public HeParameters withPlanningBandwidth(long bitsPerSecond) {
        if (bitsPerSecond < MIN_PLANNING_BITS_PER_SECOND || bitsPerSecond > MAX_PLANNING_BITS_PER_SECOND) {
            throw new IllegalArgumentException("HE planning bandwidth must be in [1 Mbit/s, 1000 Gbit/s], got "
                    + bitsPerSecond + " bit/s");
        }
        return withPlannerPicosPerByte(Math.max(1, Math.round(8e12 / bitsPerSecond)));
    }

    /** The link bandwidth, in bits per second, the block planner optimises for ({@link #withPlanningBandwidth}). */
    public long planningBandwidth() {
        return Math.round(8e12 / Math.max(1, plannerPicosPerByte));
    }

    /**
     * Same parameters, but the block planner weighs one byte on the wire as {@code picos} picoseconds of
     * compute (8000 = 1 Gbit/s; lower favours fewer products over fewer bytes). Does not affect security.
     */
    public HeParameters withPlannerPicosPerByte(long picos) {
        return new HeParameters(runStatisticalSecurity, plannedCrossTerms, picos, jointProducts);
    }

    /**
     * Same parameters, with another choice of joint products ({@link JointProducts}; default
     * {@link JointProducts#WHEN_CHEAPER}): a product whose four shares are all non-zero may run both cross terms with
     * one reply ({@link HeJointProduct}). Does not affect security (the per-run accounting counts replies either
     * way, the flooding is computed for the plan used).
     */
    public HeParameters withJointProducts(JointProducts joint) {
        return new HeParameters(runStatisticalSecurity, plannedCrossTerms, plannerPicosPerByte, joint);
    }

    /** Ring degree N. */
    public int n() {
        return N;
    }

    /** Number of RNS primes L. */
    public int primeCount() {
        return PRIMES.length;
    }

    public long[] primes() {
        return PRIMES.clone();
    }

    /** The ciphertext modulus q = prod p_i. */
    public BigInteger q() {
        return base().q;
    }

    /** Centered binomial parameter of fresh errors (|e| <= eta). */
    public int eta() {
        return ETA;
    }

    /**
     * Statistical security of the flooding, in bits, per cross term (flooded reply): the run's plus
     * ceil(log2 plannedCrossTerms), the union bound over the planned cross terms.
     */
    public int statisticalSecurity() {
        return runStatisticalSecurity + NoiseBudget.ceilLog2(plannedCrossTerms);
    }

    /** Results are switched to modulus 2^switchBits before being sent back. */
    public int switchBits() {
        return SWITCH_BITS;
    }

    /** Value both parties must agree on (agreed at the key exchange). */
    public long fingerprint() {
        long h = 0x5345435552454845L; // "SECUREHE"
        h = mix(h, N);
        for (long p : PRIMES) {
            h = mix(h, p);
        }
        h = mix(h, ETA);
        h = mix(h, statisticalSecurity());
        h = mix(h, runStatisticalSecurity);
        h = mix(h, plannedCrossTerms);
        h = mix(h, SWITCH_BITS);
        h = mix(h, plannerPicosPerByte);
        h = mix(h, jointProducts.ordinal());
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
        return h * 0xBF58476D1CE4E5B9L;
    }

    /** Precomputed NTT and RNS tables (shared by all contexts: they depend only on N and the primes). */
    RnsBase base() {
        RnsBase b = sharedBase;
        if (b == null) {
            synchronized (HeParameters.class) {
                b = sharedBase;
                if (b == null) {
                    b = new RnsBase(N, PRIMES);
                    sharedBase = b;
                }
            }
        }
        return b;
    }

    @Override
    public String toString() {
        return "HeParameters{N=" + N + ", log2 q=" + String.format("%.3f", base().logQ()) + ", primes="
                + Arrays.toString(PRIMES) + ", eta=" + ETA + ", stat=" + statisticalSecurity() + " per cross term ("
                + runStatisticalSecurity + " per session of <= " + plannedCrossTerms + " cross terms), switch=2^"
                + SWITCH_BITS + ", joint products " + jointProducts + ", planned for " + planningBandwidth() / 1_000_000
                + " Mbit/s}";
    }
}
