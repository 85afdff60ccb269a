package org.securetrain.dl4j;

/**
 * What label-owner loss mode reveals, named so that choosing the mode is accepting it
 * ({@link SecurePartyContext.Builder#labelOwnerLoss}, launcher {@code --loss-mode label-owner}). Both parties
 * choose it; it is part of the session's configuration hash ({@link SecurePartyContext.Builder#configHash}), so
 * a session in which one party did not accept it fails at the handshake. docs/SECURITY.md, "Label-owner mode".
 */
public enum LabelOwnerLeakage {
    /**
     * The data owner receives the exact 64-bit fixed-point logits (the output layer's pre-activation values) of
     * every training batch and of every batch it evaluates or runs inference on, and computes softmax, loss and
     * gradient from them in the clear. That is black-box access to the model's exact logits on inputs of its
     * choice, without limit: enough for known model-extraction attacks on deeper networks, and for an exact
     * solution of the weights when the logits are an affine function of its own input, which is why such
     * configurations (an output layer alone, identity hidden layers only) are refused in this mode.
     */
    DATA_OWNER_SEES_EXACT_LOGITS;

    /** The text bound into the configuration hash. */
    String hashField() {
        return "loss=label-owner;leakage=" + name();
    }
}
