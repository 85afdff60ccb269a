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
 * their shapes and the batch counts) as {@link SharedDataSetIterator}: see {@link SharedBatchStream}.
 */
public final class SharedMultiDataSetIterator extends SharedIteratorBase implements MultiDataSetIterator {
    SharedMultiDataSetIterator(SecurePartyContext ctx, MultiDataSetIterator inner, Channel channel) {
        super(new SharedBatchStream(ctx, inner == null ? null
                : SharedBatchStream.Source.of(inner::hasNext, () -> batch(inner.next()), inner::reset), channel));
    }

    private static SharedBatchStream.Batch batch(MultiDataSet ds) {
        if (ds == null) {
            return null;
        }
        if (ds.hasMaskArrays()) {
            throw masksUnsupported();
        }
        return new SharedBatchStream.Batch(ds.getFeatures(), ds.getLabels());
    }

    @Override
    public MultiDataSet next() {
        SharedBatchStream.Batch b = stream.next();
        return new org.nd4j.linalg.dataset.MultiDataSet(b.features(), b.labels());
    }

    @Override
    public MultiDataSet next(int num) {
        throw nextNumUnsupported();
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw preProcessorUnsupported();
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }
}
