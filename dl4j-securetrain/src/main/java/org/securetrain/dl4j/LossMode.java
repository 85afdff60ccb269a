package org.securetrain.dl4j;

import java.util.Objects;

/**
 * How the output layer's loss is computed (DESIGN.md 4.6), chosen alike by both parties: it is part of the session's
 * configuration hash and of the readable configuration summary, so parties that chose differently fail at the
 * handshake with both choices named. Immutable.
 *
 * <ul>
 *   <li>{@link #labelOwner label-owner} (the default of the launcher's documentation, required to be named): the data
 *       owner receives the exact logits and runs DL4J's own activation and loss ({@link LabelOwnerLeakage}); the data
 *       owner sees the loss, and shares it with the model owner if its {@link LossVisibility} says so.</li>
 *   <li>{@link #privateLoss private}: softmax and cross-entropy run on shares ({@code layermath.PrivateSoftmaxCrossEntropy});
 *       nobody sees the logits, the probabilities or the gradient. The loss value (DL4J's score, with the
 *       regularisation term) is opened only to the parties named by the mode's {@link LossVisibility}, which both
 *       parties agree on. Only softmax with {@code LossMCXENT}/{@code LossNegativeLogLikelihood} (no weights, no label
 *       masks) can run this way; other output layers are refused before training with every reason at once.</li>
 * </ul>
 */
public final class LossMode {
    private final LabelOwnerLeakage labelOwnerLeakage;
    private final LossVisibility privateVisibility;

    private LossMode(LabelOwnerLeakage labelOwnerLeakage, LossVisibility privateVisibility) {
        this.labelOwnerLeakage = labelOwnerLeakage;
        this.privateVisibility = privateVisibility;
    }

    /** Label-owner mode with its leakage named (see {@link LabelOwnerLeakage}). */
    public static LossMode labelOwner(LabelOwnerLeakage accepted) {
        return new LossMode(Objects.requireNonNull(accepted, "the accepted leakage"), null);
    }

    /** Private-loss mode; {@code whoSeesTheLoss}: the parties the loss value is opened to (both agree on it). */
    public static LossMode privateLoss(LossVisibility whoSeesTheLoss) {
        return new LossMode(null, Objects.requireNonNull(whoSeesTheLoss, "who sees the loss"));
    }

    /** Whether softmax and the loss run on shares. */
    public boolean isPrivate() {
        return privateVisibility != null;
    }

    /** The leakage accepted in label-owner mode; null in private mode. */
    public LabelOwnerLeakage labelOwnerLeakage() {
        return labelOwnerLeakage;
    }

    /** Who sees the loss in private mode; null in label-owner mode (there the data owner's context decides). */
    public LossVisibility privateVisibility() {
        return privateVisibility;
    }

    /** The text bound into the configuration hash (label-owner mode: the same text as before private mode existed). */
    String hashField() {
        return isPrivate() ? "loss=private;visibility=" + privateVisibility.name() : labelOwnerLeakage.hashField();
    }

    /** The readable form (configuration summaries, messages): e.g. {@code private (loss to DATA_OWNER_ONLY)}. */
    @Override
    public String toString() {
        return isPrivate() ? "private (loss to " + privateVisibility + ")" : "label-owner (" + labelOwnerLeakage + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LossMode m && m.labelOwnerLeakage == labelOwnerLeakage
                && m.privateVisibility == privateVisibility;
    }

    @Override
    public int hashCode() {
        return Objects.hash(labelOwnerLeakage, privateVisibility);
    }
}
