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
 * asynchronous ({@link SharedIteratorBase}).
 *
 * <p>Created only by {@link SecurePartyContext#sharedIterator}; the type is public so that the checkpoint
 * package can read and restore the batch position.
 */
public final class SharedDataSetIterator extends SharedIteratorBase implements DataSetIterator {
    private final DataSetIterator inner; // data owner only

    SharedDataSetIterator(SecurePartyContext ctx, DataSetIterator inner, Channel channel) {
        super(new SharedBatchStream(ctx, inner == null ? null
                : SharedBatchStream.Source.of(inner::hasNext, () -> batch(inner.next()), inner::reset), channel));
        this.inner = inner;
    }

    private static SharedBatchStream.Batch batch(DataSet ds) {
        if (ds == null) {
            return null;
        }
        if (ds.getFeaturesMaskArray() != null || ds.getLabelsMaskArray() != null) {
            throw masksUnsupported();
        }
        return new SharedBatchStream.Batch(new INDArray[] {ds.getFeatures()}, new INDArray[] {ds.getLabels()});
    }

    @Override
    public DataSet next() {
        SharedBatchStream.Batch b = stream.next();
        return new DataSet(b.features()[0], b.labels()[0]);
    }

    @Override
    public DataSet next(int num) {
        throw nextNumUnsupported();
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
        throw preProcessorUnsupported();
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
