package org.securetrain.layermath;

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
 * ln on the plaintext reference backend (the integer algorithm the two-party backend runs bit for bit,
 * {@link ExactLogTwoPartyTest}) against a BigDecimal reference (40 digits) over the whole input range below
 * 2^inputBits: every output must lie within 0.5 + 5·2^(fOut - 32) ulps (docs/security/exact-math.md, section 10),
 * which is below one ulp for every allowed output scale, and x &le; 0 must give exactly -2^60.
 */
@Timeout(600)
class ExactLogTest {
    static final MathContext MC = new MathContext(40);
    static final long NEG_SAT = -(1L << ExactLog.SATURATION_BITS);

    /** Input scale, output scale, inputBits. */
    record Config(int fIn, int fOut, int bits) {
    }

    /**
     * f into f, a softmax row sum in [1, 1024) at f (the private loss), Adam-like 2f into f at 62 bits, integer inputs,
     * the finest output scale, an integer output, odd scales, the largest input scale, tiny ranges.
     */
    static final Config[] CONFIGS = {
        new Config(24, 24, 48), new Config(24, 24, 34), new Config(48, 24, 62), new Config(24, 24, 62),
        new Config(0, 24, 40), new Config(24, 28, 40), new Config(24, 0, 30), new Config(61, 24, 62),
        new Config(25, 23, 50), new Config(7, 12, 20), new Config(24, 24, 3), new Config(24, 24, 1),
    };

    static long[] compute(ExactLog el, long[] x, Config c) {
        return el.log(x, c.fIn(), c.fOut(), c.bits(), ProtocolId.of("log"));
    }

    /** ln(x 2^-fIn) 2^fOut to 40 digits: (k - fIn) ln 2 + 2 atanh((M - 1)/(M + 1)), M = x 2^-k in [1, 2). */
    static BigDecimal exact(long x, Config c) {
        int k = 63 - Long.numberOfLeadingZeros(x);
        BigDecimal mant = new BigDecimal(x).divide(BigDecimal.valueOf(2).pow(k), MC); // exact (a power of 2)
        BigDecimal z = mant.subtract(BigDecimal.ONE).divide(mant.add(BigDecimal.ONE), MC);
        BigDecimal z2 = z.multiply(z, MC);
        BigDecimal term = z;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal eps = new BigDecimal("1e-42");
        for (int j = 1; term.abs().compareTo(eps) > 0; j += 2) {
            sum = sum.add(term.divide(BigDecimal.valueOf(j), MC), MC);
            term = term.multiply(z2, MC);
        }
        BigDecimal ln = ExactLog.LN2.multiply(BigDecimal.valueOf(k - c.fIn())).add(sum.multiply(BigDecimal.valueOf(2)));
        return ln.multiply(BigDecimal.valueOf(2).pow(c.fOut()));
    }

    /** The proven bound in output ulps (docs/security/exact-math.md 10.2). */
    static double bound(Config c) {
        return 0.5 + ExactLog.INTERNAL_ERROR_ULPS * Math.scalb(1.0, c.fOut() - ExactLog.INTERNAL_BITS);
    }

    /** Half uniform over [1, 2^bits), half log-uniform (uniform leading bit, uniform mantissa). */
    static long[] randomInputs(int bits, int n, Random r) {
        return ExactRootsTest.randomInputs(bits, n, r);
    }

    /** 1 ulp, 2^k - 1, 2^k, 2^k + 1 for every k &lt; bits, the largest input, 0 and negative inputs. */
    static long[] edges(int bits) {
        return ExactRootsTest.edges(bits);
    }

    /** Largest error seen in output ulps, and its ratio to the bound. */
    record Stats(double maxUlps, double boundRatio) {
        Stats merge(Stats o) {
            return new Stats(Math.max(maxUlps, o.maxUlps), Math.max(boundRatio, o.boundRatio));
        }

        @Override
        public String toString() {
            return String.format("max error %.4f ulps, error/bound %.3f", maxUlps, boundRatio);
        }
    }

    /** Checks every output against the bound; x &le; 0 against -2^60. */
    static Stats check(Config c, long[] x, long[] out) {
        double max = 0;
        double bound = bound(c);
        for (int i = 0; i < x.length; i++) {
            if (x[i] <= 0) {
                assertEquals(NEG_SAT, out[i], c + ": x = " + x[i] + " <= 0");
                continue;
            }
            BigDecimal v = exact(x[i], c);
            double err = v.subtract(BigDecimal.valueOf(out[i])).abs().doubleValue();
            assertTrue(err <= bound, c + ": x = " + x[i] + " gives " + out[i] + ", exact " + v + ", error " + err
                    + " ulps > bound " + bound);
            max = Math.max(max, err);
        }
        return new Stats(max, max / bound);
    }

