package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * The private softmax on the plaintext reference against the softmax of the same logits in double (its own error is
 * below 10^-6 ulp at f = 24), with the proven bound ({@link PrivateSoftmaxCrossEntropy#errorBoundUlps}) enforced on
 * every probability: random rows and edge rows (all equal, ties at the maximum, one-ulp differences, rows around the
 * exp's clip point, very negative rows, the largest spread the range guard lets through, 2^61 at scale 2f). delta is
 * p - y exactly, the labels' term y·(z - max) exactly.
 */
class PrivateSoftmaxCrossEntropyTest {
    static final int F_BITS = 24;
    static final FixedPoint FP = FixedPoint.of(F_BITS);
    /** The range guard's limit for logits at scale 2f: |z| < 2^61, i.e. 2^(61 - 2f) in value. */
    static final double LIMIT = Math.scalb(1.0, 61 - 2 * F_BITS) - 1;

    /** Logit rows at scale 2f: random ones and the edges. */
    static long[] logits(int classes, int randomRows, Random r) {
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < randomRows; i++) {
            double[] row = new double[classes];
            double sigma = i % 3 == 0 ? 1 : i % 3 == 1 ? 5 : 30;
            for (int c = 0; c < classes; c++) {
                row[c] = r.nextGaussian() * sigma;
            }
            rows.add(row);
        }
        double ulp = Math.scalb(1.0, -F_BITS);
        double clip = ExactFunctions.clipPoint(F_BITS) * ulp;
        double[][] edges = {
            filled(classes, 0), filled(classes, 3.25), filled(classes, -LIMIT), filled(classes, LIMIT),
            withFirst(classes, LIMIT, -LIMIT), withFirst(classes, -LIMIT, LIMIT), withFirst(classes, 0, -clip),
            withFirst(classes, 0, -clip + ulp), withFirst(classes, 0, -clip - ulp), withFirst(classes, 0, ulp),
            withFirst(classes, ulp, 0), withFirst(classes, 0, -ulp), withFirst(classes, -8000, -8000 - 40 * ulp),
            withFirst(classes, 1e-7, -1e-7), ramp(classes, 1.0), ramp(classes, -2.5), ramp(classes, 0.5 * clip),
        };
        for (double[] e : edges) {
            rows.add(e);
        }
        long[] z = new long[rows.size() * classes];
        for (int b = 0; b < rows.size(); b++) {
            for (int c = 0; c < classes; c++) {
                z[b * classes + c] = Math.round(Math.scalb(rows.get(b)[c], 2 * F_BITS))
                        + (r.nextBoolean() ? r.nextInt(1 << F_BITS) : 0); // sub-ulp bits at scale 2f
            }
        }
        return z;
    }

    private static double[] filled(int classes, double v) {
        double[] row = new double[classes];
        java.util.Arrays.fill(row, v);
        return row;
    }

    private static double[] withFirst(int classes, double first, double rest) {
        double[] row = filled(classes, rest);
        row[0] = first;
        return row;
    }

    private static double[] ramp(int classes, double step) {
        double[] row = new double[classes];
        for (int c = 0; c < classes; c++) {
            row[c] = c * step;
        }
        return row;
    }

    /** One-hot labels at scale f, a random class per row. */
    static long[] oneHot(int batch, int classes, Random r) {
        long[] y = new long[batch * classes];
        for (int b = 0; b < batch; b++) {
            y[b * classes + r.nextInt(classes)] = FP.one();
        }
        return y;
    }

    /** The exact softmax (in double) of z at scale 2f: of the exact logits, or of their floors at scale f. */
    static double[] softmax(long[] z, int classes, boolean floored) {
        double[] p = new double[z.length];
        for (int b = 0; b < z.length / classes; b++) {
            double max = Double.NEGATIVE_INFINITY;
            double[] v = new double[classes];
            for (int c = 0; c < classes; c++) {
                long x = z[b * classes + c];
                v[c] = floored ? Math.scalb((double) (x >> F_BITS), -F_BITS) : Math.scalb((double) x, -2 * F_BITS);
                max = Math.max(max, v[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                v[c] = Math.exp(v[c] - max);
                sum += v[c];
            }
            for (int c = 0; c < classes; c++) {
                p[b * classes + c] = v[c] / sum;
            }
        }
        return p;
    }

    /**
     * -ln softmax(z)_label per row (log-sum-exp in double) of z at scale 2f, of the exact logits or their floors, with
     * DL4J's clip of p at 10^-10 (so at most -ln 10^-10 = 23.03).
     */
    static double[] crossEntropy(long[] z, long[] y, int classes, boolean floored) {
        int batch = z.length / classes;
        double[] loss = new double[batch];
        for (int b = 0; b < batch; b++) {
            double[] v = new double[classes];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                long x = z[b * classes + c];
                v[c] = floored ? Math.scalb((double) (x >> F_BITS), -F_BITS) : Math.scalb((double) x, -2 * F_BITS);
                max = Math.max(max, v[c]);
            }
            double sum = 0;
            double labelled = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(v[c] - max);
                labelled += Math.scalb((double) y[b * classes + c], -F_BITS) * (v[c] - max);
            }
            // DL4J's LossMCXENT clips p to [1e-10, 1 - 1e-10] before the log: for one-hot labels a clamp of the loss
            loss[b] = Math.min(Math.max(Math.log(sum) - labelled, -Math.log1p(-1e-10)), -Math.log(1e-10));
        }
        return loss;
    }

    /** Largest error of p in ulps, after asserting the bound on every element; with the exact logits +1/4 ulp. */
    static double check(int classes, int randomRows, long seed) {
        Random r = new Random(seed);
        long[] z = logits(classes, randomRows, r);
        int batch = z.length / classes;
        long[] y = oneHot(batch, classes, r);
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FP));
        PrivateSoftmaxCrossEntropy.Result res = sm.lossTerms(z, 2 * F_BITS, y, batch, classes, ProtocolId.of("t"));
        double bound = sm.errorBoundUlps(classes);
        double[] ofFloors = softmax(z, classes, true);
        double[] ofExact = softmax(z, classes, false);
        double worst = 0;
        double worstExact = 0;
        for (int i = 0; i < z.length; i++) {
            double got = Math.scalb((double) res.p()[i], -F_BITS);
            double err = Math.abs(got - ofFloors[i]) * FP.one();
            double errExact = Math.abs(got - ofExact[i]) * FP.one();
            assertTrue(err <= bound, "C=" + classes + " element " + i + ": p error " + err + " ulps above the bound "
                    + bound + " (row " + i / classes + ")");
            assertTrue(errExact <= bound + PrivateSoftmaxCrossEntropy.FLOORED_LOGITS_ULPS, "C=" + classes + " element "
                    + i + ": error against the exact logits " + errExact + " ulps");
            worst = Math.max(worst, err);
            worstExact = Math.max(worstExact, errExact);
            assertEquals(res.p()[i] - y[i], res.delta()[i], "delta = p - y");
        }
        for (int b = 0; b < batch; b++) {
            long max = Long.MIN_VALUE;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[b * classes + c] >> F_BITS);
            }
            long expected = 0;
            long s = 0;
            for (int c = 0; c < classes; c++) {
                expected += y[b * classes + c] * ((z[b * classes + c] >> F_BITS) - max);
            }
            assertEquals(expected, res.labelled()[b], "row " + b + ": y·(z - max) at scale 2f");
            assertTrue(res.rowSum()[b] >= 1L << PrivateSoftmaxCrossEntropy.F
                    && res.rowSum()[b] <= (long) classes << PrivateSoftmaxCrossEntropy.F, "row sum in [1, C]");
        }
        long[] losses = sm.rowLosses(res, ProtocolId.of("t", "loss"));
        double[] lossOfFloors = crossEntropy(z, y, classes, true);
        double[] lossOfExact = crossEntropy(z, y, classes, false);
        double lossBound = sm.lossErrorBoundUlps(classes);
        double worstLoss = 0;
        double worstLossExact = 0;
        for (int b = 0; b < batch; b++) {
            double got = Math.scalb((double) losses[b], -F_BITS);
            // the double reference's own error: a few double ulps of values below 2^15, far below 10^-3 output ulp
            double err = Math.abs(got - lossOfFloors[b]) * FP.one();
            double errExact = Math.abs(got - lossOfExact[b]) * FP.one();
            assertTrue(err <= lossBound, "C=" + classes + " row " + b + ": loss error " + err + " ulps above the bound "
                    + lossBound);
            assertTrue(errExact <= lossBound + PrivateSoftmaxCrossEntropy.FLOORED_LOGITS_LOSS_ULPS, "C=" + classes
                    + " row " + b + ": loss error against the exact logits " + errExact + " ulps");
            worstLoss = Math.max(worstLoss, err);
            worstLossExact = Math.max(worstLossExact, errExact);
        }
        System.out.printf("private softmax f=%d C=%d, %d rows: max error %.4f ulps (bound %.4f), against the exact "
                + "logits %.4f (bound %.4f); loss per row: %.4f ulps (bound %.4f), against the exact logits %.4f "
                + "(bound %.4f)%n", F_BITS, classes, batch, worst, bound, worstExact,
                bound + PrivateSoftmaxCrossEntropy.FLOORED_LOGITS_ULPS, worstLoss, lossBound, worstLossExact,
                lossBound + PrivateSoftmaxCrossEntropy.FLOORED_LOGITS_LOSS_ULPS);
        return worst;
    }

    /**
     * DL4J's clip of p at 10^-10 (LossMCXENT's softmaxClipEps): rows whose true-class loss lies a few ulps either side of
     * -ln 10^-10 = 23.03 and far beyond it give the clamped loss within the proven bound, and exactly
     * round(-ln(10^-10) 2^f) once clearly beyond; eps 0 leaves the loss unclipped; eps outside [0, 0.5] is refused.
     */
    @Test
    void rowLossesAreClampedAsDl4jClipsTheProbabilities() {
        int classes = 3;
        double ulp = Math.scalb(1.0, -F_BITS);
        double k = -Math.log(1e-10);
        double[] tops = {k - 3 * ulp, k - ulp, k, k + ulp, k + 3 * ulp, k - 0.5, k + 0.5, 30, 200, LIMIT};
        int batch = tops.length;
        long[] z = new long[batch * classes];
        long[] y = new long[batch * classes];
        for (int b = 0; b < batch; b++) {
            z[b * classes] = Math.round(Math.scalb(tops[b], 2 * F_BITS));
            y[b * classes + 1] = FP.one(); // the true class is a small one: loss about tops[b]
        }
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FP));
        PrivateSoftmaxCrossEntropy.Result res = sm.lossTerms(z, 2 * F_BITS, y, batch, classes, ProtocolId.of("t"));
        long[] clipped = sm.rowLosses(res, ProtocolId.of("t", "loss"));
        long[] unclipped = sm.rowLosses(res, 0, ProtocolId.of("t", "raw"));
        double[] expected = crossEntropy(z, y, classes, false);
        double bound = sm.lossErrorBoundUlps(classes) + PrivateSoftmaxCrossEntropy.FLOORED_LOGITS_LOSS_ULPS;
        long hi = Math.round(Math.scalb(k, F_BITS));
        for (int b = 0; b < batch; b++) {
            double err = Math.abs(Math.scalb((double) clipped[b], -F_BITS) - expected[b]) * FP.one();
            assertTrue(err <= bound, "row " + b + " (top logit " + tops[b] + "): clipped loss error " + err
                    + " ulps above the bound " + bound);
            assertTrue(clipped[b] <= hi, "row " + b + ": the clipped loss is at most round(-ln 1e-10 2^f)");
            double raw = tops[b] + Math.log1p(2 * Math.exp(-tops[b])); // -ln p_1 of the row (t, 0, 0)
            assertTrue(Math.abs(Math.scalb((double) unclipped[b], -F_BITS) - raw) * FP.one() <= bound,
                    "row " + b + ": eps 0 leaves the loss unclipped");
            if (tops[b] >= k + 0.5) {
                assertEquals(hi, clipped[b], "row " + b + ": clearly beyond the clip, the loss is the clip value");
            }
        }
        for (double bad : new double[] {-1e-3, 0.6, Double.NaN}) {
            String m = assertThrows(IllegalArgumentException.class, () -> sm.rowLosses(res, bad,
                    ProtocolId.of("t", "bad"))).getMessage();
            assertTrue(m.contains("clipping epsilon") && m.contains("[0, 0.5]"), m);
        }
    }

    /**
     * Both row maxima (all pairs at once for 3 &lt;= C &lt;= 16, the tournament otherwise) equal the exact maximum, on
     * random rows, rows with ties (all equal, the maximum repeated), small integers and values near +-2^61.
     */
    @Test
    void rowMaxOfAllPairsAndOfTheTournamentAreExact() {
        Random r = new Random(16);
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FP));
        for (int classes = 2; classes <= 17; classes++) {
            int batch = 40;
            long[] z = new long[batch * classes];
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < classes; c++) {
                    long v = switch (b % 4) {
                        case 0 -> r.nextLong() >> 3; // below 2^61 in magnitude
                        case 1 -> r.nextInt(3) - 1; // many ties
                        case 2 -> 7; // all equal
                        default -> (r.nextBoolean() ? 1 : -1) * ((1L << 61) - 1 - r.nextInt(2));
                    };
                    z[b * classes + c] = v;
                }
            }
            long[] expected = new long[batch];
            for (int b = 0; b < batch; b++) {
                expected[b] = Long.MIN_VALUE;
                for (int c = 0; c < classes; c++) {
                    expected[b] = Math.max(expected[b], z[b * classes + c]);
                }
            }
            ProtocolId id = ProtocolId.of("t", "max" + classes);
            assertArrayEquals(expected, sm.tournamentRowMax(z, batch, classes, id.child("tournament")), "tournament, C="
                    + classes);
            if (classes >= 3) {
                assertArrayEquals(expected, sm.allPairsRowMax(z, batch, classes, id.child("pairs")), "all pairs, C="
                        + classes);
            }
            assertArrayEquals(expected, sm.rowMax(z, batch, classes, id.child("chosen")), "C=" + classes);
        }
    }

    @Test
    void probabilitiesWithinTheProvenBound() {
        for (int classes : new int[] {2, 3, 10, 17, 100}) {
            check(classes, classes >= 100 ? 300 : 2000, 11 + classes);
        }
    }

    @Test
    void boundAtTheDefaultScale() {
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FP));
        assertEquals(0.5 + (7.5 + 0.752) / 64, sm.errorBoundUlps(2), 1e-6);
        assertEquals(0.5 + (9 * 7.5 + 0.752) / 64, sm.errorBoundUlps(10), 1e-6);
    }

    @Test
    void badShapesAndScalesAreRefusedNamingTheCause() {
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FP));
        ProtocolId id = ProtocolId.of("t");
        String m = assertThrows(IllegalArgumentException.class,
                () -> sm.lossTerms(new long[6], 48, new long[5], 2, 3, id)).getMessage();
        assertTrue(m.contains("2x3"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> sm.lossTerms(new long[6], 30, new long[6], 2, 3, id)).getMessage();
        assertTrue(m.contains("scale"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> sm.lossTerms(new long[2], 24, new long[2], 2, 1, id)).getMessage();
        assertTrue(m.contains("classes"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new PrivateSoftmaxCrossEntropy(new InsecurePlaintextBackend(FixedPoint.of(26)))).getMessage();
        assertTrue(m.contains("24"), m);
    }
}
