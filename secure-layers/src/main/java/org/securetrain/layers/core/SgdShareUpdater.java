package org.securetrain.layers.core;

import java.util.List;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.SgdConfig;

/** DL4J's {@code Sgd} and {@code Nesterovs} on shares ({@link ParameterShare#applySgd}); state: Nesterov's velocity. */
final class SgdShareUpdater implements ShareUpdater {
    static final String VELOCITY = "velocity";

    private final SgdConfig config;

    SgdShareUpdater(SgdConfig config) {
        this.config = config;
    }

    @Override
    public List<String> stateNames() {
        return config.momentum() == 0 ? List.of() : List.of(VELOCITY);
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
    public void apply(Backend be, ParameterShare p, int batch) {
        p.applySgd(be, config, batch);
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
