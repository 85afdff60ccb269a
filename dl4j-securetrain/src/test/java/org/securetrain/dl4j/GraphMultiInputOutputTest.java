package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * ComputationGraph with several inputs and several outputs, trained on the data owner's {@code MultiDataSetIterator}
 * ({@link SecurePartyContext#sharedMultiIterator}) against plaintext DL4J from the same seed and batches: a two-input
 * merge network and a two-output network (softmax classification + MSE regression: DL4J's score is the sum), on the
 * INSECURE plaintext reference backend and on the two-party backend. Bounds are {@link GraphReferenceTest}'s and
 * {@link GraphTwoPartyTest}'s: per-iteration relative loss difference 1e-4, revealed outputs 1.5e-4, equal accuracy.
 */
@Timeout(300)
class GraphMultiInputOutputTest {
    static final int F = 24;

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .updater(new Nesterovs(0.02, 0.9)).weightInit(WeightInit.XAVIER);
    }

    /** Inputs "a" and "b" (8 features each) -> dense(ReLU) and dense(LeakyReLU) -> MergeVertex -> softmax. */
    static ComputationGraphConfiguration twoInputMerge(long seed) {
        return base(seed).graphBuilder().addInputs("a", "b")
                .addLayer("da", GraphReferenceTest.dense(8, 10, Activation.RELU), "a")
                .addLayer("db", GraphReferenceTest.dense(8, 6, Activation.LEAKYRELU), "b")
                .addVertex("merge", new MergeVertex(), "da", "db")
                .addLayer("out", GraphReferenceTest.softmaxOut(16), "merge")
                .setOutputs("out").build();
    }

    /** One input -> dense(ReLU) -> softmax "cls"; and -> dense(ReLU) -> identity MSE "reg": two outputs. */
    static ComputationGraphConfiguration twoOutputs(long seed) {
        return base(seed).graphBuilder().addInputs("in")
                .addLayer("d1", GraphReferenceTest.dense(16, 12, Activation.RELU), "in")
                .addLayer("cls", GraphReferenceTest.softmaxOut(12), "d1")
                .addLayer("d2", GraphReferenceTest.dense(12, 8, Activation.RELU), "d1")
                .addLayer("reg", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(1)
                        .activation(Activation.IDENTITY).build(), "d2")
                .setOutputs("cls", "reg").build();
    }

    private static ComputationGraph plainTrained(ComputationGraphConfiguration conf, MultiBlobs data, int batch,
            int epochs, ToyBlobs.ScoreRecorder scores) {
        ComputationGraph plain = new ComputationGraph(conf.clone());
        plain.init();
        plain.setListeners(scores);
        plain.fit(data.iterator(batch), epochs);
        return plain;
    }

    @Test
    void twoInputMergeMatchesPlaintextDl4jOnTheReference() {
        referenceMatches("two-input merge", twoInputMerge(5), new MultiBlobs(new ToyBlobs(240, 16, 3, 11, 4.0), 2,
                false), 50);
    }

    @Test
    void twoOutputsMatchPlaintextDl4jOnTheReference() {
        referenceMatches("two outputs", twoOutputs(7), new MultiBlobs(new ToyBlobs(240, 16, 3, 7, 4.0), 1, true), 50);
    }

    private static void referenceMatches(String what, ComputationGraphConfiguration conf, MultiBlobs data,
            int iterations) {
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        ComputationGraph plain = plainTrained(conf, data, 24, 5, plainScores);
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        ComputationGraph secure = SecureTrain.attach(conf, ctx);
        ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
        secure.setListeners(secureScores);
        secure.fit(ctx.sharedMultiIterator(data.iterator(24)), 5);
        ComputationGraph revealed = SecureTrain.reveal(secure, ctx);
        Map<String, Evaluation> eval = SecureTrain.evaluate(secure, ctx, ctx.sharedMultiIterator(data.iterator(32)));

        assertEquals(iterations, plainScores.scores.size());
        double rel = SecureTrainTwoPartyTest.maxRel(secureScores.scores, plainScores.scores);
        double out = maxOutputDiff(plain, revealed, data);
        System.out.printf("graph %s (reference) f=%d: max relative loss difference over %d iterations %.3e (first "
                + "%.5f, last %.5f), max revealed output difference %.2e%n", what, F, iterations, rel,
                plainScores.scores.get(0), plainScores.scores.get(iterations - 1), out);
        assertTrue(rel < 1e-4, "per-iteration loss relative difference " + rel);
        assertTrue(plainScores.scores.get(iterations - 1) < plainScores.scores.get(0), "training must make progress");
        assertEquals(plain.getConfiguration().toJson(), revealed.getConfiguration().toJson());
        assertTrue(out < 1.5e-4, "revealed outputs differ from plaintext DL4J by " + out);
        assertAccuracyMatches(plain, data, eval);
    }

    /** The largest difference over every output of the whole data set. */
    private static double maxOutputDiff(ComputationGraph plain, ComputationGraph revealed, MultiBlobs data) {
        INDArray[] x = data.features(0, data.blobs.x.length);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i].castTo(DataType.DOUBLE);
        }
        INDArray[] p = plain.output(x);
        INDArray[] r = revealed.output(x);
        double m = 0;
        for (int i = 0; i < p.length; i++) {
            m = Math.max(m, p[i].sub(r[i]).amaxNumber().doubleValue());
        }
        return m;
    }

    /** The classification output's accuracy (the first output) equals plaintext DL4J's; one evaluation per output. */
    private static void assertAccuracyMatches(ComputationGraph plain, MultiBlobs data, Map<String, Evaluation> eval) {
        List<String> outputs = plain.getConfiguration().getNetworkOutputs();
        assertEquals(outputs, List.copyOf(eval.keySet()));
        Evaluation ePlain = new Evaluation(3);
        int n = data.blobs.x.length;
        INDArray[] x = data.features(0, n);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i].castTo(DataType.DOUBLE);
        }
        ePlain.eval(data.labels(0, n)[0], plain.output(x)[0]);
        System.out.printf("accuracy plain %.4f, secure %.4f%n", ePlain.accuracy(), eval.get(outputs.get(0)).accuracy());
        assertEquals(ePlain.accuracy(), eval.get(outputs.get(0)).accuracy(), 0.0);
    }

    // ------------------------------------------------------------------ two parties

    record PartyResult(List<Double> scores, Map<String, Evaluation> evaluation, ComputationGraph revealed) {
    }

    private static PartyResult party(Session s, ComputationGraphConfiguration conf, MultiBlobs dataOrNull) {
        try (SecurePartyContext ctx = TwoPartyHarness.terms(F).session(s)
                .backend(TwoPartyHarness.shareKindCheckingFactory(F)).lossVisibility(LossVisibility.BOTH_PARTIES)
                .build()) {
            ComputationGraph net = SecureTrain.attach(conf, ctx);
            ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
            net.setListeners(scores);
            MultiDataSetIterator train = dataOrNull == null ? null : dataOrNull.iterator(16);
            net.fit(ctx.sharedMultiIterator(train), 2);
            Map<String, Evaluation> eval = SecureTrain.evaluate(net, ctx,
                    ctx.sharedMultiIterator(dataOrNull == null ? null : dataOrNull.iterator(32)));
            return new PartyResult(scores.scores, eval, SecureTrain.reveal(net, ctx));
        }
    }

    @Test
    void twoPartyTwoInputMergeMatchesPlaintextDl4j() {
        twoPartyMatches("two-input merge", twoInputMerge(5), new MultiBlobs(new ToyBlobs(32, 16, 3, 11, 4.0), 2,
                false));
    }

    @Test
    void twoPartyTwoOutputsMatchPlaintextDl4j() {
        twoPartyMatches("two outputs", twoOutputs(7), new MultiBlobs(new ToyBlobs(32, 16, 3, 7, 4.0), 1, true));
    }

    private static void twoPartyMatches(String what, ComputationGraphConfiguration conf, MultiBlobs data) {
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        ComputationGraph plain = plainTrained(conf, data, 16, 2, plainScores);
        byte[] hash = TwoPartyHarness.terms(F).configHash(conf);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(hash).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(hash).build())) {
            TwoPartyRunner.Results<PartyResult, PartyResult> r = TwoPartyRunner.run(
                    pair.party(0), s -> party(s, conf, null), pair.party(1), s -> party(s, conf, data));
            double rel = SecureTrainTwoPartyTest.maxRel(r.party1().scores(), plainScores.scores);
            ComputationGraph revealed = r.party0().revealed();
            assertNull(r.party1().revealed());
            double w = plain.params().sub(revealed.params()).amaxNumber().doubleValue();
            double out = maxOutputDiff(plain, revealed, data);
            long shapeBytes = pair.party(0).traffic().snapshot().steps().get("dl4j.data").bytesReceived();
            System.out.printf("two-party graph (%s): %d iterations, max relative loss difference %.3e, max weight "
                    + "difference %.2e, max output difference %.2e; shape messages %d bytes at the model owner%n",
                    what, plainScores.scores.size(), rel, w, out, shapeBytes);
            assertEquals(4, r.party1().scores().size());
            assertTrue(rel < 1e-4, "data owner's loss vs plaintext DL4J: " + rel);
            assertEquals(r.party1().scores(), r.party0().scores(), "the model owner sees the shared loss");
            assertTrue(out < 1.5e-4, "revealed outputs differ from plaintext DL4J by " + out);
            assertAccuracyMatches(plain, data, r.party1().evaluation());
            assertNull(r.party0().evaluation());
        }
    }
}
