package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * {@link L2GradientNormalizer} on the plaintext reference against double arithmetic on the same fixed-point gradient
 * (double is exact to far below the 2^-24 ulp here): the documented bound in output ulps is enforced per element, the
 * clipping decision is DL4J's strict norm &gt; threshold, unclipped groups and all-zero groups come back unchanged, and
 * an element beyond the sum's bound trips the range guard instead of wrapping.
 */
class L2GradientNormalizerTest {
    static final FixedPoint FP = FixedPoint.of(24);
    static final int F = 24;

    /** Groups of various sizes and norms (tiny to near the bound), one all-zero group, one single element. */
    static long[][] groups(Random r) {
        int[] sizes = {1, 7, 100, 1000, 5000, 33, 64};
        double[] scales = {0.7, 1e-6, 0.02, 0.3, 0.05, 0, 4};
        long[][] g = new long[sizes.length][];
        for (int j = 0; j < sizes.length; j++) {
            g[j] = new long[sizes[j]];
            for (int i = 0; i < sizes[j]; i++) {
                g[j][i] = Math.round(r.nextGaussian() * scales[j] * (1 << F));
            }
        }
        g[1][0] = 1; // a 1-ulp element in the tiny group
        return g;
    }

    static double norm(long[] g) {
        double s = 0;
        for (long v : g) {
            s += (double) v * v;
        }
        return Math.sqrt(s) / (1 << F);
    }

    /** Renormalise: 1 + ||g|| 2^(f-R) + 2^(f-26) ulps. */
    static void checkRenormalized(long[][] in, long[][] out, int r) {
        for (int j = 0; j < in.length; j++) {
            double nrm = norm(in[j]);
            double bound = 1 + nrm * Math.scalb(1.0, F - r) + Math.scalb(1.0, F - 26);
            for (int i = 0; i < in[j].length; i++) {
                double exact = nrm == 0 ? 0 : in[j][i] / (double) (1 << F) / nrm;
                double err = Math.abs(out[j][i] / (double) (1 << F) - exact) * (1 << F);
                assertTrue(err <= bound, "group " + j + " element " + i + ": error " + err + " ulps > " + bound);
            }
        }
    }

    /** Clip: exactly g where ||g|| &lt;= t; else 1 + (t + 1) ||g|| 2^(f-R) + t 2^(f-26) + 1.01 2^(f-s-1) ulps. */
    static int checkClipped(long[][] in, long[][] out, double t, int r) {
        int clipped = 0;
        for (int j = 0; j < in.length; j++) {
            double nrm = norm(in[j]);
            if (!(nrm > t)) {
                assertArrayEquals(in[j], out[j], "group " + j + " (norm " + nrm + " <= " + t + ") must stay as it is");
                continue;
            }
            clipped++;
            int s = 60 - r;
            double bound = 1 + (t + 1) * nrm * Math.scalb(1.0, F - r) + t * Math.scalb(1.0, F - 26)
                    + 1.01 * Math.scalb(1.0, F - s - 1);
            for (int i = 0; i < in[j].length; i++) {
                double exact = in[j][i] / (double) (1 << F) * t / nrm;
                double err = Math.abs(out[j][i] / (double) (1 << F) - exact) * (1 << F);
                assertTrue(err <= bound, "group " + j + " element " + i + ": error " + err + " ulps > " + bound);
            }
        }
        return clipped;
    }

    @Test
    void renormalizeWithinTheBoundAndZeroStaysZero() {
        var be = new InsecurePlaintextBackend(FP);
        L2GradientNormalizer nz = new L2GradientNormalizer(be, PositiveRoots.exact(be));
        long[][] g = groups(new Random(3));
        L2Normalization p = new L2Normalization(L2Normalization.Mode.RENORMALIZE, 0);
        long[][] y = nz.apply(p, g, ProtocolId.parse("t"));
        checkRenormalized(g, y, nz.factorBits(p));
        assertArrayEquals(new long[g[5].length], y[5], "an all-zero gradient stays zero (DL4J divides it by 1e-5)");
    }

    @Test
    void clipAtSeveralThresholdsHitAndMissed() {
        var be = new InsecurePlaintextBackend(FP);
        L2GradientNormalizer nz = new L2GradientNormalizer(be, PositiveRoots.exact(be));
        long[][] g = groups(new Random(4));
        int total = 0;
        for (double t : new double[] {0.3, 1.0, 1.7, 5.0, 0x1p-16, 50}) {
            L2Normalization p = new L2Normalization(L2Normalization.Mode.CLIP, t);
            long[][] y = nz.apply(p, g, ProtocolId.parse("t"));
            total += checkClipped(g, y, t, nz.factorBits(p));
            assertArrayEquals(new long[g[5].length], y[5], "all-zero group at threshold " + t);
        }
        assertTrue(total >= 10, "some groups must be clipped: " + total);
    }

    @Test
    void theThresholdTestIsStrictAtTheExactNorm() {
        var be = new InsecurePlaintextBackend(FP);
        L2GradientNormalizer nz = new L2GradientNormalizer(be, PositiveRoots.exact(be));
        long[] g = {3L << F, 4L << F}; // norm exactly 5
        long[][] at = nz.apply(new L2Normalization(L2Normalization.Mode.CLIP, 5.0), new long[][] {g}, ProtocolId.parse("t"));
        assertArrayEquals(g, at[0], "norm == threshold: DL4J does not clip");
        long[][] below = nz.apply(new L2Normalization(L2Normalization.Mode.CLIP, 4.999), new long[][] {g},
                ProtocolId.parse("t"));
        assertEquals(3 * 4.999 / 5, below[0][0] / (double) (1 << F), 2.0 / (1 << F));
    }

    @Test
    void anElementBeyondTheSumsBoundTripsTheRangeGuard() {
        RangeCheckedBackend be = new RangeCheckedBackend(new InsecurePlaintextBackend(FP));
        L2GradientNormalizer nz = new L2GradientNormalizer(be, PositiveRoots.exact(be));
        int n = 1000;
        int bits = L2GradientNormalizer.elementBits(n);
        assertEquals(25, bits);
        long[] ok = new long[n];
        ok[0] = (1L << bits) - 1;
        ok[1] = -(1L << bits) + 1;
        L2Normalization p = new L2Normalization(L2Normalization.Mode.RENORMALIZE, 0);
        nz.apply(p, new long[][] {ok}, ProtocolId.parse("t"));
        be.verify(ProtocolId.parse("v"), "test");
        long[] bad = ok.clone();
        bad[2] = -(1L << bits);
        nz.apply(p, new long[][] {bad}, ProtocolId.parse("t"));
        assertThrows(RangeCheckedBackend.RangeOverflowException.class, () -> be.verify(ProtocolId.parse("v"), "test"));
    }

    @Test
    void refusesThresholdsOutsideTheSupportedRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new L2Normalization(L2Normalization.Mode.CLIP, 0));
        assertTrue(e.getMessage().contains("threshold"), e.getMessage());
    }
}
