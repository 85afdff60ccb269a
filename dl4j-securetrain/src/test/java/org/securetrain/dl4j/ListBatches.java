package org.securetrain.dl4j;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * Batches held in a list, served in order: what the toy data's {@code DataSetIterator} ({@link ToyBlobs}) and
 * {@code MultiDataSetIterator} ({@link MultiBlobs}) have in common: batches of type T, no pre-processor (of type P).
 * Resettable, not asynchronous.
 */
abstract class ListBatches<T, P> {
    private final List<T> batches;
    private int pos;

    ListBatches(List<T> batches) {
        this.batches = batches;
    }

    /** The batch at the cursor, which moves on. */
    T nextBatch() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return batches.get(pos++);
    }

    /** The index of the next batch. */
    int position() {
        return pos;
    }

    public boolean hasNext() {
        return pos < batches.size();
    }

    public T next(int num) {
        throw new UnsupportedOperationException();
    }

    public void setPreProcessor(P preProcessor) {
        throw new UnsupportedOperationException();
    }

    public P getPreProcessor() {
        return null;
    }

    public boolean resetSupported() {
        return true;
    }

    public boolean asyncSupported() {
        return false;
    }

    public void reset() {
        pos = 0;
    }
}
