package org.securetrain.layers.core;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.AdaptiveStep;
import org.securetrain.layermath.PositiveRoots;
import org.securetrain.layermath.SgdConfig;

/**
 * Maps the updater of the user's configuration onto the secure step (DESIGN.md 4.4): {@link Sgd} and {@link Nesterovs}
 * (DL4J's exact formulation, linear on shares) and the adaptive {@link Adam}, {@link Nadam}, {@link AMSGrad},
 * {@link AdaMax}, {@link AdaGrad}, {@link RmsProp}, {@link AdaDelta} (square roots and reciprocals of shares,
 * {@code AdaptiveUpdate}), with constant or scheduled ({@code ISchedule}: a public function of iteration and epoch)
 * learning rate and momentum. {@link NoOp} means the parameter is not trained. Regularisation: L1, L2 and weight decay
 * (DL4J's formulas and order).
 */
public final class SecureUpdaters {
    private SecureUpdaters() {
    }

    /** Null when {@code u} can be run securely, else why not. */
    public static String whyUnsupported(IUpdater u) {
        if (u == null) {
            return "no updater configured";
        }
        if (u.getClass() == Sgd.class) {
            Sgd s = (Sgd) u;
            return s.getLearningRateSchedule() != null || s.getLearningRate() > 0 ? null
                    : "Sgd learning rate must be positive, got " + s.getLearningRate();
        }
        if (u.getClass() == Nesterovs.class) {
            Nesterovs n = (Nesterovs) u;
            Map<Integer, Double> legacy = n.getMomentumSchedule();
            if (legacy != null && !legacy.isEmpty()) {
                return "Nesterovs' legacy momentum map is not supported (use a momentum ISchedule)";
            }
            if (n.getLearningRateSchedule() == null && !(n.getLearningRate() > 0)) {
                return "Nesterovs needs learning rate > 0, got " + n.getLearningRate();
            }
            if (n.getMomentumISchedule() == null && !(n.getMomentum() >= 0 && n.getMomentum() < 1)) {
                return "Nesterovs needs momentum in [0, 1), got " + n.getMomentum();
            }
            return null;
        }
        if (u.getClass() == NoOp.class) {
            return null;
        }
        AdaptiveStep.Rule rule = adaptiveRule(u);
        if (rule != null) {
            double[] h = hyperParameters(u);
            String why = AdaptiveStep.whyInvalid(rule, u.getLearningRate(0, 0), h[0], h[1], h[2]);
            return why == null ? null : u.getClass().getSimpleName() + ": " + why;
        }
        return "updater " + u.getClass().getSimpleName() + " is not supported: Sgd, Nesterovs, Adam, Nadam, AMSGrad, "
                + "AdaMax, AdaGrad, RmsProp, AdaDelta and NoOp run on shares";
    }

    /** Square root and reciprocal on shares for the adaptive updaters. */
    private static final Function<Backend, PositiveRoots> roots = PositiveRoots::exact;

    /** The adaptive rule of {@code u}, or null when it is not one of the adaptive updaters. */
    static AdaptiveStep.Rule adaptiveRule(IUpdater u) {
        Class<?> c = u.getClass();
        return c == Adam.class ? AdaptiveStep.Rule.ADAM : c == Nadam.class ? AdaptiveStep.Rule.NADAM
                : c == AMSGrad.class ? AdaptiveStep.Rule.AMSGRAD : c == AdaMax.class ? AdaptiveStep.Rule.ADAMAX
                : c == AdaGrad.class ? AdaptiveStep.Rule.ADAGRAD : c == RmsProp.class ? AdaptiveStep.Rule.RMSPROP
                : c == AdaDelta.class ? AdaptiveStep.Rule.ADADELTA : null;
    }

    /**
     * beta1, beta2 (RmsProp: its decay), epsilon of an adaptive updater, with libnd4j's replacement of a zero epsilon
     * by 1e-7 in Nadam, AMSGrad and AdaMax.
     */
    private static double[] hyperParameters(IUpdater u) {
        if (u instanceof Adam a) {
            return new double[] {a.getBeta1(), a.getBeta2(), a.getEpsilon()};
        }
        if (u instanceof Nadam a) {
            return new double[] {a.getBeta1(), a.getBeta2(), nonZero(a.getEpsilon())};
        }
        if (u instanceof AMSGrad a) {
            return new double[] {a.getBeta1(), a.getBeta2(), nonZero(a.getEpsilon())};
        }
        if (u instanceof AdaMax a) {
            return new double[] {a.getBeta1(), a.getBeta2(), nonZero(a.getEpsilon())};
        }
        if (u instanceof AdaGrad a) {
            return new double[] {0, 0, a.getEpsilon()};
        }
        if (u instanceof RmsProp a) {
            return new double[] {0, a.getRmsDecay(), a.getEpsilon()};
        }
        if (u instanceof AdaDelta a) {
            return new double[] {0, a.getRho(), a.getEpsilon()};
        }
        throw new IllegalArgumentException("not an adaptive updater: " + u);
    }

