package org.securetrain.dl4j;

/**
 * Who sees the training loss (DL4J's score, per-example scores included).
 *
 * <p>Label-owner mode: the data owner always does (it computes the loss from the logits revealed to it), so only
 * {@link #DATA_OWNER_ONLY} and {@link #BOTH_PARTIES} apply; whether the model owner sees it is the data owner's
 * decision, set in the data owner's context, and the model owner's setting is ignored (it always asks, and gets NaN
 * unless the data owner shares).
 *
 * <p>Private-loss mode ({@link LossMode#privateLoss}): the loss is computed on shares and opened only to the parties
 * named here; both parties agree on it as part of the loss mode. A party that may not see it gets NaN.
 */
public enum LossVisibility {
    /** Only the data owner; the model owner's score is NaN. The default. */
    DATA_OWNER_ONLY,
    /** Both parties (label-owner mode: the data owner sends each batch's mean loss to the model owner, 8 bytes). */
    BOTH_PARTIES,
    /** Private-loss mode only: the model owner alone; the data owner's score is NaN. */
    MODEL_OWNER_ONLY,
    /** Private-loss mode only: nobody; both parties' scores are NaN (nothing about the loss is opened). */
    NONE;

    /** Whether party {@code p} (0 model owner, 1 data owner) sees the loss. */
    public boolean includes(int p) {
        return switch (this) {
            case DATA_OWNER_ONLY -> p == 1;
            case MODEL_OWNER_ONLY -> p == 0;
            case BOTH_PARTIES -> true;
            case NONE -> false;
        };
    }
}
