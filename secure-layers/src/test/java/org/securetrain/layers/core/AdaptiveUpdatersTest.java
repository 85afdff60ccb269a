package org.securetrain.layers.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.RmsProp;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.layermath.AdaptiveStep;
import org.securetrain.layermath.AdaptiveUpdate;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.PositiveRoots;
import org.securetrain.ring.FixedPoint;

/**
 * The adaptive updaters' share arithmetic against ND4J's own updaters (double precision) applied to the same gradients,
 * per element over several steps, with the bound of docs/security/adaptive-updaters.md enforced on every update and
 * state element. Gradients: log-uniform over [1e-5, 3] and [1e-7, 1e-5] (the smallest, whose second moment has few
 * bits at the state scale) with random signs, and zeros. On the plaintext reference with the exact reference roots
 * ({@link PlaintextRoots}); the two-party tests run the same with the real functions.
 */
class AdaptiveUpdatersTest {
    static final int F = 24;
    static final FixedPoint FP = FixedPoint.of(F);
    static final int S = 2 * F + AdaptiveUpdate.STATE_GUARD_BITS;
    static final double ULP = Math.scalb(1.0, -F);
    static final double STATE_ULP = Math.scalb(1.0, -S);

    static final IUpdater[] UPDATERS = {new Adam(1e-3), new Nadam(1e-3), new AMSGrad(1e-3), new AdaMax(2e-3),
            new AdaGrad(0.05), new RmsProp(1e-3)};

