package org.securetrain.layers.core;

import java.util.List;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.GradientTerms;
import org.securetrain.layermath.ParameterShare;

/**
 * One parameter's DL4J regularisation (L1, L2, weight decay) and element-wise clipping, evaluated at a step: the
 * gradient terms every secure updater applies around its optimiser, and DL4J's score terms.
 */
record Regularizations(List<Regularization> regs, double clip) {

    Regularizations {
        regs = regs == null ? List.of() : List.copyOf(regs);
    }

    /** The terms at {@code iteration}, {@code epoch}; lr: the updater's learning rate there (weight decay's applyLR). */
    GradientTerms at(int iteration, int epoch, double lr) {
        double l2 = 0;
        double l1 = 0;
        double decay = 0;
        for (Regularization r : regs) {
            if (r instanceof L2Regularization l) {
                l2 += l.getL2().valueAt(iteration, epoch);
            } else if (r instanceof L1Regularization l) {
                l1 += l.getL1().valueAt(iteration, epoch);
            } else if (r instanceof WeightDecay w) {
                decay += w.getCoeff().valueAt(iteration, epoch) * (w.isApplyLR() ? lr : 1);
            }
        }
        return new GradientTerms(clip, l2, l1, decay);
    }

    boolean any() {
        return !regs.isEmpty();
    }

    /** DL4J's score terms: 0.5 * coeff * sum w^2 for L2 and weight decay, coeff * sum |w| for L1. */
    long score(Backend be, ParameterShare p, int iteration, int epoch, boolean beforeUpdate) {
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
        return (regs.isEmpty() ? "" : " " + regs) + (clip > 0 ? " clip " + clip : "");
    }
}
