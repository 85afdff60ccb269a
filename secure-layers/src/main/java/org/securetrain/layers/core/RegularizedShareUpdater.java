package org.securetrain.layers.core;

import java.util.List;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.ParameterShare;

/**
 * What the SGD and the adaptive share updaters have in common: the user's DL4J updater, DL4J's regularisation and
 * clipping of the parameter ({@link Regularizations}), and where it applies (for error messages and protocol ids).
 */
abstract class RegularizedShareUpdater implements ShareUpdater {
    final IUpdater updater;
    final Regularizations terms;
    final String where;

    RegularizedShareUpdater(IUpdater updater, List<Regularization> regs, double clip, String where) {
        this.updater = updater;
        this.terms = new Regularizations(regs, clip);
        this.where = where;
    }

    @Override
    public boolean regularized() {
        return terms.any();
    }

    @Override
    public long regularizationScore(Backend be, ParameterShare p, int iteration, int epoch, boolean beforeUpdate) {
        return terms.score(be, p, iteration, epoch, beforeUpdate);
    }

    @Override
    public String toString() {
        return updater + terms.toString();
    }
}
