package org.securetrain.dl4j;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.securetrain.runtime.Channel;

/**
 * The data-sharing iterator of {@link SecurePartyContext#sharedMultiIterator(MultiDataSetIterator)}, for a
 * {@code ComputationGraph} with several inputs or outputs: every feature array of the data owner's
 * {@link MultiDataSet} (one per network input) is shared as (0, X), every label array (one per output) stays with it;
 * the model owner gets zero arrays of the announced shapes. Same lockstep protocol and leakage (the number of arrays,
 * their shapes and the batch counts) as {@link SharedDataSetIterator}: see {@link SharedBatchStream}. Not asynchronous,
 * for the same reason.
 */
public final class SharedMultiDataSetIterator implements MultiDataSetIterator, SharedBatchPosition {
    private final SharedBatchStream stream;

    SharedMultiDataSetIterator(SecurePartyContext ctx, MultiDataSetIterator inner, Channel channel) {
        this.stream = new SharedBatchStream(ctx, inner == null ? null : new SharedBatchStream.Source() {
            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public SharedBatchStream.Batch next() {
                MultiDataSet ds = inner.next();
                if (ds == null) {
                    return null;
                }
                if (ds.hasMaskArrays()) {
                    throw new IllegalArgumentException("shared iterator: mask arrays are not supported");
                }
                return new SharedBatchStream.Batch(ds.getFeatures(), ds.getLabels());
            }

            @Override
            public void reset() {
                inner.reset();
            }
        }, channel);
    }

    @Override
    public boolean hasNext() {
        return stream.hasNext();
    }

    @Override
    public MultiDataSet next() {
        SharedBatchStream.Batch b = stream.next();
        return new org.nd4j.linalg.dataset.MultiDataSet(b.features(), b.labels());
    }

    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("shared iterator: next(num) is not supported; the data owner's "
                + "iterator decides the batch size");
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
    @Override
    public void reset() {
        stream.reset();
    }

    /** Always true at both parties (they must agree): a data iterator that cannot reset fails in reset(). */
    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("shared iterator: set the pre-processor on the data owner's own "
                + "iterator; shares must not be pre-processed");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }
}
