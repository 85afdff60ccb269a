package org.securetrain.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/** Synthetic Gaussian blobs (one per class) and a deterministic fixed-batch iterator over them. */
final class ToyBlobs {
    final double[][] x;
    final int[] y;
    final int dim;
    final int classes;

    ToyBlobs(int n, int dim, int classes, long seed, double noise) {
        this.dim = dim;
        this.classes = classes;
        Random r = new Random(seed);
        double[][] centers = new double[classes][dim];
        for (double[] c : centers) {
            for (int j = 0; j < dim; j++) {
                c[j] = r.nextGaussian() * 1.5;
            }
        }
        x = new double[n][dim];
        y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int j = 0; j < dim; j++) {
                x[i][j] = centers[y[i]][j] + r.nextGaussian() * noise;
            }
        }
    }

    INDArray features(int from, int to) {
        double[][] part = new double[to - from][];
        System.arraycopy(x, from, part, 0, to - from);
        return Nd4j.create(part).castTo(DataType.FLOAT);
    }

    INDArray labels(int from, int to) {
        INDArray l = Nd4j.zeros(DataType.FLOAT, to - from, classes);
        for (int i = from; i < to; i++) {
            l.putScalar(i - from, y[i], 1.0);
        }
        return l;
    }

    /** Batches in order, last one possibly smaller; resettable. */
    FixedBatchIterator iterator(int batch) {
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < x.length; i += batch) {
            int to = Math.min(x.length, i + batch);
            list.add(new DataSet(features(i, to), labels(i, to)));
        }
        return new FixedBatchIterator(list, batch, dim, classes);
    }

    static final class FixedBatchIterator extends ListBatches<DataSet, DataSetPreProcessor> implements DataSetIterator {
        private final int batch, in, out;
        int resets;
        RuntimeException failAt; // test hook: thrown by next() at batch failAtIndex
        int failAtIndex = -1;

        FixedBatchIterator(List<DataSet> batches, int batch, int in, int out) {
            super(batches);
            this.batch = batch;
            this.in = in;
            this.out = out;
        }

        @Override
        public DataSet next() {
            if (hasNext() && position() == failAtIndex) {
                throw failAt;
            }
            return nextBatch().copy();
        }

        @Override
        public int inputColumns() {
            return in;
        }

        @Override
        public int totalOutcomes() {
            return out;
        }

        @Override
        public void reset() {
            super.reset();
            resets++;
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public List<String> getLabels() {
            return null;
        }
    }

    /** Records the score DL4J reports after every iteration. */
    static final class ScoreRecorder extends BaseTrainingListener {
        final List<Double> scores = new ArrayList<>();

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            scores.add(model.score());
        }
    }
}
