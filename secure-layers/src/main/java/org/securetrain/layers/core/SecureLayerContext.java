package org.securetrain.layers.core;

import org.securetrain.backend.Backend;
import org.securetrain.backend.ShareKind;

/**
 * What a secure layer needs from the party it runs at. Attached to each secure layer at run time (never
 * stored in a configuration: configurations are public and serialised). Implemented by
 * {@code org.securetrain.dl4j.SecurePartyContext}.
 *
 * <p>Every method that communicates must be called by both parties in the same order; the secure layers
 * do so because DL4J drives both parties' networks through the same sequence of calls.
 */
public interface SecureLayerContext {

    /** The two-party backend (or, in tests only, the insecure single-process reference). */
    Backend backend();

    /** How the network input (the first layer's input) is shared: the data owner's features are (0, X). */
    default ShareKind inputKind() {
        return ShareKind.ONLY_PARTY1;
    }

    /**
     * Called by the output layer once per loss evaluation, in the same place at both parties. The data
     * owner passes the mean loss it computed and gets it back; the model owner passes NaN and gets the data
     * owner's loss if the data owner chose to share it, else NaN. In private-loss mode each party already holds what
     * it may see (the loss was opened to the {@link #scoreReceivers()}): the value comes back unchanged, no message.
     */
    double exchangeScore(double lossAtDataOwner);

    /**
     * A seed both parties derive together, once per session (each contributes fresh randomness; both learn the seed):
     * public to both, independent of every private value. Per-step randomness that both parties must know, such as
     * dropout masks, derives from it. The first call communicates (both parties make it at the same point); null for
     * a context that has none.
     */
    default byte[] jointSeed() {
        return null;
    }

    /**
     * The end of a training step (or of an inference pass): if the context checks ranges, both parties open the one
     * bit "a value of this step left the fixed-point safe range" and the run stops with a clear error if it is set
     * ({@link org.securetrain.backend.RangeCheckedBackend}). Both parties call it at the same point.
     */
    default void verifyRange(String where) {
    }

    /**
     * Private-loss mode (DESIGN.md 4.6): the output layer's softmax and cross-entropy run on shares
     * ({@link PrivateLoss}) and nothing but the loss value is opened, to {@link #scoreReceivers()}. False: label-owner
     * mode ({@link LabelOwnerLoss}).
     */
    default boolean privateLoss() {
        return false;
    }

    /**
     * The parties (0 model owner, 1 data owner) the score's terms are opened to: the loss in private-loss mode and the
     * layers' regularisation terms. Label-owner mode: the label owner (who computes the loss; it may pass the score on
     * through {@link #exchangeScore}).
     */
    default int[] scoreReceivers() {
        return new int[] {LabelOwnerLoss.LABEL_OWNER};
    }

    /**
     * Where the secure layers queue their optimiser steps during a training step's backward pass, to run them together
     * at its end ({@link StepUpdates}): one per party context, the same for all of its network's layers. Null (the
     * default): each layer updates its parameters at the end of its own backward.
     */
    default StepUpdates stepUpdates() {
        return null;
    }

    /**
     * INSECURE debugging aid: when true, secure layers reveal their weights to both parties after every
     * update and write them into DL4J's parameter view. Off unless explicitly enabled.
     */
    boolean debugRevealWeights();

    /**
     * Called when a secure layer fails at this party: tells the peer (ends the session with the reason) so
     * it fails at once instead of waiting for a message that will never come.
     */
    void failed(String where, RuntimeException cause);
}
