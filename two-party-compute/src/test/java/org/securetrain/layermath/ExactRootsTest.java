package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * reciprocal, sqrt and rsqrt on the plaintext reference backend (the integer algorithm the two-party backend runs bit
 * for bit, {@link ExactRootsTwoPartyTest}) against BigDecimal references over the whole input range below
 * 2^inputBits: every output must lie within the bound proven in docs/security/exact-math.md (section 8), and
 * saturated and non-positive inputs must give the documented values exactly.
 */
@Timeout(600)
class ExactRootsTest {
    static final MathContext MC = new MathContext(40);
    static final long SAT = 1L << ExactRoots.SATURATION_BITS;

    /** Input scale, output scale, inputBits. */
    record Config(int fIn, int fOut, int bits) {
    }

    /**
     * Adam's v at 2f into f, f into f, integer inputs, odd scales, the largest inputBits, tiny ranges, Adam's sqrt(v) at
     * its state scale 2f + 8 (results up to 2^58.5: the square root's two corrections).
     */
    static final Config[] CONFIGS = {
        new Config(24, 24, 48), new Config(48, 24, 62), new Config(24, 24, 62), new Config(48, 24, 60),
        new Config(25, 23, 50), new Config(0, 24, 40), new Config(24, 48, 40), new Config(40, 10, 61),
        new Config(24, 24, 3), new Config(24, 24, 1), new Config(7, 0, 20), new Config(56, 56, 61),
    };

    static long[] compute(ExactRoots.Kind kind, ExactRoots er, long[] x, Config c) {
        ProtocolId id = ProtocolId.of(kind.name().toLowerCase(java.util.Locale.ROOT));
        return switch (kind) {
            case RECIPROCAL -> er.reciprocal(x, c.fIn(), c.fOut(), c.bits(), id);
            case SQRT -> er.sqrt(x, c.fIn(), c.fOut(), c.bits(), id);
            case RSQRT -> er.rsqrt(x, c.fIn(), c.fOut(), c.bits(), id);
        };
    }

    /** The exact value in output ulps (before saturation). */
    static BigDecimal exact(ExactRoots.Kind kind, long x, Config c) {
        BigDecimal xv = new BigDecimal(x);
        BigDecimal two = BigDecimal.valueOf(2);
        return switch (kind) {
            case RECIPROCAL -> two.pow(c.fIn() + c.fOut()).divide(xv, MC);
            // sqrt(x 2^-fIn) 2^fOut = sqrt(x 2^(2 fOut) / 2^fIn)
            case SQRT -> xv.multiply(two.pow(2 * c.fOut())).divide(two.pow(c.fIn()), MC).sqrt(MC);
            case RSQRT -> two.pow(c.fOut()).divide(xv.divide(two.pow(c.fIn()), MC).sqrt(MC), MC);
        };
    }

    /** Proven bound on the mantissa result g (F-ulps) per function. */
    static double mantissaUlps(ExactRoots.Kind kind) {
        return switch (kind) {
            case RECIPROCAL -> ExactRoots.RECIPROCAL_MANTISSA_ULPS;
            case SQRT -> ExactRoots.SQRT_MANTISSA_ULPS;
            case RSQRT -> ExactRoots.RSQRT_MANTISSA_ULPS;
        };
    }

