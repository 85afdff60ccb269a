package org.securetrain.layers.core;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.securetrain.layermath.SgdConfig;

/**
 * Maps the updater of the user's configuration onto the secure SGD step (DESIGN.md 4.4). Only linear
 * updaters can run on shares without extra protocols: {@link Sgd} and {@link Nesterovs} (DL4J's exact
 * formulation), with constant or scheduled ({@code ISchedule}: a public function of iteration and epoch) learning
 * rate and momentum. {@link NoOp} means the parameter is not trained. Adam, RMSProp, AdaGrad etc. need square
 * roots and divisions of secret values: refused. Regularisation: L1, L2 and weight decay (DL4J's formulas and order).
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
        return "updater " + u.getClass().getSimpleName() + " is not supported: only Sgd, Nesterovs and NoOp are "
                + "linear and run on shares (Adam and similar need square roots and divisions of secret values)";
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
        if (why != null) {
            throw new IllegalArgumentException(where + ": " + why);
        }
        return u instanceof NoOp ? null : new SgdShareUpdater(u, regs == null ? List.of() : List.copyOf(regs), clip,
                where);
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