    private static double nonZero(double epsilon) {
        return epsilon == 0 ? 1e-7 : epsilon;
    }

    /** The public constants of an adaptive updater's step at {@code iteration} and {@code epoch}. */
    static AdaptiveStep adaptiveStepAt(IUpdater u, int iteration, int epoch, String where) {
        AdaptiveStep.Rule rule = adaptiveRule(u);
        double[] h = hyperParameters(u);
        try {
            return new AdaptiveStep(rule, u.getLearningRate(iteration, epoch), h[0], h[1], h[2], iteration);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " at iteration " + iteration + ", epoch " + epoch + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Null when updater {@code u} and regularisation {@code regs} of one parameter run together on shares, else why
     * not: weight decay with DL4J's applyLR multiplies by the learning rate, which AdaDelta does not have (DL4J's
     * NaN would make every parameter NaN).
     */
    public static String whyUnsupported(IUpdater u, List<Regularization> regs) {
        if (u instanceof AdaDelta && regs != null
                && regs.stream().anyMatch(r -> r instanceof WeightDecay w && w.isApplyLR())) {
            return "weight decay with applyLR multiplies by the learning rate, which AdaDelta does not have (use "
                    + "applyLR = false)";
        }
        return null;
    }

    /** Null when every regularisation in {@code regs} runs on shares (L1, L2, weight decay), else why not. */
    public static String whyUnsupported(List<Regularization> regs) {
        if (regs == null) {
            return null;
        }
        for (Regularization r : regs) {
            if (r.getClass() != L1Regularization.class && r.getClass() != L2Regularization.class
                    && r.getClass() != WeightDecay.class) {
                return "regularisation " + r.getClass().getSimpleName() + " is not supported (L1, L2, weight decay)";
            }
        }
        return null;
    }

    /**
     * The secure update for {@code u} with DL4J's regularisation {@code regs} of this parameter and element-wise
     * clipping at {@code clip} (0: none), or null for NoOp (parameter not trained).
     */
    public static ShareUpdater forShares(IUpdater u, List<Regularization> regs, double clip, String where) {
        String why = whyUnsupported(u);
        if (why == null) {
            why = whyUnsupported(regs);
        }
        if (why == null) {
            why = whyUnsupported(u, regs);
        }
        if (why != null) {
            throw new IllegalArgumentException(where + ": " + why);
        }
        if (u instanceof NoOp) {
            return null;
        }
        return adaptiveRule(u) != null ? new AdaptiveShareUpdater(u, regs, clip, roots, where)
                : new SgdShareUpdater(u, regs == null ? List.of() : List.copyOf(regs), clip, where);
    }

    /** An adaptive updater on the given roots (tests of the update's arithmetic). */
    static ShareUpdater adaptive(IUpdater u, List<Regularization> regs, double clip, Function<Backend, PositiveRoots> r,
            String where) {
        return new AdaptiveShareUpdater(u, regs, clip, r, where);
    }

    /** The secure update for {@code u} without regularisation or clipping, or null for NoOp. */
    public static ShareUpdater forShares(IUpdater u, String where) {
        return forShares(u, List.of(), 0, where);
    }

    /** The secure step for {@code u} at iteration 0 of epoch 0, or null for NoOp (parameter not trained). */
    public static SgdConfig toSgdConfig(IUpdater u, String where) {
        return sgdConfigAt(u, 0, 0, where);
    }

    /** The secure step for {@code u} at {@code iteration} and {@code epoch} (schedules evaluated), or null for NoOp. */
    public static SgdConfig sgdConfigAt(IUpdater u, int iteration, int epoch, String where) {
        String why = whyUnsupported(u);
        if (why != null) {
            throw new IllegalArgumentException(where + ": " + why);
        }
        try {
            if (u instanceof Sgd s) {
                return SgdConfig.sgd(s.getLearningRate(iteration, epoch));
            }
            if (u instanceof Nesterovs n) {
                return SgdConfig.nesterov(n.getLearningRate(iteration, epoch), n.currentMomentum(iteration, epoch));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " at iteration " + iteration + ", epoch " + epoch + ": "
                    + e.getMessage(), e);
        }
        return null;
    }
}