    /**
     * The proven bound in output ulps for x &gt; 0 in a non-saturated binade (docs/security/exact-math.md 8.2): the
     * mantissa's error E F-ulps times the binade's 2^shift, plus half an ulp where the scale-back rounds (shift &lt; 0);
     * the reciprocal: {@link ExactRoots#reciprocalBound} (half an ulp plus 1.0001 units of 2^(shift - 36) where the
     * second refinement runs and shift &gt;= 8, 3.01 units of 2^(shift - 26) for shift &gt;= -2, below as the mantissa;
     * its binades below 2^-28 give 1 or 0, values at most 1, within half an ulp); the square root's corrected binades: half an
     * ulp plus 1.56 units of 2^(shift - 22) (first correction) or 1.0002 units of 2^(shift - 33) (second).
     */
    static double bound(ExactRoots.Kind kind, long x, Config c) {
        int k = 63 - Long.numberOfLeadingZeros(x);
        int e = ExactRoots.binade(kind, k, c.fIn(), c.fOut()).shift();
        if (kind == ExactRoots.Kind.SQRT && e >= ExactRoots.SQRT_FIRST_MIN_SHIFT) {
            int level = ExactRoots.sqrtCorrections(c.fIn(), c.fOut(), c.bits());
            if (level == 2 && e >= ExactRoots.SQRT_SECOND_MIN_SHIFT) {
                return 0.5 + ExactRoots.SQRT_SECOND_UNITS * Math.scalb(1.0, e - ExactRoots.SQRT_Z - ExactRoots.SQRT_W);
            }
            if (level >= 1) {
                return 0.5 + ExactRoots.SQRT_FIRST_UNITS * Math.scalb(1.0, e - ExactRoots.SQRT_Z);
            }
        }
        if (kind == ExactRoots.Kind.RSQRT) {
            ExactRoots.RsqrtPlan plan = PLANS.computeIfAbsent(c, p -> ExactRoots.rsqrtPlan(p.fIn(), p.fOut(), p.bits()));
            return ExactRoots.rsqrtBound(plan, k, c.fIn(), c.fOut(), c.bits());
        }
        if (kind == ExactRoots.Kind.RECIPROCAL) {
            return ExactRoots.reciprocalBound(k, c.fIn(), c.fOut(), 0, c.bits());
        }
        return (e < 0 ? 0.5 : 0) + mantissaUlps(kind) * Math.scalb(1.0, e);
    }

    /** The rsqrt's plan per configuration (the bound's inputs; computed once). */
    static final java.util.Map<Config, ExactRoots.RsqrtPlan> PLANS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Half uniform over [1, 2^bits), half log-uniform (uniform leading bit, uniform mantissa). */
    static long[] randomInputs(int bits, int n, Random r) {
        long[] x = new long[n];
        long top = bits == 63 ? Long.MAX_VALUE : 1L << bits;
        for (int i = 0; i < n; i++) {
            if ((i & 1) == 0) {
                x[i] = 1 + Math.floorMod(r.nextLong(), top - 1);
            } else {
                int k = r.nextInt(bits);
                x[i] = (1L << k) | (k == 0 ? 0 : r.nextLong() & ((1L << k) - 1));
            }
        }
        return x;
    }

