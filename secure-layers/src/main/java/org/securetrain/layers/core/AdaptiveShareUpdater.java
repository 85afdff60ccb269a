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
import org.securetrain.ring.RingMatrix;

/**
 * DL4J's {@code Adam}, {@code Nadam}, {@code AMSGrad}, {@code AdaMax}, {@code AdaGrad} and {@code RmsProp} on shares
 * ({@link AdaptiveUpdate}) between DL4J's regularisation terms: g/B, clipping, L1/L2 before the updater, weight decay
 * after. Its state (DL4J's names: "M", "V", "V_HAT", "grad", "G") is this party's share at scale 2f, exported and
 * checkpointed like the parameter. Learning rate schedules are evaluated at each step's iteration and epoch.
 */
final class AdaptiveShareUpdater extends RegularizedShareUpdater {
    private final AdaptiveStep.Rule rule;
    private final Function<Backend, PositiveRoots> roots;

    AdaptiveShareUpdater(IUpdater updater, List<Regularization> regs, double clip,
            Function<Backend, PositiveRoots> roots, String where) {
        super(updater, regs, clip, where);
        this.rule = SecureUpdaters.adaptiveRule(updater);
        this.roots = roots;
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
        updateTogether(be, List.of(this), List.of(p), batch, iteration, epoch);
    }

    /** The public constants of a step and the roots it takes: parameters with equal ones are updated in one call. */
    private record Step(AdaptiveStep step, int batch, Function<Backend, PositiveRoots> roots) {
    }

    @Override
    public Object groupKey(int batch, int iteration, int epoch) {
        return new Step(stepAt(iteration, epoch), batch, roots);
    }

    @Override
    public void applyTogether(Backend be, List<ShareUpdater> us, List<ParameterShare> ps, int batch, int iteration,
            int epoch) {
        Object key = groupKey(batch, iteration, epoch);
        List<AdaptiveShareUpdater> mine = new java.util.ArrayList<>(us.size());
        for (ShareUpdater u : us) {
            if (!key.equals(u.groupKey(batch, iteration, epoch))) {
                throw new IllegalArgumentException(where + ": a parameter updated with it has another step");
            }
            mine.add((AdaptiveShareUpdater) u);
        }
        updateTogether(be, mine, ps, batch, iteration, epoch);
    }

    /** The public constants of this parameter's step: parameters with equal steps can be updated in one call. */
    AdaptiveStep stepAt(int iteration, int epoch) {
        return SecureUpdaters.adaptiveStepAt(updater, iteration, epoch, where);
    }

    /**
     * One step of several parameters whose updaters have the same {@link #stepAt} (e.g. a network's weights and biases):
     * each gradient prepared with its own regularisation, then one batched update of all elements (one call per
     * protocol instead of one per parameter), then each parameter's own weight decay.
     */
    static void updateTogether(Backend be, List<AdaptiveShareUpdater> us, List<ParameterShare> ps, int batch,
            int iteration, int epoch) {
        AdaptiveShareUpdater first = us.get(0);
        AdaptiveStep st = first.stepAt(iteration, epoch);
        List<String> names = first.rule.stateNames();
        long[][] state = new long[names.size()][];
        // every product gradient floored exactly to scale f in one call, not one per parameter (an exact 0 stays 0:
        // ParameterShare.preparedGradient says why)
        ParameterShare.truncateGradients(be, ps, true, ps.get(0).updateId().child("grads"));
        GradientTerms[] terms = new GradientTerms[ps.size()];
        long[][] gradients = new long[ps.size()][];
        for (int j = 0; j < ps.size(); j++) {
            AdaptiveShareUpdater u = us.get(j);
            if (!u.stepAt(iteration, epoch).equals(st)) {
                throw new IllegalArgumentException(u.where + ": step differs from " + first.where + "'s");
            }
            ParameterShare p = ps.get(j);
            terms[j] = u.terms.at(iteration, epoch, st.learningRate());
            gradients[j] = p.preparedGradient(be, batch, terms[j]);
        }
        long[] g = RingMatrix.concat(gradients);
        boolean any = false;
        for (int k = 0; k < state.length; k++) {
            any |= ps.get(0).state(names.get(k)) != null;
        }
        for (int k = 0; k < state.length && any; k++) {
            long[][] parts = new long[ps.size()][];
            for (int j = 0; j < parts.length; j++) {
                parts[j] = ps.get(j).state(names.get(k));
                if (parts[j] == null) {
                    throw new IllegalStateException(ps.get(j).name() + ": state " + names.get(k) + " is missing");
                }
            }
            state[k] = RingMatrix.concat(parts);
        }
        long[] update = new AdaptiveUpdate(be, first.roots.apply(be)).step(st, g, state,
                ps.get(0).updateId().child(first.rule.name().toLowerCase(java.util.Locale.ROOT)));
        long[][] values = ps.stream().map(ParameterShare::value).toArray(long[][]::new);
        long[][] updates = RingMatrix.split(update, values);
        for (int k = 0; k < state.length; k++) {
            long[][] newState = RingMatrix.split(state[k], values);
            for (int j = 0; j < ps.size(); j++) {
                ps.get(j).setState(names.get(k), newState[j]);
            }
        }
        for (int j = 0; j < ps.size(); j++) {
            ps.get(j).applyUpdate(be, updates[j], terms[j]);
        }
    }
}
