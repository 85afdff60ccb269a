package org.securetrain.layers.core;

import java.util.List;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.GradientTerms;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.SgdConfig;

/**
 * DL4J's {@code Sgd} and {@code Nesterovs} on shares ({@link ParameterShare#applySgd}) with DL4J's regularisation and
 * element-wise clipping; learning rate, momentum and coefficients evaluated at each step's iteration and epoch.
 * State: Nesterov's velocity.
 */
final class SgdShareUpdater implements ShareUpdater {
    static final String VELOCITY = "velocity";

    private final IUpdater updater;
    private final List<Regularization> regs;
    private final double clip;
    private final String where;
    private final boolean momentum;

    SgdShareUpdater(IUpdater updater, List<Regularization> regs, double clip, String where) {
        this.updater = updater;
        this.regs = regs;
        this.clip = clip;
        this.where = where;
        this.momentum = SecureUpdaters.sgdConfigAt(updater, 0, 0, where).momentum() != 0
                || updater instanceof org.nd4j.linalg.learning.config.Nesterovs n && n.getMomentumISchedule() != null;
    }

    @Override
    public List<String> stateNames() {
        return momentum ? List.of(VELOCITY) : List.of();
    }

    @Override
    public long[] state(ParameterShare p, String stateName) {
        return p.velocity();
    }

    @Override
    public void restoreState(ParameterShare p, String stateName, long[] value) {
        p.setVelocity(value == null ? null : value.clone());
    }

    @Override
    public void apply(Backend be, ParameterShare p, int batch, int iteration, int epoch) {
        SgdConfig c = SecureUpdaters.sgdConfigAt(updater, iteration, epoch, where);
        double l2 = 0;
        double l1 = 0;
        double decay = 0;
        for (Regularization r : regs) {
            if (r instanceof L2Regularization l) {
                l2 += l.getL2().valueAt(iteration, epoch);
            } else if (r instanceof L1Regularization l) {
                l1 += l.getL1().valueAt(iteration, epoch);
            } else if (r instanceof WeightDecay w) {
                decay += w.getCoeff().valueAt(iteration, epoch) * (w.isApplyLR() ? c.learningRate() : 1);
            }
        }
        p.applySgd(be, c, batch, new GradientTerms(clip, l2, l1, decay));
    }

    @Override
    public boolean regularized() {
        return !regs.isEmpty();
    }

    /** DL4J's score terms: 0.5 * coeff * sum w^2 for L2 and weight decay, coeff * sum |w| for L1. */
    @Override
    public long regularizationScore(Backend be, ParameterShare p, int iteration, int epoch, boolean beforeUpdate) {
        double l2Half = 0;
        double l1 = 0;
        for (Regularization r : regs) {
            if (r instanceof L2Regularization l) {
                l2Half += 0.5 * l.getL2().valueAt(iteration, epoch);
            } else if (r instanceof WeightDecay w) {
                l2Half += 0.5 * w.getCoeff().valueAt(iteration, epoch);
            } else if (r instanceof L1Regularization l) {
                l1 += l.getL1().valueAt(iteration, epoch);
            }
        }
        return p.regularizationScore(be, l2Half, l1, beforeUpdate);
    }

    @Override
    public String toString() {
        return updater + (regs.isEmpty() ? "" : " " + regs) + (clip > 0 ? " clip " + clip : "");
    }
}
