package org.securetrain.layers;

import java.util.Map;

/**
 * A DL4J layer implementation that computes on shares. DL4J creates these objects (on {@code init()},
 * {@code clone()} and model restore) without any context; the integration then binds a
 * {@link SecureLayerContext} and gives layers with parameters their weight shares.
 */
public interface SecureLayer {

    /** Binds the context; the layer keeps whatever weight shares it already holds. */
    void bind(SecureLayerContext ctx);

    /** The bound context, or null before attach (and after clone/restore). */
    SecureLayerContext context();

    /**
     * Binds the context and creates this party's weight shares from DL4J's parameter view as (W, 0): the
     * model owner's share is the plaintext in the view, the data owner's is zero. Then clears the view,
     * which from here on is only a public monitor (zeros, or revealed weights in debug mode).
     */
    void initShares(SecureLayerContext ctx);

    /** Whether the layer has weight shares (always true for layers without parameters). */
    boolean hasShares();

    /**
     * This party's shares, keyed by DL4J parameter key ("W", "b") plus optimiser state ("W.velocity", ...),
     * each in the C order of the parameter's DL4J shape. Copies.
     */
    Map<String, long[]> exportShares();

    /** Installs shares exported by {@link #exportShares()} from an identically configured layer. */
    void importShares(Map<String, long[]> shares);

    /**
     * Reveals the parameters to party {@code receiver} (both parties must call this in the same order):
     * DL4J parameter key to plaintext values in C order of the parameter's shape at the receiver, null at
     * the other party. Layers without parameters return an empty map at both.
     */
    Map<String, double[]> revealParams(int receiver);
}
