package org.securetrain.dl4j;

/**
 * The batch position of a shared iterator ({@link SharedDataSetIterator} or {@link SharedMultiDataSetIterator}): what
 * a checkpoint records and what a resume restores.
 */
public interface SharedBatchPosition {
    /** Batches handed out in the current epoch so far (including skipped ones): the checkpoint position. */
    int batchesThisEpoch();

    /**
     * Resume support, called at both parties on a fresh iterator before any batch: the data owner draws and
     * discards the first {@code batches} batches of the epoch from its (deterministic) iterator and tells the
     * model owner whether the epoch is thereby exhausted. Returns that flag at both parties; if true the
     * epoch counts as ended (the next {@code fit} resets the iterator, as after a full epoch).
     */
    boolean skipForResume(int batches);
}
