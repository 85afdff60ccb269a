package org.securetrain.dl4j;

/**
 * What {@link SharedDataSetIterator} and {@link SharedMultiDataSetIterator} share: the lockstep stream and DL4J's
 * iterator flags. Always resettable at both parties (they must agree; a data iterator that cannot reset fails in
 * {@code reset()}); never asynchronous: DL4J's async prefetch thread hangs on exceptions (DL4J issue #7828) and would
 * break the lockstep.
 */
abstract class SharedIteratorBase implements SharedBatchPosition {
    final SharedBatchStream stream;

    SharedIteratorBase(SharedBatchStream stream) {
        this.stream = stream;
    }

    public boolean hasNext() {
        return stream.hasNext();
    }

    @Override
    public int batchesThisEpoch() {
        return stream.batchesThisEpoch();
    }

    @Override
    public boolean skipForResume(int batches) {
        return stream.skipForResume(batches);
    }

    /** The synchronised epoch boundary: the data owner resets its iterator and tells the model owner. */
    public void reset() {
        stream.reset();
    }

    public boolean resetSupported() {
        return true;
    }

    public boolean asyncSupported() {
        return false;
    }

    static UnsupportedOperationException nextNumUnsupported() {
        return new UnsupportedOperationException("shared iterator: next(num) is not supported; the data owner's "
                + "iterator decides the batch size");
    }

    static UnsupportedOperationException preProcessorUnsupported() {
        return new UnsupportedOperationException("shared iterator: set the pre-processor on the data owner's own "
                + "iterator; shares must not be pre-processed");
    }

    static IllegalArgumentException masksUnsupported() {
        return new IllegalArgumentException("shared iterator: mask arrays are not supported");
    }
}
