package org.securetrain.layers.core;

import java.util.List;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.ParameterShare;

/**
 * The secure update of one parameter tensor from the gradient its layer's backward stored on it, with the
 * optimiser state it keeps (e.g. Nesterov's velocity, Adam's m and v). The state is this party's
 * share like the parameter: exported and checkpointed as {@code "<key>.<state name>"}, never revealed.
 */
public interface ShareUpdater {

    /** The names of the state arrays this updater keeps per parameter, in export order (may be empty). */
    List<String> stateNames();

    /** The state array {@code stateName} of {@code p}, or null while there is none (e.g. before the first step). */
    long[] state(ParameterShare p, String stateName);

    /** Restores (a copy of) a state array of {@code p}; null clears it. */
    void restoreState(ParameterShare p, String stateName, long[] value);

    /**
     * Updates {@code p} in place with its stored gradient, a batch sum (the step divides by {@code batch}, as
     * DL4J's updater does: 1 with {@code miniBatch(false)}), with schedules evaluated at {@code iteration} and
     * {@code epoch}. Both parties call it at the same point; its protocol ids derive from the parameter's name
     * (e.g. {@code layer0.dense.W.sgd}).
     */
    void apply(Backend be, ParameterShare p, int batch, int iteration, int epoch);

    /**
     * Parameters whose updaters give equal non-null keys for a step (the same kind of updater with the same public
     * constants at this iteration, epoch and batch) are updated by one {@link #applyTogether} call; null: alone.
     */
    default Object groupKey(int batch, int iteration, int epoch) {
        return null;
    }

    /**
     * {@link #apply} of several parameters at once, called on the first of their updaters {@code us} (all with this
     * one's {@link #groupKey}): one call per protocol for all of their elements instead of one per parameter, the
     * same result. By default one after the other.
     */
    default void applyTogether(Backend be, List<ShareUpdater> us, List<ParameterShare> ps, int batch, int iteration,
            int epoch) {
        for (int i = 0; i < ps.size(); i++) {
            us.get(i).apply(be, ps.get(i), batch, iteration, epoch);
        }
    }

    /** Whether the parameter has a regularisation term (L1, L2, weight decay). */
    default boolean regularized() {
        return false;
    }

    /**
     * This party's share (scale 2f) of the parameter's regularisation score at its current value (DL4J's
     * {@code Regularization.score}); {@code beforeUpdate}: the update of the same step follows at once.
     */
    default long regularizationScore(Backend be, ParameterShare p, int iteration, int epoch, boolean beforeUpdate) {
        return 0;
    }
}
