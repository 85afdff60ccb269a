package org.securetrain.layers.core;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.securetrain.layermath.ParameterShare;

/**
 * The computation of one secure layer on this party's shares: its forward and backward pass, and the
 * parameter tensors it computes with. This is all a new layer writes (besides its configuration's fields);
 * its {@link LayerCore} does the rest: binding the party's context, the checks that it is ready, moving shares
 * between DL4J and the op, reporting a failure to the peer, the optimiser step on every trained parameter
 * after backward, DL4J's zero gradients, export/import/reveal of the shares and the debug monitor.
 *
 * <p>Conventions: activations and deltas are shares at scale f (DL4J's layout, batch first); a backward gets
 * dL/dY as a batch sum (DL4J's convention; the optimiser step divides by the batch size) and stores each
 * parameter's gradient with {@link ParameterShare#setGradient}. An op keeps what its backward needs from its
 * forward. Every call that communicates is made by both parties in the same order, which holds because DL4J
 * drives both parties' networks through the same sequence of calls.
 *
 * <p>A new layer: a configuration class (the DL4J configuration it secures, with {@code instantiate} handing
 * DL4J a {@code SecureLayerImpl} or {@code SecureNoParamLayerImpl} over the op) and a subclass of this with
 * {@link #forward} and {@link #backward}; with parameters also {@link #initParameters}.
 */
public abstract class SecureOp {
    private final String kind;
    private final Layer.Type type;

    /**
     * @param kind the suffix of the layer's protocol name, e.g. "dense" (name "layer0.dense")
     * @param type DL4J's layer type (what the layer reports to DL4J)
     */
    protected SecureOp(String kind, Layer.Type type) {
        this.kind = kind;
        this.type = type;
    }

    public final String kind() {
        return kind;
    }

    public final Layer.Type type() {
        return type;
    }

    /**
     * Builds this layer's state on its parameters and returns the live shares, in the order they are updated,
     * exported and revealed. Called at every attach with this party's initial shares, keyed by DL4J's parameter
     * keys (the fresh arrays may be kept). Only layers with parameters override it; the core does not call it
     * for a layer without, and the default refuses parameters it would not know what to do with.
     *
     * @param name this layer's protocol name (as {@link OpStep#name()})
     */
    public Map<String, ParameterShare> initParameters(String name, Map<String, long[]> initialShares) {
        if (!initialShares.isEmpty()) {
            throw new IllegalStateException(name + ": parameters " + initialShares.keySet()
                    + " but no way to use them");
        }
        return Map.of();
    }

    /**
     * Whether the configured updater trains parameter {@code key} after each backward. False for a parameter
     * the op maintains itself (e.g. a running mean); it is still exported, imported and revealed.
     */
    public boolean trainedByUpdater(String key) {
        return true;
    }

    /**
     * DL4J's values of parameter {@code key} from the plaintext values the op keeps (when revealed or monitored): the
     * same unless the op keeps another parameterisation, e.g. the variance where DL4J keeps log10 of the standard
     * deviation. Called at the receiver of a reveal, on revealed values only.
     */
    public double[] toDl4j(String key, double[] kept) {
        return kept;
    }

    /**
     * The inverse of {@link #toDl4j}: what the op keeps for DL4J's initial values of parameter {@code key} (the public
     * initialisation, before it is shared).
     */
    public double[] fromDl4j(String key, double[] dl4j) {
        return dl4j;
    }

    /** Forward on this party's input share; the result's kind is usually {@code BOTH}. */
    public abstract SharedTensor forward(OpStep step, SharedTensor x);

    /**
     * Backward from dL/dY (shape of the forward's output): stores the parameters' gradients and returns dL/dX,
     * or null when {@link OpStep#needInputGradient()} is false.
     */
    public abstract SharedTensor backward(OpStep step, SharedTensor dy);
}
