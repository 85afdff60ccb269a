package org.securetrain.dl4j;

/**
 * Who sees the training loss (DL4J's score). The data owner always does: in label-owner mode it computes
 * the loss from the logits revealed to it. Whether the model owner sees it is the data owner's decision,
 * set in the data owner's context; the model owner's setting is ignored (it always asks, and gets NaN
 * unless the data owner shares).
 */
public enum LossVisibility {
    /** Only the data owner; the model owner's score is NaN. The default. */
    DATA_OWNER_ONLY,
    /** The data owner sends each batch's mean loss to the model owner (8 bytes per iteration). */
    BOTH_PARTIES
}
