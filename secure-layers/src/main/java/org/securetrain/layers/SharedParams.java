package org.securetrain.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * The weight and bias shares of one secure layer (owned by its kernel) tied to DL4J's parameter keys,
 * with the SGD configuration derived from the layer's original updaters. The kernels' parameter layout is
 * the C order of DL4J's logical parameter shape (dense W [nIn, nOut], conv W [nOut, nIn, kH, kW], b [nOut]).
 */
final class SharedParams {
    static final String W = "W";
    static final String B = "b";

    private final String name;
    private final ParameterShare weights;
    private final ParameterShare bias;
    private final boolean hasBias;
    private final SgdConfig weightStep;
    private final SgdConfig biasStep;

    SharedParams(String name, ParameterShare weights, ParameterShare bias, boolean hasBias, SgdConfig weightStep,
            SgdConfig biasStep) {
        this.name = name;
        this.weights = weights;
        this.bias = bias;
        this.hasBias = hasBias;
        this.weightStep = weightStep;
        this.biasStep = biasStep;
    }

    /** This party's initial share of a DL4J-initialised parameter: (W, 0), W at the model owner. */
    static long[] initialShare(INDArray param, Backend be) {
        double[] plain = Shares.toDoubles(param);
        if (!be.actsFor(0)) {
            return new long[plain.length];
        }
        return be.fixedPoint().encode(plain);
    }

    /** Initial bias share; a layer without bias gets a zero share that is never updated. */
    static long[] initialBias(Map<String, INDArray> params, boolean hasBias, int nOut, Backend be) {
        return hasBias ? initialShare(params.get(B), be) : new long[nOut];
    }

    /**
     * One SGD step with the gradients the kernel's backward stored (DL4J's convention: batch sums, divided by
     * the batch size inside the step as DL4J's updater does).
     */
    void applySgd(Backend be, int batch) {
        if (weightStep != null) {
            weights.applySgd(be, weightStep, batch);
        }
        if (hasBias && biasStep != null) {
            bias.applySgd(be, biasStep, batch);
        }
    }

    Map<String, long[]> export() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(W, weights.value().clone());
        if (weights.velocity() != null) {
            m.put(W + ".velocity", weights.velocity().clone());
        }
        if (hasBias) {
            m.put(B, bias.value().clone());
            if (bias.velocity() != null) {
                m.put(B + ".velocity", bias.velocity().clone());
            }
        }
        return m;
    }

    void importFrom(Map<String, long[]> m) {
        for (String k : m.keySet()) {
            if (!k.equals(W) && !k.equals(W + ".velocity") && !(hasBias && (k.equals(B) || k.equals(B + ".velocity")))) {
                throw new IllegalArgumentException(name + ": unexpected share entry '" + k + "'");
            }
        }
        install(weights, m.get(W), W);
        weights.setVelocity(copyOrNull(m.get(W + ".velocity")));
        if (hasBias) {
            install(bias, m.get(B), B);
            bias.setVelocity(copyOrNull(m.get(B + ".velocity")));
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

    private static long[] copyOrNull(long[] v) {
        return v == null ? null : v.clone();
    }

    /**
     * The step at the end of a layer's backward: SGD on the shares, then, only in the explicit insecure
     * debug mode, the monitor refresh.
     */
    void applySgdAndMonitor(Backend be, int batch, SecureLayerContext ctx, Map<String, INDArray> paramTable) {
        applySgd(be, batch);
        if (ctx.debugRevealWeights()) {
            writeMonitor(paramTable, be);
        }
    }

    /** Plaintext parameters (unmodifiable) at {@code receiver}, null at the other party; both parties must call it. */
    Map<String, double[]> reveal(Backend be, int receiver) {
        FixedPoint fp = be.fixedPoint();
        long[] w = be.revealTo(receiver, weights.value(), ProtocolId.parse(name).child("W", "reveal"));
        long[] b = hasBias ? be.revealTo(receiver, bias.value(), ProtocolId.parse(name).child("b", "reveal")) : null;
        if (!be.actsFor(receiver)) {
            return null;
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put(W, fp.decode(w));
        if (hasBias) {
            m.put(B, fp.decode(b));
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * INSECURE debug monitor: reveals W and b to both parties and writes them into DL4J's parameter views.
     * Without the debug flag the views are kept at zero.
     */
    void writeMonitor(Map<String, INDArray> paramTable, Backend be) {
        Map<String, double[]> at0 = reveal(be, 0);
        Map<String, double[]> at1 = reveal(be, 1);
        Map<String, double[]> mine = at0 != null ? at0 : at1;
        for (Map.Entry<String, double[]> e : mine.entrySet()) {
            INDArray view = paramTable.get(e.getKey());
            view.assign(Nd4j.create(e.getValue(), view.shape(), 'c').castTo(view.dataType()));
        }
    }

    static void zeroMonitor(Map<String, INDArray> paramTable) {
        for (INDArray v : paramTable.values()) {
            v.assign(0);
        }
    }
}