    static Stats sweep(Config c, int n, long seed) {
        ExactLog el = new ExactLog(new InsecurePlaintextBackend(FixedPoint.of(24)));
        long[] x = randomInputs(c.bits(), n, new Random(seed));
        Stats st = check(c, x, compute(el, x, c));
        long[] e = edges(c.bits());
        return st.merge(check(c, e, compute(el, e, c)));
    }

    @Test
    void everyConfigurationWithinTheBoundIncludingEdges() {
        for (Config c : CONFIGS) {
            Stats max = sweep(c, 1_000, 17 + c.bits());
            System.out.printf("log %s: %s (1,000 random + edges)%n", c, max);
        }
    }

    @Test
    void everyDigitWidthWithinTheBound() {
        Config c = new Config(24, 28, 62);
        for (int d = 5; d <= 8; d++) {
            ExactLog el = new ExactLog(new InsecurePlaintextBackend(FixedPoint.of(24)), d);
            long[] x = randomInputs(c.bits(), 2_000, new Random(d));
            Stats st = check(c, x, compute(el, x, c));
            System.out.printf("log d = %d, N = %d terms, %s: %s (2,000 random)%n", d, el.seriesTerms(), c, st);
        }
    }

    /** 10^5 inputs at f = 24 into the finest output scale 28 (the tightest bound) in the default suite. */
    @Test
    void hundredThousandInputs() {
        Config c = new Config(24, 28, 62);
        Stats max = sweep(c, 100_000, 5);
        System.out.printf("log %s: %s (10^5 random + edges)%n", c, max);
    }

    @Test
    @Tag("slow")
    void millionInputs() {
        for (Config c : new Config[] {new Config(24, 24, 48), new Config(24, 28, 62)}) {
            Stats max = sweep(c, 1_000_000, 6);
            System.out.printf("log %s: %s (10^6 random + edges)%n", c, max);
        }
    }

    @Test
    void exactPointsAndEdges() {
        ExactLog el = new ExactLog(new InsecurePlaintextBackend(FixedPoint.of(24)));
        ProtocolId id = ProtocolId.of("log");
        // ln 1 = 0 exactly; powers of two give round(j ln 2 2^fOut); 1 ulp gives -fIn ln 2
        long[] x = {1L << 24, 1L << 25, 1L << 23, 1, (1L << 48) - 1, 0, -1, -(1L << 47)};
        long[] out = el.log(x, 24, 24, 48, id);
        assertEquals(0, out[0], "ln 1");
        assertEquals(Math.round(Math.log(2) * (1 << 24)), out[1], "ln 2");
        assertEquals(-Math.round(Math.log(2) * (1 << 24)), out[2], "ln 1/2");
        assertEquals(Math.round(-24 * Math.log(2) * (1 << 24)), out[3], "ln 2^-24");
        assertEquals(NEG_SAT, out[5], "ln 0");
        assertEquals(NEG_SAT, out[6], "ln of a negative input");
        assertEquals(NEG_SAT, out[7], "ln of a negative input");
        assertTrue(Math.abs(out[4] - Math.log(Math.scalb(1.0, 24)) * (1 << 24)) < 1, "ln(2^24 - 2^-24)");
    }

    @Test
    void theSeriesLengthMeetsItsTruncationBound() {
        assertEquals(6, ExactLog.seriesTerms(5));
        assertEquals(5, ExactLog.seriesTerms(6));
        assertEquals(4, ExactLog.seriesTerms(7));
        assertEquals(4, ExactLog.seriesTerms(8)); // 3 terms leave 0.25 (1 + 2^-18) G-ulps, just above the guard
        for (int d = 5; d <= 8; d++) {
            assertTrue(ExactLog.truncationUlps(d, ExactLog.seriesTerms(d)) <= 0.25, "d = " + d);
        }
        // the bound is faithful at the finest output scale
        assertTrue(bound(new Config(0, ExactLog.MAX_OUTPUT_SCALE, 62)) < 1);
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        InsecurePlaintextBackend be = new InsecurePlaintextBackend(FixedPoint.of(24));
        ProtocolId id = ProtocolId.of("bad");
        long[] x = {1};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExactLog.log(be, x, 24, 24, 63, id))
                .getMessage().contains("inputBits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExactLog.log(be, x, 24, 24, 0, id))
                .getMessage().contains("inputBits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExactLog.log(be, x, -1, 24, 40, id))
                .getMessage().contains("input scale"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExactLog.log(be, x, 24, 29, 40, id))
                .getMessage().contains("output scale"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExactLog(be, 4)).getMessage()
                .contains("digit"));
        assertEquals(0, ExactLog.log(be, new long[0], 24, 24, 40, id).length);
    }
}
