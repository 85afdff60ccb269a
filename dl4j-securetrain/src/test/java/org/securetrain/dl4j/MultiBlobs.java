package org.securetrain.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link ToyBlobs} as several inputs and outputs: the features split column-wise into {@code inputs} equal parts (one
 * per network input); the labels are the one-hot classes and, with {@code regressionOutput}, a second output: the
 * class index / 2 as a regression target.
 */
final class MultiBlobs {
    final ToyBlobs blobs;
    final int inputs;
    final boolean regressionOutput;

    MultiBlobs(ToyBlobs blobs, int inputs, boolean regressionOutput) {
        if (blobs.dim % inputs != 0) {
            throw new IllegalArgumentException(blobs.dim + " features do not split into " + inputs + " inputs");
        }
        this.blobs = blobs;
        this.inputs = inputs;
        this.regressionOutput = regressionOutput;
    }

    INDArray[] features(int from, int to) {
        INDArray all = blobs.features(from, to);
        int part = blobs.dim / inputs;
        INDArray[] out = new INDArray[inputs];
        for (int i = 0; i < inputs; i++) {
            out[i] = all.get(NDArrayIndex.all(), NDArrayIndex.interval(i * part, (i + 1) * part)).dup('c');
        }
        return out;
    }

    INDArray[] labels(int from, int to) {
        INDArray cls = blobs.labels(from, to);
        if (!regressionOutput) {
            return new INDArray[] {cls};
        }
        INDArray target = Nd4j.zeros(DataType.FLOAT, to - from, 1);
        for (int i = from; i < to; i++) {
            target.putScalar(i - from, 0, blobs.y[i] / 2.0);
        }
        return new INDArray[] {cls, target};
    }

    /** Batches in order, last one possibly smaller; resettable; not asynchronous. */
    MultiDataSetIterator iterator(int batch) {
        List<org.nd4j.linalg.dataset.api.MultiDataSet> list = new ArrayList<>();
        for (int i = 0; i < blobs.x.length; i += batch) {
            int to = Math.min(blobs.x.length, i + batch);
            list.add(new MultiDataSet(features(i, to), labels(i, to)));
        }
        return new Batches(list);
    }

    private static final class Batches
            extends ListBatches<org.nd4j.linalg.dataset.api.MultiDataSet, MultiDataSetPreProcessor>
            implements MultiDataSetIterator {
        Batches(List<org.nd4j.linalg.dataset.api.MultiDataSet> list) {
            super(list);
        }

        @Override
        public org.nd4j.linalg.dataset.api.MultiDataSet next() {
            return nextBatch();
        }
    }
}
