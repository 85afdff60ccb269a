package org.securetrain.layers.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.layermath.AdaptiveStep;
import org.securetrain.layermath.AdaptiveUpdate;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.PositiveRoots;

/**
 * AdaDelta's share arithmetic ({@link AdaptiveUpdate}) against ND4J's own {@code AdaDeltaUpdater} (double) applied to
 * the same gradients, per element over several steps, the bound of docs/security/adaptive-updaters.md enforced on
 * every update and state element; the gradients of {@link AdaptiveUpdatersTest} (log-uniform over [1e-7, 3] with
 * random signs, and zeros). With the exact reference roots and with {@code ExactRoots} on the reference backend.
 */
class AdaDeltaUpdaterTest {
    static final int F = AdaptiveUpdatersTest.F;
    static final double ULP = AdaptiveUpdatersTest.ULP;
    static final double STATE_ULP = AdaptiveUpdatersTest.STATE_ULP;

    /** Worst error over bound of updates and states (at most 1 when the bound holds) and worst update error in ulps. */
    static double[] run(AdaDelta u, int steps, long seed, Function<Backend, PositiveRoots> roots) {
        Backend be = new InsecurePlaintextBackend(AdaptiveUpdatersTest.FP);
        Random r = new Random(seed);
        int n = 400;
        ParameterShare p = new ParameterShare("layer0.W", new long[n]);
        ShareUpdater su = SecureUpdaters.adaptive(u, List.of(), 0, roots, "test");
        GradientUpdater<?> gu = u.instantiate(Nd4j.zeros(DataType.DOUBLE, 1, u.stateSize(n)), true);
        AdaptiveUpdate au = new AdaptiveUpdate(be, roots.apply(be));
        double rho = u.getRho();
        double eps = u.getEpsilon();
        double[] msdxOld = new double[n];
        double[] dMsdx = new double[n]; // propagated bound on our msdx's error
        double worstUpdate = 0;
        double worstState = 0;
        double worstUlps = 0;
        for (int step = 0; step < steps; step++) {
            AdaptiveStep st = SecureUpdaters.adaptiveStepAt(u, step, 0, "test");
            int d = au.adaDeltaDenominatorBits(st);
            long[] gEnc = AdaptiveUpdatersTest.FP.encode(AdaptiveUpdatersTest.gradients(r, n));
            double[] g = AdaptiveUpdatersTest.FP.decode(gEnc);
            INDArray gd = Nd4j.create(g, new long[] {1, n}, DataType.DOUBLE);
            gu.applyUpdater(gd, step, 0);
            double[] expected = gd.toDoubleVector();
            Map<String, INDArray> state = gu.getState();
            double[] msg = state.get("msg").toDoubleVector();
            double[] msdx = state.get("msdx").toDoubleVector();
            long[] before = p.value().clone();
            p.setGradient(gEnc, 0);
            su.apply(be, p, 1, step, 0);
            long[] ourMsg = su.state(p, "msg");
            long[] ourMsdx = su.state(p, "msdx");
            int t = step + 1;
            for (int i = 0; i < n; i++) {
                double got = (before[i] - p.value()[i]) * ULP;
                double err = Math.abs(got - expected[i]);
                double dMsg = AdaptiveUpdatersTest.stateBound(msg[i], t);
                double num = Math.sqrt(msdxOld[i] + eps);
                double den = Math.sqrt(msg[i] + eps);
                // sqrt(msdx + eps): the state error through the root, the root's rounding (faithful at f + 6, or
                // relative 2^-24.2), eps' rounding at S
                double dNum = (dMsdx[i] + STATE_ULP) / num + Math.max(Math.scalb(1.0, -F - 6), num * 0x1p-24);
                // 1/sqrt(msg + eps), relative: the state error through the root, its rounding at D (or 2^-26)
                double relDen = (dMsg + STATE_ULP) / (msg[i] + eps) / 2 * 1.01
                        + Math.max(Math.scalb(1.0, -d) * den, 0x1p-25);
                double bound = 2 * ULP + Math.abs(expected[i]) * (relDen + 0x1p-20)
                        + Math.abs(g[i]) / den * dNum * 1.01 + num * Math.scalb(1.0, -F - 4) * 1.01;
                worstUpdate = Math.max(worstUpdate, err / bound);
                worstUlps = Math.max(worstUlps, err / ULP);
                worstState = Math.max(worstState, Math.abs(ourMsg[i] * STATE_ULP - msg[i]) / dMsg);
                // msdx: rho of the old error, (1 - rho) of (u + e)^2 - u^2, one floor and the multipliers
                dMsdx[i] = rho * dMsdx[i] + (1 - rho) * (2 * Math.abs(expected[i]) + bound) * bound
                        + 2 * STATE_ULP + 1e-6 * Math.abs(msdx[i]);
                worstState = Math.max(worstState, Math.abs(ourMsdx[i] * STATE_ULP - msdx[i]) / dMsdx[i]);
                msdxOld[i] = msdx[i];
            }
        }
        return new double[] {worstUpdate, worstState, worstUlps};
    }

    @Test
    void matchesNd4jWithinTheBound() {
        for (AdaDelta u : new AdaDelta[] {new AdaDelta(), new AdaDelta(0.9, 1e-8), new AdaDelta(0.99, 1e-4)}) {
            double[] w = run(u, 8, 21, PlaintextRoots::new);
            System.out.printf("AdaDelta rho %s eps %s: worst error/bound update %.3f, state %.3f; max update error "
                    + "%.2f ulps%n", u.getRho(), u.getEpsilon(), w[0], w[1], w[2]);
            assertTrue(w[0] <= 1 && w[1] <= 1, u + ": " + java.util.Arrays.toString(w));
        }
    }

    @Test
    void withTheExactRootsToo() {
        double[] w = run(new AdaDelta(), 4, 22, PositiveRoots::exact);
        System.out.printf("AdaDelta (ExactRoots): worst error/bound update %.3f, state %.3f; max update error %.2f "
                + "ulps%n", w[0], w[1], w[2]);
        assertTrue(w[0] <= 1 && w[1] <= 1, java.util.Arrays.toString(w));
    }

    @Test
    void refusesWhatTheFixedPointUpdateCannotCarry() {
        String why = SecureUpdaters.whyUnsupported(new AdaDelta(0.9999999, 1e-6));
        assertTrue(why != null && why.contains("rho"), why);
        why = SecureUpdaters.whyUnsupported(new AdaDelta(0.95, 1e-12));
        assertTrue(why != null && why.contains("epsilon"), why);
        why = SecureUpdaters.whyUnsupported(new AdaDelta(), List.of(new WeightDecay(1e-3, true)));
        assertTrue(why != null && why.contains("applyLR"), why);
        assertTrue(SecureUpdaters.whyUnsupported(new AdaDelta(), List.of(new WeightDecay(1e-3, false))) == null);
        assertThrows(IllegalArgumentException.class, () -> SecureUpdaters.forShares(new AdaDelta(),
                List.of(new WeightDecay(1e-3, true)), 0, "layer0 W"));
    }
}
