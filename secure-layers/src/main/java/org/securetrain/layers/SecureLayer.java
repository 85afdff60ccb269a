package org.securetrain.layers;

import java.util.Map;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.SecureLayerContext;

/**
 * A DL4J layer implementation that computes on shares. DL4J creates these objects (on {@code init()},
 * {@code clone()} and model restore) without any context; the integration then binds a
 * {@link SecureLayerContext} and gives layers with parameters their shares. Everything here is its
 * {@link LayerCore}'s.
 */
public interface SecureLayer extends org.deeplearning4j.nn.api.Layer {

    /** The layer's core: context, shares, lifecycle; its math is {@code core().op()}. */
    LayerCore core();

    /** No secure layer is pretrained layer-wise: training is MultiLayerNetwork/ComputationGraph backprop. */
    @Override
    default boolean isPretrainLayer() {
        return false;
    }

    /** Weight noise is refused for secure networks (the configuration check), so there is none to clear. */
    @Override
    default void clearNoiseWeightParams() {
    }

    /** Binds the context; the layer keeps whatever weight shares it already holds. */
    default void bind(SecureLayerContext ctx) {
        core().bind(ctx);
    }

    /** The bound context, or null before attach (and after clone/restore). */
    default SecureLayerContext context() {
        return core().context();
    }

    /**
     * Binds the context and creates this party's weight shares from DL4J's parameter view as (W, 0): the
     * model owner's share is the plaintext in the view, the data owner's is zero. Then clears the view,
     * which from here on is only a public monitor (zeros, or revealed weights in debug mode).
     */
    default void initShares(SecureLayerContext ctx) {
        core().initShares(ctx);
    }

    /** Whether the layer has weight shares (always true for layers without parameters). */
    default boolean hasShares() {
        return core().hasShares();
    }

    /**
     * This party's shares, keyed by DL4J parameter key ("W", "b") plus optimiser state ("W.velocity", ...),
     * each in the C order of the parameter's DL4J shape. Copies.
     */
    default Map<String, long[]> exportShares() {
        return core().exportShares();
    }

    /** Installs shares exported by {@link #exportShares()} from an identically configured layer. */
    default void importShares(Map<String, long[]> shares) {
        core().importShares(shares);
    }

    /**
     * Reveals the parameters to party {@code receiver} (both parties must call this in the same order):
     * DL4J parameter key to plaintext values in C order of the parameter's shape at the receiver, null at
     * the other party. Layers without parameters return an empty map at both.
     */
    default Map<String, double[]> revealParams(int receiver) {
        return core().revealParams(receiver);
    }
}
