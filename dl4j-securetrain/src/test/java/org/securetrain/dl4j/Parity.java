package org.securetrain.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.backend.Backend;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Secure training against plaintext DL4J on the same configuration, seed and batches: per-step scores and the
 * revealed parameters. With the INSECURE single-process reference backend (the integration and the fixed-point
 * semantics) or two parties in one JVM (the protocols).
 */
final class Parity {
    static final int F = 24;

    private Parity() {
    }

    record Result(List<Double> plainScores, List<Double> secureScores, MultiLayerNetwork plain,
            MultiLayerNetwork revealed) {

        /** Largest |secure - plain| / max(|plain|, 1e-3) over the steps. */
        double maxRelScoreDiff() {
            if (plainScores.size() != secureScores.size()) {
                throw new AssertionError("steps differ: plain " + plainScores.size() + ", secure " + secureScores.size());
            }
            double m = 0;
            for (int i = 0; i < plainScores.size(); i++) {
                double p = plainScores.get(i);
                m = Math.max(m, Math.abs(secureScores.get(i) - p) / Math.max(Math.abs(p), 1e-3));
            }
            return m;
        }

        /** Largest absolute difference of the revealed parameters from plaintext DL4J's. */
        double maxParamDiff() {
            return revealed.params().castTo(DataType.DOUBLE).sub(plain.params().castTo(DataType.DOUBLE)).amaxNumber()
                    .doubleValue();
        }

        double maxAbsParam() {
            return plain.params().amaxNumber().doubleValue();
        }

        @Override
        public String toString() {
            return String.format("steps %d, max rel score diff %.3e, max param diff %.3e (max |param| %.3f), "
                    + "first score %.5f, last %.5f", plainScores.size(), maxRelScoreDiff(), maxParamDiff(),
                    maxAbsParam(), plainScores.get(0), plainScores.get(plainScores.size() - 1));
        }
    }

    /** Batches of random features in [-1, 1) (FLOAT) and the labels {@code labels.apply(features)}, deterministic. */
    static List<DataSet> batches(long seed, int n, int batch, long[] featureShape, Function<INDArray, INDArray> labels) {
        Random r = new Random(seed);
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < n; i += batch) {
            int b = Math.min(batch, n - i);
            long[] shape = featureShape.clone();
            shape[0] = b;
            long len = 1;
            for (long d : shape) {
                len *= d;
            }
            double[] v = new double[(int) len];
            for (int k = 0; k < v.length; k++) {
                v[k] = r.nextDouble() * 2 - 1;
            }
            INDArray x = Nd4j.create(v, shape, 'c').castTo(DataType.FLOAT);
            out.add(new DataSet(x, labels.apply(x)));
        }
        return out;
    }

    /** One-hot labels of the class {@code argmax} of {@code w · x} ([classes, features] fixed projections). */
    static Function<INDArray, INDArray> linearClasses(int classes, long seed) {
        return x -> {
            INDArray flat = x.reshape('c', x.size(0), x.length() / x.size(0)).castTo(DataType.DOUBLE);
            Random r = new Random(seed);
            double[] wv = new double[(int) (classes * flat.size(1))];
            for (int k = 0; k < wv.length; k++) {
                wv[k] = r.nextDouble() - 0.5;
            }
            INDArray w = Nd4j.create(wv, new long[] {classes, flat.size(1)}, 'c');
            INDArray scores = flat.mmul(w.transpose());
            INDArray y = Nd4j.zeros(DataType.DOUBLE, x.size(0), classes);
            for (int i = 0; i < x.size(0); i++) {
                y.putScalar(i, scores.getRow(i).argMax().getInt(0), 1.0);
            }
            return y;
        };
    }

    static ToyBlobs.FixedBatchIterator iterator(List<DataSet> batches) {
        DataSet first = batches.get(0);
        return new ToyBlobs.FixedBatchIterator(batches, (int) first.getFeatures().size(0),
                (int) (first.getFeatures().length() / first.getFeatures().size(0)),
                (int) (first.getLabels().length() / first.getLabels().size(0)));
    }

    static MultiLayerNetwork plain(MultiLayerConfiguration conf, List<DataSet> batches, int epochs,
            ToyBlobs.ScoreRecorder scores) {
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        plain.setListeners(scores);
        plain.fit(iterator(batches), epochs);
        return plain;
    }

    /** INSECURE single-process reference backend: one network plays both parties. */
    static Result reference(MultiLayerConfiguration conf, List<DataSet> batches, int epochs) {
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        MultiLayerNetwork plain = plain(conf, batches, epochs, plainScores);
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        MultiLayerNetwork secure = SecureTrain.attach(conf, ctx);
        ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
        secure.setListeners(secureScores);
        secure.fit(ctx.sharedIterator(iterator(batches)), epochs);
        return new Result(plainScores.scores, secureScores.scores, plain, SecureTrain.reveal(secure, ctx));
    }

    /** Two parties in one JVM over the in-memory transport; the data owner's scores (it sees the loss). */
    static Result twoParty(Function<Session, Backend> backends, MultiLayerConfiguration conf, List<DataSet> batches,
            int epochs) {
        return twoParty(backends, conf, batches, epochs, true);
    }

    /** As above; {@code rangeChecks} false runs without the range guard (both parties). */
    static Result twoParty(Function<Session, Backend> backends, MultiLayerConfiguration conf, List<DataSet> batches,
            int epochs, boolean rangeChecks) {
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        MultiLayerNetwork plain = plain(conf, batches, epochs, plainScores);
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf,
                TwoPartyHarness.terms(F).rangeChecks(rangeChecks))) {
            TwoPartyRunner.Results<Object[], Object[]> r = TwoPartyRunner.run(
                    pair.party(0), s -> party(s, backends, conf, null, epochs, rangeChecks),
                    pair.party(1), s -> party(s, backends, conf, batches, epochs, rangeChecks));
            @SuppressWarnings("unchecked")
            List<Double> dataOwnerScores = (List<Double>) r.party1()[0];
            return new Result(plainScores.scores, dataOwnerScores, plain, (MultiLayerNetwork) r.party0()[1]);
        }
    }

    private static Object[] party(Session s, Function<Session, Backend> backends, MultiLayerConfiguration conf,
            List<DataSet> batchesOrNull, int epochs, boolean rangeChecks) {
        try (SecurePartyContext ctx = TwoPartyHarness.terms(F).session(s).backend(backends)
                .rangeChecks(rangeChecks).build()) {
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
            ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
            net.setListeners(scores);
            net.fit(ctx.sharedIterator(batchesOrNull == null ? null : iterator(batchesOrNull)), epochs);
            return new Object[] {scores.scores, SecureTrain.reveal(net, ctx)};
        }
    }
}
