package org.securetrain.layers.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.L2GradientNormalizer;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.PositiveRoots;
import org.securetrain.ring.FixedPoint;
import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * This party's shares of one layer's parameter tensors, by DL4J parameter key, each with the updater that
 * trains it (none for NoOp or a parameter the op maintains itself). The shares are the op's live ones: the
 * update here changes what the op computes with. Layout of each: C order of DL4J's parameter shape.
 */
final class LayerShares {
    private final String name;
    private final ProtocolId id;
    private final Map<String, ParameterShare> params;
    private final Map<String, ShareUpdater> updaters; // absent key: not trained by an updater
    private final SecureOp op; // DL4J's parameterisation of what the op keeps (SecureOp#toDl4j)
    private final LayerGradientNormalization normalization; // null: none, or element-wise (in the updaters)

    LayerShares(String name, Map<String, ParameterShare> params, Map<String, ShareUpdater> updaters, SecureOp op,
            LayerGradientNormalization normalization) {
        this.name = name;
        this.id = ProtocolId.parse(name);
        this.params = params;
        this.updaters = updaters;
        this.op = op;
        this.normalization = normalization;
    }

    /**
     * This party's initial share of a DL4J-initialised parameter (its values in the op's parameterisation,
     * {@link SecureOp#fromDl4j}): (W, 0), W at the model owner.
     */
    static long[] initialShare(double[] plain, Backend be) {
        if (!be.actsFor(0)) {
            return new long[plain.length];
        }
        return be.fixedPoint().encode(plain);
    }

    /** One optimiser step on every trained parameter, with the gradients the op's backward stored, now. */
    void update(Backend be, int batch, int iteration, int epoch) {
        StepUpdates now = new StepUpdates();
        queueUpdate(be, now, batch, iteration, epoch);
        now.run(be);
    }

    /**
     * Queues the optimiser step of every trained parameter into {@code steps}, to run with other layers' steps; DL4J's
     * L2 gradient normalisation of this layer, which needs only its own gradients, runs now.
     */
    void queueUpdate(Backend be, StepUpdates steps, int batch, int iteration, int epoch) {
        if (normalization != null) {
            normalize(be, batch);
        }
        for (Map.Entry<String, ParameterShare> e : params.entrySet()) {
            ShareUpdater u = updaters.get(e.getKey());
            if (u != null) {
                steps.add(u, e.getValue(), batch, iteration, epoch);
            }
        }
    }

    /**
     * DL4J's L2 gradient normalisation ({@code BaseMultiLayerUpdater.preApply}): after the division by the batch, before
     * L1/L2 and the updater, over the layer's whole trained gradient or per parameter type, all groups in one call.
     */
    private void normalize(Backend be, int batch) {
        java.util.List<ParameterShare> trained = new java.util.ArrayList<>();
        java.util.List<Boolean> adaptive = new java.util.ArrayList<>();
        for (Map.Entry<String, ParameterShare> e : params.entrySet()) {
            ShareUpdater u = updaters.get(e.getKey());
            if (u != null) {
                trained.add(e.getValue());
                adaptive.add(u instanceof AdaptiveShareUpdater);
            }
        }
        if (trained.isEmpty()) {
            return;
        }
        long[][] g = new long[trained.size()][];
        for (int j = 0; j < g.length; j++) {
            // exact floors ahead of an adaptive updater, as in its own gradient preparation (an exact 0 stays 0)
            g[j] = trained.get(j).perExampleGradient(be, batch, adaptive.get(j));
        }
        long[][] groups = normalization.perLayer() ? new long[][] {RingMatrix.concat(g)} : g;
        long[][] y = new L2GradientNormalizer(be, PositiveRoots.exact(be)).apply(normalization.normalization(), groups,
                id.child("l2norm"));
        long[][] normalized = normalization.perLayer() ? RingMatrix.split(y[0], g) : y;
        for (int j = 0; j < g.length; j++) {
            trained.get(j).setNormalizedGradient(normalized[j]);
        }
    }

