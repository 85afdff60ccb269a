package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * {@link BatchNormKernel} on the plaintext reference against the same formulas in double precision: the division by
 * the public count within its proven bound (6 ulps + 2^-(p+1) of the quotient), and the layer's training forward,
 * backward (DL4J's formula), running-estimate update and inference forward, dense and NCHW/NHWC, within the bounds
 * stated in docs/security/batchnorm.md.
 */
class BatchNormKernelTest {
    static final int F = 24;
    static final FixedPoint FP = FixedPoint.of(F);
    static final Backend REF = new InsecurePlaintextBackend(FP);

    @Test
    void divisionByAPublicCountIsWithinItsBound() {
        Random rnd = new Random(5);
        int p = BatchNormKernel.countBits(F);
        long[] counts = {1, 2, 3, 7, 96, 100, 4096, 73728, 1 << 20};
        double worst = 0;
        for (long n : counts) {
            long[] s = new long[2000];
            for (int i = 0; i < s.length; i++) {
                // quotients up to 2^(61 - f) in magnitude (the largest values the layer averages), and small ones
                double q = (i % 2 == 0 ? rnd.nextGaussian() : (rnd.nextDouble() * 2 - 1) * Math.scalb(1.0, 61 - F - 1));
                s[i] = Math.round(q * n * Math.scalb(1.0, F) / (i % 4 == 0 ? 1 : n));
                if (Math.abs((double) s[i]) >= Math.scalb(1.0, 61 - F) * n) {
                    s[i] = 0;
                }
            }
            long[] y = BatchNormKernel.divideByCount(REF, s, n, ProtocolId.parse("t.div"));
            for (int i = 0; i < s.length; i++) {
                double exact = (double) s[i] / n;
                double err = Math.abs(y[i] - exact);
                double bound = 6 + Math.abs(exact) * Math.scalb(1.0, -(p + 1));
                assertTrue(err <= bound, "n " + n + ": " + s[i] + " / n gave " + y[i] + ", error " + err + " > " + bound);
                worst = Math.max(worst, err / bound);
            }
        }
        System.out.printf("divideByCount: worst error %.3f of the bound%n", worst);
        assertThrows(IllegalArgumentException.class, () -> BatchNormKernel.divideByCount(REF, new long[1], 0,
                ProtocolId.parse("t.div0")));
    }

    @Test
    void denseLayerMatchesDoublePrecision() {
        check(new BatchNormKernel.Layout(16, 5, 1, true), null, 11);
    }

    @Test
    void nchwAndNhwcLayersMatchDoublePrecision() {
        check(new BatchNormKernel.Layout(4, 3, 25, false), null, 13);
        check(new BatchNormKernel.Layout(4, 3, 25, true), null, 17);
    }

    @Test
    void lockedGammaBetaFollowsDl4j() {
        check(new BatchNormKernel.Layout(16, 4, 1, true), new BatchNormKernel.Locked(1.5, -0.25), 19);
        check(new BatchNormKernel.Layout(16, 4, 1, true), new BatchNormKernel.Locked(2.0, 0.0), 23);
    }

    @Test
    void refusesMismatchedShapesNamingTheLayer() {
        BatchNormKernel k = new BatchNormKernel("t.bn", 3, 1e-5, 0.9, null, new long[3], new long[3], new long[3],
                new long[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.forward(REF, new long[10], new BatchNormKernel.Layout(2, 3, 1, true), true));
        assertTrue(e.getMessage().startsWith("t.bn: input of 10 values"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> k.backward(REF, new long[6], true));
        assertThrows(IllegalArgumentException.class, () -> new BatchNormKernel("t.bn", 3, 1e-5, 0.9, null,
                new long[2], new long[3], new long[3], new long[3]));
    }

    /** Training forward, backward, update, inference forward against double precision. */
    static void check(BatchNormKernel.Layout l, BatchNormKernel.Locked locked, long seed) {
        Random rnd = new Random(seed);
        int c = l.channels();
        int n = l.size();
        double eps = 1e-5;
        double decay = 0.9;
        double[] x = new double[n];
        double[] dy = new double[n];
        for (int i = 0; i < n; i++) {
            int ch = l.channelOf(i);
            x[i] = 0.5 + ch + (1 + ch) * rnd.nextGaussian();
            dy[i] = 0.3 * rnd.nextGaussian();
        }
        double[] gamma = new double[c];
        double[] beta = new double[c];
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int k = 0; k < c; k++) {
            gamma[k] = locked != null ? locked.gamma() : 1 + 0.3 * rnd.nextGaussian();
            beta[k] = locked != null ? locked.beta() : 0.2 * rnd.nextGaussian();
            mean[k] = 0.1 * rnd.nextGaussian();
            var[k] = 1 + 0.2 * rnd.nextDouble();
        }
        BatchNormKernel kernel = new BatchNormKernel("t.bn", c, eps, decay, locked, locked == null ? FP.encode(gamma)
                : null, locked == null ? FP.encode(beta) : null, FP.encode(mean), FP.encode(var));
        long[] y = kernel.forward(REF, FP.encode(x), l, true);
        long[] dx = kernel.backward(REF, FP.encode(dy), true);
        long[] yInfer = kernel.forward(REF, FP.encode(x), l, false);

        // double precision: DL4J's formulas
        long cnt = l.perChannel();
        double[] mu = new double[c];
        double[] v = new double[c];
        for (int i = 0; i < n; i++) {
            mu[l.channelOf(i)] += x[i] / cnt;
        }
        for (int i = 0; i < n; i++) {
            double d = x[i] - mu[l.channelOf(i)];
            v[l.channelOf(i)] += d * d / cnt;
        }
        double[] xHat = new double[n];
        double[] yd = new double[n];
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        for (int i = 0; i < n; i++) {
            int k = l.channelOf(i);
            xHat[i] = (x[i] - mu[k]) / Math.sqrt(v[k] + eps);
            boolean applied = locked == null || (locked.gamma() != 1 && locked.beta() != 0);
            yd[i] = applied ? gamma[k] * xHat[i] + beta[k] : xHat[i];
            dGamma[k] += dy[i] * xHat[i];
            dBeta[k] += dy[i];
        }
        double[] dxd = new double[n];
        for (int i = 0; i < n; i++) {
            int k = l.channelOf(i);
            dxd[i] = gamma[k] / Math.sqrt(v[k] + eps) * (dy[i] - (dBeta[k] + xHat[i] * dGamma[k]) / cnt);
        }
        double[] meanAfter = new double[c];
        double[] varAfter = new double[c];
        for (int k = 0; k < c; k++) {
            meanAfter[k] = decay * mean[k] + (1 - decay) * mu[k];
            varAfter[k] = decay * var[k] + (1 - decay) * v[k];
        }
        double[] yInferD = new double[n];
        for (int i = 0; i < n; i++) {
            int k = l.channelOf(i);
            double h = (x[i] - meanAfter[k]) / Math.sqrt(varAfter[k] + eps);
            boolean applied = locked == null || (locked.gamma() != 1 && locked.beta() != 0);
            yInferD[i] = applied ? gamma[k] * h + beta[k] : h;
        }
        // bounds in ulps of scale f for unit-scale data (docs/security/batchnorm.md, "Error")
        assertClose("y", yd, y, 64);
        assertClose("dX", dxd, dx, 64);
        assertClose("running mean", meanAfter, kernel.runningMean().value(), 8);
        assertClose("running var", varAfter, kernel.runningVar().value(), 8);
        assertClose("inference y", yInferD, yInfer, 64);
        if (locked == null) {
            // the exact sum of the encoded dY: each encoding is within half an ulp
            assertClose("dBeta", dBeta, kernel.beta().gradient(), 0.5 * cnt);
            assertClose("dGamma", dGamma, kernel.gamma().gradient(), 64);
        } else {
            assertEquals(null, kernel.gamma());
        }
    }

    static void assertClose(String what, double[] exact, long[] got, double ulps) {
        double worst = 0;
        for (int i = 0; i < exact.length; i++) {
            double err = Math.abs(got[i] - exact[i] * Math.scalb(1.0, F));
            worst = Math.max(worst, err);
        }
        System.out.printf("%s: max error %.1f ulps%n", what, worst);
        assertTrue(worst <= ulps, what + ": error " + worst + " ulps > " + ulps);
    }
}
