package org.securetrain.layers.core;

import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.AdaptiveStep;
import org.securetrain.layermath.AdaptiveUpdate;
import org.securetrain.layermath.GradientTerms;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.PositiveRoots;

/**
 * DL4J's {@code Adam}, {@code Nadam}, {@code AMSGrad}, {@code AdaMax}, {@code AdaGrad} and {@code RmsProp} on shares
 * ({@link AdaptiveUpdate}) between DL4J's regularisation terms: g/B, clipping, L1/L2 before the updater, weight decay
 * after. Its state (DL4J's names: "M", "V", "V_HAT", "grad", "G") is this party's share at scale 2f, exported and
 * checkpointed like the parameter. Learning rate schedules are evaluated at each step's iteration and epoch.
 */
final class AdaptiveShareUpdater implements ShareUpdater {
    private final IUpdater updater;
    private final AdaptiveStep.Rule rule;
    private final Regularizations terms;
    private final Function<Backend, PositiveRoots> roots;
    private final String where;

    AdaptiveShareUpdater(IUpdater updater, List<Regularization> regs, double clip,
            Function<Backend, PositiveRoots> roots, String where) {
        this.updater = updater;
        this.rule = SecureUpdaters.adaptiveRule(updater);
        this.terms = new Regularizations(regs, clip);
        this.roots = roots;
        this.where = where;
        SecureUpdaters.adaptiveStepAt(updater, 0, 0, where); // validates now, not at the first step
    }

    @Override
    public List<String> stateNames() {
        return rule.stateNames();
    }

    @Override
    public long[] state(ParameterShare p, String stateName) {
        return p.state(stateName);
    }

    @Override
    public void restoreState(ParameterShare p, String stateName, long[] value) {
        p.setState(stateName, value == null ? null : value.clone());
    }

    @Override
    public void apply(Backend be, ParameterShare p, int batch, int iteration, int epoch) {
        AdaptiveStep st = SecureUpdaters.adaptiveStepAt(updater, iteration, epoch, where);
        GradientTerms t = terms.at(iteration, epoch, st.learningRate());
        long[] g = p.preparedGradient(be, batch, t);
        List<String> names = rule.stateNames();
        long[][] state = new long[names.size()][];
        for (int k = 0; k < state.length; k++) {
            state[k] = p.state(names.get(k));
        }
        long[] update = new AdaptiveUpdate(be, roots.apply(be)).step(st, g, state,
                p.updateId().child(rule.name().toLowerCase(java.util.Locale.ROOT)));
        for (int k = 0; k < state.length; k++) {
            p.setState(names.get(k), state[k]);
        }
        p.applyUpdate(be, update, t);
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