    static double[] gradients(Random r, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            double mag = u < 0.1 ? 0 : u < 0.25 ? Math.pow(10, -7 + 2 * r.nextDouble())
                    : Math.pow(10, -5 + 5.4 * r.nextDouble());
            g[i] = r.nextBoolean() ? mag : -mag;
        }
        return g;
    }

    /** Worst ratio of error to bound over the run (updates, states): at most 1 when the bound holds. */
    record Worst(double update, double state, double updateUlps) {
    }

    static Worst run(IUpdater u, int steps, long seed, java.util.function.Function<Backend, PositiveRoots> roots) {
        Backend be = new InsecurePlaintextBackend(FP);
        Random r = new Random(seed);
        int n = 400;
        double[] w0 = new double[n];
        for (int i = 0; i < n; i++) {
            w0[i] = r.nextGaussian();
        }
        ParameterShare p = new ParameterShare("layer0.W", FP.encode(w0));
        ShareUpdater su = SecureUpdaters.adaptive(u, List.of(), 0, roots, "test");
        INDArray view = Nd4j.zeros(DataType.DOUBLE, 1, u.stateSize(n));
        GradientUpdater<?> gu = u.instantiate(view, true);
        AdaptiveStep.Rule rule = SecureUpdaters.adaptiveRule(u);
        double worstUpdate = 0;
        double worstState = 0;
        double worstUlps = 0;
        for (int step = 0; step < steps; step++) {
            AdaptiveStep st = SecureUpdaters.adaptiveStepAt(u, step, 0, "test");
            long[] gEnc = FP.encode(gradients(r, n));
            double[] g = FP.decode(gEnc);
            INDArray gd = Nd4j.create(g, new long[] {1, n}, DataType.DOUBLE);
            gu.applyUpdater(gd, step, 0);
            double[] expected = gd.toDoubleVector();
            Map<String, INDArray> state = gu.getState();
            long[] before = p.value().clone();
            p.setGradient(gEnc, 0);
            su.apply(be, p, 1, step, 0);
            int t = step + 1;
            for (int i = 0; i < n; i++) {
                double got = (before[i] - p.value()[i]) * ULP;
                double err = Math.abs(got - expected[i]);
                double bound = updateBound(rule, st, state, i, g[i], expected[i], t);
                worstUpdate = Math.max(worstUpdate, err / bound);
                final int ii = i;
                if (err > bound && System.getProperty("adaptive.debug") != null) {
                    System.out.println("step " + step + " i " + i + " got " + got + " nd4j " + expected[i] + " g " + g[i]
                            + " bound " + bound + " state " + state.keySet() + " " + state.values().stream()
                            .map(a -> a.getDouble(ii)).toList());
                }
                worstUlps = Math.max(worstUlps, err / ULP);
            }
            for (Map.Entry<String, INDArray> e : state.entrySet()) {
                long[] ours = su.state(p, e.getKey());
                double[] theirs = e.getValue().toDoubleVector();
                for (int i = 0; i < n; i++) {
                    double err = Math.abs(ours[i] * STATE_ULP - theirs[i]);
                    worstState = Math.max(worstState, err / stateBound(theirs[i], t));
                }
            }
        }
        return new Worst(worstUpdate, worstState, worstUlps);
    }

    /**
     * A state after t steps: one floor per step (at most t ulps of S, plus one for the eps of AdaGrad's and RmsProp's
     * initial value) and the multipliers' rounding (2^-30 absolute on each decay, below 10^-6 relative).
     */
    static double stateBound(double v, int t) {
        return (t + 1) * STATE_ULP + 1e-6 * Math.abs(v);
    }

    /**
     * The update alpha num / d (|sqrt(a) - sqrt(b)| &lt;= min(|a - b| / sqrt(a), sqrt(|a - b|))): two ulps of f (the final floor and DL4J's own rounding), the step size's and the
 * reciprocal's floors (2^-A and 2^-R) each times the other factor, the numerator's state
     * error over d, the denominator's error (state error through the root, the root's and eps' roundings) relative, and
     * 2^-20 relative for the constants (the step size's 22-bit mantissa, the multipliers).
     */
    static double updateBound(AdaptiveStep.Rule rule, AdaptiveStep st, Map<String, INDArray> state, int i, double g,
            double u, int t) {
        double alpha = st.alpha();
        double num;
        double second;
        double d;
        switch (rule) {
            case ADAM, AMSGRAD -> {
                num = Math.abs(state.get("M").getDouble(i));
                second = state.get(rule == AdaptiveStep.Rule.ADAM ? "V" : "V_HAT").getDouble(i);
                d = Math.sqrt(second) + st.epsilon();
            }
            case NADAM -> {
                num = Math.abs(st.beta1() * state.get("M").getDouble(i) + (1 - st.beta1()) * g);
                second = state.get("V").getDouble(i);
                d = Math.sqrt(second) + st.epsilon();
            }
            case ADAMAX -> {
                num = Math.abs(state.get("M").getDouble(i));
                second = -1;
                d = state.get("V").getDouble(i);
            }
            default -> {
                num = Math.abs(g);
                second = state.get(rule == AdaptiveStep.Rule.ADAGRAD ? "grad" : "G").getDouble(i);
                d = Math.sqrt(second) + st.epsilon();
            }
        }
        double dNum = rule == AdaptiveStep.Rule.ADAGRAD || rule == AdaptiveStep.Rule.RMSPROP ? 0
                : stateBound(num, t);
        double dSecond = stateBound(second, t);
        double dD = second < 0 ? dSecond
                : Math.min(dSecond / Math.sqrt(Math.max(second, 1e-300)), Math.sqrt(dSecond)) + 2 * STATE_ULP;
        if (d <= 0) {
            return 2 * ULP; // no gradient yet (AdaMax): ours is 0 too
        }
        // the floors of a = alpha num (2^-A) and of r = 1/d (2^-R, faithful), each times the other factor
        AdaptiveUpdate au = new AdaptiveUpdate(new InsecurePlaintextBackend(FP), new PlaintextRoots(
                new InsecurePlaintextBackend(FP)));
        double products = Math.scalb(1.0, -au.stepSizeBits(st)) / d
                + alpha * (num + dNum) * Math.scalb(1.0, -au.reciprocalBits(st));
        // ours divides by d' >= d - dD (and >= eps: the root is never negative)
        double dLow = Math.max(d - dD, second < 0 ? STATE_ULP : st.epsilon());
        return 2 * ULP + products + alpha * dNum / dLow + Math.abs(u) * (dD / dLow + Math.scalb(1.0, -20));
    }

    @Test
    void everyUpdaterMatchesNd4jWithinTheBound() {
        for (IUpdater u : UPDATERS) {
            Worst w = run(u, 6, 11, PlaintextRoots::new);
            System.out.printf("%s: worst error/bound update %.3f, state %.3f; max update error %.2f ulps%n",
                    u.getClass().getSimpleName(), w.update(), w.state(), w.updateUlps());
            assertTrue(w.update() <= 1 && w.state() <= 1, u + ": " + w);
        }
    }

    /** The same with the exact two-party functions ({@code ExactRoots}) run on the reference. */
    @Test
    void withTheExactRootsToo() {
        for (IUpdater u : UPDATERS) {
            Worst w = run(u, 3, 12, PositiveRoots::exact);
            System.out.printf("%s (ExactRoots): worst error/bound update %.3f, state %.3f; max update error %.2f ulps%n",
                    u.getClass().getSimpleName(), w.update(), w.state(), w.updateUlps());
            assertTrue(w.update() <= 1 && w.state() <= 1, u + ": " + w);
        }
    }
}