    /** 1 ulp, 2^k - 1, 2^k, 2^k + 1 for every k &lt; bits, the largest input, 0 and negative inputs. */
    static long[] edges(int bits) {
        java.util.List<Long> e = new java.util.ArrayList<>();
        long top = (1L << bits) - 1;
        e.add(1L);
        e.add(top);
        e.add(top - 1);
        for (int k = 1; k < bits; k++) {
            e.add((1L << k) - 1);
            e.add(1L << k);
            e.add((1L << k) + 1);
        }
        e.add(0L);
        e.add(-1L);
        e.add(-top);
        e.add(-(1L << (bits - 1)));
        return e.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Largest errors seen: in output ulps where the bound is below one ulp (faithful binades), and of the mantissa
     * result in F-ulps (binades without rounding, shift &gt;= 0, where error / 2^shift is exactly that).
     */
    static final class Stats {
        double faithfulUlps;
        double mantissaUlps;
        double boundRatio;
        /** Largest error where the exact value exceeds 2^52 ulps (the reciprocal's second refinement's binades). */
        double above52Ulps;

        void merge(Stats o) {
            above52Ulps = Math.max(above52Ulps, o.above52Ulps);
            faithfulUlps = Math.max(faithfulUlps, o.faithfulUlps);
            mantissaUlps = Math.max(mantissaUlps, o.mantissaUlps);
            boundRatio = Math.max(boundRatio, o.boundRatio);
        }

        @Override
        public String toString() {
            return String.format("max error %.4f ulps where faithful, mantissa %.4f F-ulps (reciprocal: refined "
                    + "units of 2^(e-26) beyond the half ulp), error/bound %.3f, max error %.4f ulps above 2^52 ulps",
                    faithfulUlps, mantissaUlps, boundRatio, above52Ulps);
        }
    }

    /** Checks every output against the bound. */
    static Stats check(ExactRoots.Kind kind, Config c, long[] x, long[] out) {
        Stats st = new Stats();
        for (int i = 0; i < x.length; i++) {
            if (x[i] <= 0) {
                long expected = kind == ExactRoots.Kind.SQRT ? 0 : SAT;
                assertEquals(expected, out[i], kind + " " + c + ": x = " + x[i] + " <= 0");
                continue;
            }
            int k = 63 - Long.numberOfLeadingZeros(x[i]);
            BigDecimal v = exact(kind, x[i], c);
            if (ExactRoots.binade(kind, k, c.fIn(), c.fOut()).saturated()) {
                assertTrue(v.compareTo(BigDecimal.valueOf(SAT)) >= 0, kind + " " + c + ": saturated x = " + x[i]
                        + " has a value " + v + " below 2^" + ExactRoots.SATURATION_BITS);
                assertEquals(SAT, out[i], kind + " " + c + ": saturated x = " + x[i]);
                continue;
            }
            assertTrue(v.compareTo(BigDecimal.valueOf(SAT)) <= 0, kind + " " + c + ": x = " + x[i]);
            double err = v.subtract(BigDecimal.valueOf(out[i])).abs().doubleValue();
            double bound = bound(kind, x[i], c);
            assertTrue(err <= bound, kind + " " + c + ": x = " + x[i] + " gives " + out[i] + ", exact " + v
                    + ", error " + err + " ulps > bound " + bound);
            int shift = ExactRoots.binade(kind, k, c.fIn(), c.fOut()).shift();
            if (bound < 1) {
                st.faithfulUlps = Math.max(st.faithfulUlps, err);
            }
            if (v.compareTo(BigDecimal.valueOf(1L << 52)) > 0) {
                st.above52Ulps = Math.max(st.above52Ulps, err);
            }
            if (kind == ExactRoots.Kind.RECIPROCAL && shift >= 0) {
                st.mantissaUlps = Math.max(st.mantissaUlps, Math.scalb(err - 0.5, 26 - shift)); // refined units
            } else if (kind == ExactRoots.Kind.RSQRT && shift >= 0
                    && !ExactRoots.rsqrtCorrected(c.fIn(), c.fOut(), c.bits())
                    || kind == ExactRoots.Kind.SQRT && shift >= 0 && ExactRoots.sqrtCorrections(c.fIn(), c.fOut(), c.bits()) == 0) {
                st.mantissaUlps = Math.max(st.mantissaUlps, Math.scalb(err, -shift));
            }
            st.boundRatio = Math.max(st.boundRatio, err / bound);
        }
        return st;
    }

    static Stats sweep(ExactRoots.Kind kind, Config c, int n, long seed) {
        ExactRoots er = new ExactRoots(new InsecurePlaintextBackend(FixedPoint.of(24)));
        long[] x = randomInputs(c.bits(), n, new Random(seed));
        Stats st = check(kind, c, x, compute(kind, er, x, c));
        long[] e = edges(c.bits());
        st.merge(check(kind, c, e, compute(kind, er, e, c)));
        return st;
    }

    @Test
    void everyConfigurationWithinTheBoundIncludingEdges() {
        for (Config c : CONFIGS) {
            for (ExactRoots.Kind kind : ExactRoots.Kind.values()) {
                Stats max = sweep(kind, c, 1_000, 11 + c.bits());
                System.out.printf("%s %s: %s (1,000 random + edges)%n", kind, c, max);
            }
        }
    }

    /** 10^5 inputs per function at f = 24 (inputs at 2f = 48 for Adam's v, inputBits 62) in the default suite. */
    @Test
    void hundredThousandInputsAtF24() {
        for (ExactRoots.Kind kind : ExactRoots.Kind.values()) {
            Config c = new Config(48, 24, 62);
            Stats max = sweep(kind, c, 100_000, 5);
            System.out.printf("%s %s: %s (10^5 random + edges)%n", kind, c, max);
        }
    }

    /**
     * rsqrt configurations whose results reach 2^60 ulps: mantissas of up to 61 bits below binades with e up to 30
     * (60 -> 58 at 62 bits: M's remainder below 2^-57 enters the residual), BatchNorm's f -> f, the L2 normaliser's 2f
     * -> 60 - f - 1, integer inputs into 60 (results from 2^60 down).
     */
    static final Config[] RSQRT_CONFIGS = {
        new Config(60, 58, 62), new Config(56, 56, 61), new Config(24, 24, 38), new Config(48, 35, 61),
        new Config(0, 60, 62), new Config(61, 45, 62), new Config(24, 24, 29), new Config(24, 24, 30),
    };

    /** The corrected rsqrt within its bound (at most 0.579 ulp) on 20,000 random inputs and the edges per config. */
    @Test
    void rsqrtFaithfulWhereResultsReach2To60() {
        for (Config c : RSQRT_CONFIGS) {
            assertTrue(ExactRoots.rsqrtCorrected(c.fIn(), c.fOut(), c.bits()), c.toString());
            Stats max = sweep(ExactRoots.Kind.RSQRT, c, 20_000, 17 + c.bits());
            assertTrue(max.faithfulUlps <= 0.75, c + ": " + max);
            System.out.printf("RSQRT %s: %s (20,000 random + edges)%n", c, max);
        }
    }

    /** 10^6 inputs per rsqrt configuration whose results reach 2^60 ulps (-Pslow). */
    @Test
    @Tag("slow")
    void rsqrtMillionInputs() {
        for (Config c : RSQRT_CONFIGS) {
            Stats max = sweep(ExactRoots.Kind.RSQRT, c, 1_000_000, 23 + c.bits());
            assertTrue(max.faithfulUlps <= 0.75, c + ": " + max);
            System.out.printf("RSQRT %s: %s (10^6 random + edges)%n", c, max);
        }
    }

    /**
     * The corrected rsqrt's proven bound is at most 0.75 ulp in every unsaturated binade of every scale pair and
     * inputBits, and in binades with e &gt;= -3 at most 0.5 + 5.01 2^(e-37) + the remainder's share (below 0.58 with the
     * low part); the low part runs for some scale pairs only (both kinds occur).
     */
    @Test
    void rsqrtIsFaithfulOverTheWholeRange() {
        double worst = 0;
        int[] plans = new int[2];
        for (int bits = 1; bits <= ExactRoots.MAX_INPUT_BITS; bits++) {
            for (int fIn = 0; fIn <= ExactRoots.MAX_SCALE; fIn++) {
                for (int fOut = 0; fOut <= ExactRoots.MAX_SCALE; fOut++) {
                    Config c = new Config(fIn, fOut, bits);
                    ExactRoots.RsqrtPlan plan = ExactRoots.rsqrtPlan(fIn, fOut, bits);
                    if (plan.remainder()) {
                        plans[plan.low() ? 1 : 0]++;
                    }
                    for (int k = 0; k < bits; k++) {
                        if (!ExactRoots.binade(ExactRoots.Kind.RSQRT, k, fIn, fOut).saturated()) {
                            double b = ExactRoots.rsqrtBound(plan, k, fIn, fOut, bits);
                            assertTrue(b <= 0.75, c + " k = " + k + ": bound " + b);
                            worst = Math.max(worst, b);
                        }
                    }
                }
            }
        }
        assertTrue(plans[0] > 0 && plans[1] > 0, java.util.Arrays.toString(plans));
        // the paths ExactRootsTwoPartyTest and ExactRootsViewTest run: the low part (with H > 57), the coarse remainder
        // with H > 57 and with H <= 57
        assertTrue(ExactRoots.rsqrtPlan(56, 56, 61).low());
        assertTrue(ExactRoots.rsqrtPlan(48, 24, 62).remainder() && !ExactRoots.rsqrtPlan(48, 24, 62).low());
        assertTrue(ExactRoots.rsqrtPlan(25, 24, 40).remainder() && !ExactRoots.rsqrtPlan(25, 24, 40).low());
        System.out.printf("rsqrt: largest proven bound over all scale pairs and inputBits %.4f ulp; with M's remainder"
                + " %d configurations without its low part, %d with%n", worst, plans[0], plans[1]);
    }

    /**
     * rsqrtRelative (rsqrt without its correction, as AdaDelta uses it) within 0.5 [e &lt; 0] + 3.6 2^e output ulps, and
     * equal to rsqrt wherever rsqrt runs no correction.
     */
    @Test
    void rsqrtRelativeWithinTheMantissaBound() {
        ExactRoots er = new ExactRoots(new InsecurePlaintextBackend(FixedPoint.of(24)));
        ProtocolId id = ProtocolId.of("relative");
        for (Config c : new Config[] {new Config(56, 56, 61), new Config(48, 24, 62), new Config(60, 58, 62)}) {
            double worst = withinMantissaBound(ExactRoots.Kind.RSQRT, c,
                    x -> er.rsqrtRelative(x, c.fIn(), c.fOut(), c.bits(), id));
            System.out.printf("rsqrtRelative %s: error/bound %.3f%n", c, worst);
        }
        Config plain = new Config(0, 24, 20);
        assertTrue(!ExactRoots.rsqrtCorrected(plain.fIn(), plain.fOut(), plain.bits()));
        long[] x = randomInputs(plain.bits(), 2_000, new Random(3));
        assertArrayEquals(er.rsqrt(x, 0, 24, 20, id), er.rsqrtRelative(x, 0, 24, 20, id));
    }

    @Test
    @Tag("slow")
    void millionInputsAtF24() {
        for (Config c : new Config[] {new Config(24, 24, 48), new Config(48, 24, 62), new Config(56, 56, 61)}) {
            for (ExactRoots.Kind kind : ExactRoots.Kind.values()) {
                Stats max = sweep(kind, c, 1_000_000, 6);
                System.out.printf("%s %s: %s (10^6 random + edges)%n", kind, c, max);
            }
        }
    }

    /**
     * The faithful binades (bound below one ulp): every binade whose results are scaled back by 2^-3 or less
     * (reciprocal, rsqrt: results below 2^(F-2.5) ulps) or 2^-4 or less (sqrt: below 2^(F-3.5) ulps).
     */
    @Test
    void faithfulWhereTheResultHasFewerBitsThanTheMantissa() {
        for (ExactRoots.Kind kind : ExactRoots.Kind.values()) {
            // reciprocal: every binade up to shift 23 (values up to 2^52 ulps) with its first refinement alone; roots as
            // the mantissa allows
            int faithfulShift = switch (kind) {
                case RECIPROCAL -> 23;
                case SQRT -> -4;
                case RSQRT -> -3;
            };
            for (int k = 0; k < 62; k++) {
                for (int fIn : new int[] {0, 24, 48}) {
                    ExactRoots.Binade b = ExactRoots.binade(kind, k, fIn, 24);
                    if (!b.saturated() && b.shift() <= faithfulShift) {
                        long x = 1L << k;
                        assertTrue(bound(kind, x, new Config(fIn, 24, 62)) < 1, kind + " k = " + k);
                    }
                }
            }
        }
    }

    /**
     * sqrtRelative (the square root without its corrections, as the adaptive updaters use it) within 0.5 [e &lt; 0] +
     * 6.7 2^e output ulps, and equal to sqrt wherever sqrt runs no correction.
     */
    @Test
    void sqrtRelativeWithinTheMantissaBound() {
        ExactRoots er = new ExactRoots(new InsecurePlaintextBackend(FixedPoint.of(24)));
        ProtocolId id = ProtocolId.of("relative");
        for (Config c : new Config[] {new Config(56, 56, 61), new Config(48, 24, 62), new Config(24, 48, 40)}) {
            double worst = withinMantissaBound(ExactRoots.Kind.SQRT, c,
                    x -> er.sqrtRelative(x, c.fIn(), c.fOut(), c.bits(), id));
            System.out.printf("sqrtRelative %s: error/bound %.3f%n", c, worst);
        }
        Config plain = new Config(48, 24, 20);
        assertEquals(0, ExactRoots.sqrtCorrections(plain.fIn(), plain.fOut(), plain.bits()));
        long[] x = randomInputs(plain.bits(), 2_000, new Random(3));
        assertArrayEquals(er.sqrt(x, 48, 24, 20, id), er.sqrtRelative(x, 48, 24, 20, id));
    }

    /**
     * A root without its corrections on 20,000 random inputs and the edges: within 0.5 [e &lt; 0] + E 2^e output ulps
     * (E the mantissa bound), the documented values for saturated and non-positive inputs; the largest error/bound.
     */
    static double withinMantissaBound(ExactRoots.Kind kind, Config c, java.util.function.UnaryOperator<long[]> root) {
        long[] x = randomInputs(c.bits(), 20_000, new Random(c.bits()));
        long[] e = edges(c.bits());
        long[] all = java.util.Arrays.copyOf(x, x.length + e.length);
        System.arraycopy(e, 0, all, x.length, e.length);
        long[] out = root.apply(all);
        double worst = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] <= 0) {
                assertEquals(kind == ExactRoots.Kind.SQRT ? 0 : SAT, out[i], c + ": x = " + all[i]);
                continue;
            }
            int k = 63 - Long.numberOfLeadingZeros(all[i]);
            ExactRoots.Binade b = ExactRoots.binade(kind, k, c.fIn(), c.fOut());
            if (b.saturated()) {
                assertEquals(SAT, out[i], c + ": saturated x = " + all[i]);
                continue;
            }
            double err = exact(kind, all[i], c).subtract(BigDecimal.valueOf(out[i])).abs().doubleValue();
            double bound = (b.shift() < 0 ? 0.5 : 0) + mantissaUlps(kind) * Math.scalb(1.0, b.shift());
            assertTrue(err <= bound, kind + " " + c + ": x = " + all[i] + " error " + err + " > " + bound);
            worst = Math.max(worst, err / bound);
        }
        return worst;
    }

    /**
     * reciprocalAtLeast (thresholds up to the public lower bound 2^lowBits not compared) equals reciprocal on every
     * input at or above the bound, edges included; a bound outside [0, inputBits) is refused.
     */
    @Test
    void reciprocalAtLeastEqualsTheReciprocalAboveItsBound() {
        ExactRoots er = new ExactRoots(new InsecurePlaintextBackend(FixedPoint.of(24)));
        ProtocolId id = ProtocolId.of("atLeast");
        for (int[] c : new int[][] {{56, 16, 29, 59}, {48, 24, 0, 62}, {24, 24, 39, 40}, {24, 24, 12, 40}}) {
            int lowBits = c[2];
            int bits = c[3];
            long[] x = java.util.Arrays.stream(randomInputs(bits, 5_000, new Random(lowBits)))
                    .map(v -> v | 1L << lowBits).toArray();
            long[] e = java.util.Arrays.stream(edges(bits)).filter(v -> v >= 1L << lowBits).toArray();
            for (long[] in : new long[][] {x, e}) {
                assertArrayEquals(er.reciprocal(in, c[0], c[1], bits, id),
                        er.reciprocalAtLeast(in, c[0], c[1], lowBits, bits, id), java.util.Arrays.toString(c));
            }
        }
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> er.reciprocalAtLeast(new long[] {1}, 24, 24, 40, 40, id)).getMessage().contains("lowBits"));
    }

    /**
     * Reciprocal configurations whose results reach 2^52..2^60 ulps (the second refinement): from integer inputs into
     * scale 60, f -> f at 56, 61 -> 55 and 60 -> 60 at 62 bits (mantissas of up to 62 bits below binades with e from 23
     * to 31: eta != 0 enters the residual through its remainder), 24 -> 40 at 50 bits, 61 -> 30 at 62.
     */
    static final Config[] RECIPROCAL_CONFIGS = {
        new Config(0, 60, 62), new Config(56, 56, 61), new Config(61, 55, 62), new Config(60, 60, 62),
        new Config(24, 40, 50), new Config(61, 30, 62), new Config(30, 30, 40),
    };

    /** The reciprocal within its bound (faithful) on 20,000 random inputs and the edges per configuration. */
    @Test
    void reciprocalFaithfulWhereResultsReach2To60() {
        for (Config c : RECIPROCAL_CONFIGS) {
            assertTrue(ExactRoots.reciprocalSecond(c.fIn(), c.fOut(), 0, c.bits()), c.toString());
            Stats max = sweep(ExactRoots.Kind.RECIPROCAL, c, 20_000, 29 + c.bits());
            assertTrue(max.faithfulUlps < 1, c + ": " + max);
            System.out.printf("RECIPROCAL %s: %s (20,000 random + edges)%n", c, max);
        }
    }

    /** 10^6 inputs per reciprocal configuration whose results reach 2^52..2^60 ulps (-Pslow). */
    @Test
    @Tag("slow")
    void reciprocalMillionInputs() {
        for (Config c : RECIPROCAL_CONFIGS) {
            Stats max = sweep(ExactRoots.Kind.RECIPROCAL, c, 1_000_000, 31 + c.bits());
            assertTrue(max.faithfulUlps < 1, c + ": " + max);
            System.out.printf("RECIPROCAL %s: %s (10^6 random + edges)%n", c, max);
        }
    }

    /**
     * The reciprocal's proven bound is below one ulp (at most 0.8763, e = 23 with the first refinement alone; at most
     * 0.5313 where the second refinement enters) in every unsaturated binade of every scale pair and inputBits; the
     * second refinement runs exactly where some binade's first-refinement bound reaches one ulp,
     * never for fIn + fOut &lt;= 52.
     */
    @Test
    void reciprocalIsFaithfulOverTheWholeRange() {
        double worst = 0;
        double worstSecond = 0;
        for (int bits = 1; bits <= ExactRoots.MAX_INPUT_BITS; bits++) {
            for (int fIn = 0; fIn <= ExactRoots.MAX_SCALE; fIn++) {
                for (int fOut = 0; fOut <= ExactRoots.MAX_SCALE; fOut++) {
                    Config c = new Config(fIn, fOut, bits);
                    boolean second = ExactRoots.reciprocalSecond(fIn, fOut, 0, bits);
                    boolean needed = false;
                    for (int k = 0; k < bits; k++) {
                        if (!ExactRoots.binade(ExactRoots.Kind.RECIPROCAL, k, fIn, fOut).saturated()) {
                            double b = ExactRoots.reciprocalBound(k, fIn, fOut, 0, bits);
                            assertTrue(b < 1, c + " k = " + k + ": bound " + b);
                            worst = Math.max(worst, b);
                            int e = ExactRoots.binade(ExactRoots.Kind.RECIPROCAL, k, fIn, fOut).shift();
                            if (second && e >= ExactRoots.RECIPROCAL_SECOND_MIN_SHIFT) {
                                worstSecond = Math.max(worstSecond, b);
                            }
                            needed |= 0.5 + ExactRoots.RECIPROCAL_REFINED_UNITS * Math.scalb(1.0, e - 26) >= 1;
                        }
                    }
                    assertEquals(needed, second, c.toString());
                    assertTrue(!second || fIn + fOut > 52, c.toString());
                }
            }
        }
        assertTrue(worst <= 0.8763 && worstSecond <= 0.5313, "largest bounds " + worst + ", " + worstSecond);
        System.out.printf("reciprocal: largest proven bound over all scale pairs and inputBits %.4f ulp, %.4f ulp where"
                + " the second refinement enters%n", worst, worstSecond);
    }

    /** The square root is faithful in every unsaturated binade of every scale pair and inputBits. */
    @Test
    void sqrtIsFaithfulOverTheWholeRange() {
        for (int bits = 1; bits <= ExactRoots.MAX_INPUT_BITS; bits++) {
            for (int fIn = 0; fIn <= ExactRoots.MAX_SCALE; fIn++) {
                for (int fOut = 0; fOut <= ExactRoots.MAX_SCALE; fOut++) {
                    Config c = new Config(fIn, fOut, bits);
                    for (int k = 0; k < bits; k++) {
                        if (!ExactRoots.binade(ExactRoots.Kind.SQRT, k, fIn, fOut).saturated()) {
                            double b = bound(ExactRoots.Kind.SQRT, 1L << k, c);
                            assertTrue(b < 1, c + " k = " + k + ": bound " + b);
                        }
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        ExactRoots er = new ExactRoots(new InsecurePlaintextBackend(FixedPoint.of(24)));
        ProtocolId id = ProtocolId.of("bad");
        long[] x = {1};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> er.reciprocal(x, 24, 24, 63, id))
                .getMessage().contains("inputBits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> er.rsqrt(x, -1, 24, 40, id))
                .getMessage().contains("scales"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExactRoots(er == null ? null
                : new InsecurePlaintextBackend(FixedPoint.of(24)), 4)).getMessage().contains("digit"));
        assertEquals(0, er.sqrt(new long[0], 24, 24, 40, id).length);
    }
}