    /** Whether any parameter has a regularisation term. */
    boolean regularized() {
        return updaters.values().stream().anyMatch(ShareUpdater::regularized);
    }

    /** This party's share (scale 2f) of the layer's regularisation score: the sum over its parameters. */
    long regularizationShare(Backend be, int iteration, int epoch, boolean beforeUpdate) {
        long total = 0;
        for (Map.Entry<String, ParameterShare> e : params.entrySet()) {
            ShareUpdater u = updaters.get(e.getKey());
            if (u != null && u.regularized()) {
                total += u.regularizationScore(be, e.getValue(), iteration, epoch, beforeUpdate);
            }
        }
        return total;
    }

    /** Copies of the values and the optimiser state, keyed "W", "W.velocity", "b", ... */
    Map<String, long[]> export() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterShare> e : params.entrySet()) {
            m.put(e.getKey(), e.getValue().value().clone());
            ShareUpdater u = updaters.get(e.getKey());
            for (String s : u == null ? List.<String>of() : u.stateNames()) {
                long[] v = u.state(e.getValue(), s);
                if (v != null) {
                    m.put(e.getKey() + "." + s, v.clone());
                }
            }
        }
        return m;
    }

    /** Installs what {@link #export()} gave at an identically configured layer. */
    void importFrom(Map<String, long[]> m) {
        Map<String, long[]> left = new LinkedHashMap<>(m);
        for (Map.Entry<String, ParameterShare> e : params.entrySet()) {
            install(e.getValue(), left.remove(e.getKey()), e.getKey());
            ShareUpdater u = updaters.get(e.getKey());
            for (String s : u == null ? List.<String>of() : u.stateNames()) {
                u.restoreState(e.getValue(), s, left.remove(e.getKey() + "." + s));
            }
        }
        if (!left.isEmpty()) {
            throw new IllegalArgumentException(name + ": unexpected share entry '" + left.keySet().iterator().next()
                    + "'");
        }
    }

    private void install(ParameterShare p, long[] v, String key) {
        if (v == null) {
            throw new IllegalArgumentException(name + ": share '" + key + "' is missing");
        }
        if (v.length != p.value().length) {
            throw new IllegalArgumentException(name + ": share '" + key + "' has " + v.length + " elements, layer has "
                    + p.value().length);
        }
        System.arraycopy(v, 0, p.value(), 0, v.length);
    }

    /** Plaintext parameters (unmodifiable) at {@code receiver}, null at the other party; both parties must call it. */
    Map<String, double[]> reveal(Backend be, int receiver) {
        Map<String, long[]> opened = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterShare> e : params.entrySet()) {
            opened.put(e.getKey(), be.revealTo(receiver, e.getValue().value(), id.child(e.getKey(), "reveal")));
        }
        if (!be.actsFor(receiver)) {
            return null;
        }
        FixedPoint fp = be.fixedPoint();
        Map<String, double[]> m = new LinkedHashMap<>();
        opened.forEach((k, v) -> m.put(k, op.toDl4j(k, fp.decode(v))));
        return Collections.unmodifiableMap(m);
    }

    /**
     * INSECURE debug monitor: reveals the parameters to both parties and writes them into DL4J's parameter
     * views. Without the debug flag the views are kept at zero.
     */
    void writeMonitor(Map<String, INDArray> views, Backend be) {
        Map<String, double[]> at0 = reveal(be, 0);
        Map<String, double[]> at1 = reveal(be, 1);
        Map<String, double[]> mine = at0 != null ? at0 : at1;
        for (Map.Entry<String, double[]> e : mine.entrySet()) {
            INDArray view = views.get(e.getKey());
            view.assign(Nd4j.create(e.getValue(), view.shape(), 'c').castTo(view.dataType()));
        }
    }
}
