package org.securetrain.layers.core;

import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.layermath.SgdConfig;

/**
 * Maps the updater of the user's configuration onto the secure SGD step (DESIGN.md 4.4). Only linear
 * updaters can run on shares without extra protocols: {@link Sgd} and {@link Nesterovs} (DL4J's exact
 * formulation), with constant learning rate and momentum. {@link NoOp} means the parameter is not trained.
 * Adam, RMSProp, AdaGrad etc. need square roots and divisions of secret values: refused.
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
            if (s.getLearningRateSchedule() != null) {
                return "learning-rate schedules are not supported yet (Sgd with " + s.getLearningRateSchedule() + ")";
            }
            return s.getLearningRate() > 0 ? null : "Sgd learning rate must be positive, got " + s.getLearningRate();
        }
        if (u.getClass() == Nesterovs.class) {
            Nesterovs n = (Nesterovs) u;
            if (n.getLearningRateSchedule() != null || n.getMomentumISchedule() != null
                    || (n.getMomentumSchedule() != null && !n.getMomentumSchedule().isEmpty())) {
                return "learning-rate and momentum schedules are not supported yet (Nesterovs)";
            }
            if (!(n.getLearningRate() > 0) || !(n.getMomentum() >= 0 && n.getMomentum() < 1)) {
                return "Nesterovs needs learning rate > 0 and momentum in [0, 1), got " + n.getLearningRate() + ", "
                        + n.getMomentum();
            }
            return null;
        }
        if (u.getClass() == NoOp.class) {
            return null;
        }
        return "updater " + u.getClass().getSimpleName() + " is not supported: only Sgd, Nesterovs and NoOp are "
                + "linear and run on shares (Adam and similar need square roots and divisions of secret values)";
    }

    /** The secure update for {@code u}, or null for NoOp (parameter not trained). */
    public static ShareUpdater forShares(IUpdater u, String where) {
        SgdConfig c = toSgdConfig(u, where);
        return c == null ? null : new SgdShareUpdater(c);
    }

    /** The secure step for {@code u}, or null for NoOp (parameter not trained). */
    public static SgdConfig toSgdConfig(IUpdater u, String where) {
        String why = whyUnsupported(u);
        if (why != null) {
            throw new IllegalArgumentException(where + ": " + why);
        }
        if (u instanceof Sgd s) {
            return SgdConfig.sgd(s.getLearningRate());
        }
        if (u instanceof Nesterovs n) {
            return SgdConfig.nesterov(n.getLearningRate(), n.getMomentum());
        }
        return null;
    }
}
