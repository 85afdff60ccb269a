package org.securetrain.dl4j;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.securetrain.runtime.Channel;

/**
 * The data-sharing iterator of {@link SecurePartyContext#sharedIterator(DataSetIterator)}: one feature array and one
 * label array per batch over the lockstep protocol of {@link SharedBatchStream} (which says what crosses the wire:
 * shapes and counts only). Features are shared as (0, X): the data owner's share is the fixed-point encoding of X, the
 * model owner's is zero; labels never leave the data owner (the model owner gets zero labels of the same shape). Not
 * asynchronous: DL4J's async prefetch thread hangs on exceptions (DL4J issue #7828) and would break the lockstep.
 *
 * <p>Created only by {@link SecurePartyContext#sharedIterator}; the type is public so that the checkpoint
 * package can read and restore the batch position.
 */
public final class SharedDataSetIterator implements DataSetIterator, SharedBatchPosition {
    private final SharedBatchStream stream;
    private final DataSetIterator inner; // data owner only

    SharedDataSetIterator(SecurePartyContext ctx, DataSetIterator inner, Channel channel) {
        this.inner = inner;
        this.stream = new SharedBatchStream(ctx, inner == null ? null : new SharedBatchStream.Source() {
            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public SharedBatchStream.Batch next() {
                DataSet ds = inner.next();
                if (ds == null) {
                    return null;
                }
                if (ds.getFeaturesMaskArray() != null || ds.getLabelsMaskArray() != null) {
                    throw new IllegalArgumentException("shared iterator: mask arrays are not supported");
                }
                return new SharedBatchStream.Batch(new INDArray[] {ds.getFeatures()}, new INDArray[] {ds.getLabels()});
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
    public DataSet next() {
        SharedBatchStream.Batch b = stream.next();
        return new DataSet(b.features()[0], b.labels()[0]);
    }

    @Override
    public int batchesThisEpoch() {
        return stream.batchesThisEpoch();
    }

    @Override
    public boolean skipForResume(int batches) {
        return stream.skipForResume(batches);
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("shared iterator: next(num) is not supported; the data owner's "
                + "iterator decides the batch size");
    }

    /** The synchronised epoch boundary: the data owner resets its iterator and tells the model owner. */
    @Override
    public void reset() {
        stream.reset();
    }

    @Override
    public int inputColumns() {
        if (stream.isDataOwner()) {
            return inner.inputColumns();
        }
        SharedBatchStream.Batch last = stream.lastShapes();
        return last == null ? -1 : (int) (Arrays.stream(last.features()[0].shape()).skip(1).reduce(1, (a, b) -> a * b));
    }

    @Override
    public int totalOutcomes() {
        if (stream.isDataOwner()) {
            return inner.totalOutcomes();
        }
        SharedBatchStream.Batch last = stream.lastShapes();
        return last == null || last.labels()[0].rank() < 2 ? -1 : (int) last.labels()[0].size(1);
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
    public int batch() {
        if (stream.isDataOwner()) {
            return inner.batch();
        }
        SharedBatchStream.Batch last = stream.lastShapes();
        return last == null ? -1 : (int) last.features()[0].size(0);
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("shared iterator: set the pre-processor on the data owner's own "
                + "iterator; shares must not be pre-processed");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return stream.isDataOwner() ? inner.getLabels() : null;
    }
}
