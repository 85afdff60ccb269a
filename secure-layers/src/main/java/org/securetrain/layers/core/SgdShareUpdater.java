package org.securetrain.layers.core;

import java.util.List;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.GradientTerms;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.SgdConfig;

/**
 * DL4J's {@code Sgd} and {@code Nesterovs} on shares ({@link ParameterShare#applySgd}) with DL4J's regularisation and
 * element-wise clipping; learning rate, momentum and coefficients evaluated at each step's iteration and epoch.
 * State: Nesterov's velocity.
 */
final class SgdShareUpdater extends RegularizedShareUpdater {
    static final String VELOCITY = "velocity";

    private final boolean momentum;

    SgdShareUpdater(IUpdater updater, List<Regularization> regs, double clip, String where) {
        super(updater, regs, clip, where);
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
        p.applySgd(be, c, batch, terms.at(iteration, epoch, c.learningRate()));
    }

    /** The public constants of a step: parameters with equal ones are updated as one tensor. */
    private record Step(SgdConfig config, GradientTerms terms, int batch) {
    }

    @Override
    public Object groupKey(int batch, int iteration, int epoch) {
        SgdConfig c = SecureUpdaters.sgdConfigAt(updater, iteration, epoch, where);
        return new Step(c, terms.at(iteration, epoch, c.learningRate()), batch);
    }

    /** One {@link ParameterShare#applySgdTogether} for all of {@code ps} (their updaters share this one's step). */
    @Override
    public void applyTogether(Backend be, List<ShareUpdater> us, List<ParameterShare> ps, int batch, int iteration,
            int epoch) {
        Step st = (Step) groupKey(batch, iteration, epoch);
        for (ShareUpdater u : us) {
            if (!st.equals(u.groupKey(batch, iteration, epoch))) {
                throw new IllegalArgumentException(where + ": a parameter updated with it has another step");
            }
        }
        ParameterShare.applySgdTogether(be, st.config(), batch, st.terms(), ps, ps.get(0).updateId().child("all"));
    }
}
