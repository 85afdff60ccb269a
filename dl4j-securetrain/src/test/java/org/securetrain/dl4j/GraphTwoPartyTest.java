package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.L2Vertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PoolHelperVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * ComputationGraph with both parties in one JVM over the in-memory transport, on the secure {@code TwoPartyBackend}
 * (HE products, OT/garbled non-linear ops) behind the share-kind check; and the refusals of graphs that cannot be
 * secured. Bounds are {@link SecureTrainTwoPartyTest}'s.
 */
@Timeout(300)
class GraphTwoPartyTest {
    static final int F = 24;

    record PartyResult(List<Double> scores, Evaluation evaluation, ComputationGraph revealed) {
    }

    private static PartyResult party(Session s, ComputationGraphConfiguration conf, ToyBlobs dataOrNull, int batch,
            int epochs) {
        try (SecurePartyContext ctx = TwoPartyHarness.terms(F).session(s)
                .backend(TwoPartyHarness.shareKindCheckingFactory(F)).lossVisibility(LossVisibility.BOTH_PARTIES)
                .build()) {
            ComputationGraph net = SecureTrain.attach(conf, ctx);
            ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
            net.setListeners(scores);
            net.fit(ctx.sharedIterator(dataOrNull == null ? null : dataOrNull.iterator(batch)), epochs);
            Evaluation eval = SecureTrain.evaluate(net, ctx,
                    ctx.sharedIterator(dataOrNull == null ? null : dataOrNull.iterator(32)));
            return new PartyResult(scores.scores, eval, SecureTrain.reveal(net, ctx));
        }
    }

    @Test
    void twoPartyResidualAverageScaleShiftMatchPlaintextDl4j() {
        matchesPlaintextDl4j("residual, average, scale, shift", GraphReferenceTest.averagedScaledShifted(42),
                new ToyBlobs(32, 16, 3, 7, 4.0));
    }

    @Test
    void twoPartyElementWiseMaxMatchesPlaintextDl4j() {
        matchesPlaintextDl4j("element-wise max", GraphReferenceTest.maxed(12), new ToyBlobs(32, 16, 3, 17, 4.0));
    }

    static void matchesPlaintextDl4j(String what, ComputationGraphConfiguration conf, ToyBlobs data) {
        ComputationGraph plain = new ComputationGraph(conf.clone());
        plain.init();
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        plain.setListeners(plainScores);
        plain.fit(data.iterator(16), 2);

        byte[] hash = TwoPartyHarness.terms(F).configHash(conf);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(hash).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(hash).build())) {
            TwoPartyRunner.Results<PartyResult, PartyResult> r = TwoPartyRunner.run(
                    pair.party(0), s -> party(s, conf, null, 16, 2), pair.party(1), s -> party(s, conf, data, 16, 2));
            double rel = SecureTrainTwoPartyTest.maxRel(r.party1().scores(), plainScores.scores);
            ComputationGraph revealed = r.party0().revealed();
            assertNull(r.party1().revealed());
            double w = plain.params().sub(revealed.params()).amaxNumber().doubleValue();
            INDArray x = data.features(0, 32).castTo(DataType.DOUBLE);
            double out = plain.outputSingle(x).sub(revealed.outputSingle(x)).amaxNumber().doubleValue();
            System.out.printf("two-party graph (%s): %d iterations, max relative loss difference %.3e, max "
                    + "weight difference %.2e, max output difference %.2e%n", what, plainScores.scores.size(), rel, w,
                    out);
            assertEquals(4, r.party1().scores().size());
            assertTrue(rel < 1e-4, "data owner's loss vs plaintext DL4J: " + rel);
            assertEquals(r.party1().scores(), r.party0().scores(), "the model owner sees the shared loss");
            assertTrue(out < 1.5e-4, "revealed output differs from plaintext DL4J by " + out);
            assertEquals(plain.evaluate(data.iterator(32)).accuracy(), r.party1().evaluation().accuracy(), 0.0);
            assertNull(r.party0().evaluation());
        }
    }

    @Test
    void unsupportedVerticesAreRefusedAllAtOnceNamingEachVertex() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("bn", new org.deeplearning4j.nn.conf.layers.LocalResponseNormalization.Builder().build(), "d1")
                .addVertex("pool", new PoolHelperVertex(), "bn")
                .addVertex("dist", new L2Vertex(), "pool", "d1")
                .addVertex("norm", new L2NormalizeVertex(), "dist")
                .addVertex("merge", new MergeVertex(), "norm", "d1")
                .addVertex("half", new SubsetVertex(0, 3), "merge")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "half")
                .setOutputs("out").build();
        ((MergeVertex) conf.getVertices().get("merge")).setMergeAxis(2);
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> SecureTrain.secureConfiguration(conf));
        String m = e.getMessage();
        System.out.println(m);
        assertEquals(5, e.problems().size(), m);
        assertTrue(m.contains("vertex 'bn' (LocalResponseNormalization): not supported by SecureTrain"), m);
        assertTrue(m.contains("vertex 'pool' (PoolHelperVertex): vertex type PoolHelperVertex is not supported"), m);
        assertTrue(m.contains("vertex 'dist' (L2Vertex): vertex type L2Vertex is not supported"), m);
        assertTrue(m.contains("vertex 'norm' (L2NormalizeVertex): L2NormalizeVertex needs a secure square root"), m);
        assertTrue(m.contains("vertex 'merge' (MergeVertex): MergeVertex along dimension 2 is not supported"), m);
        // the same refusal at attach, before any network is built
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        assertThrows(UnsupportedConfigurationException.class, () -> SecureTrain.attach(conf, ctx));
    }

    @Test
    void graphWhoseLogitsAreAffineInTheInputIsRefusedInLabelOwnerMode() {
        // a skip connection from the input to the output layer bypasses the ReLU
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.RELU).build(), "in")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "skip")
                .setOutputs("out").build();
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> TwoPartyHarness.terms(F).configHash(conf));
        assertTrue(e.getMessage().startsWith("vertex 'out' (SecureOutputLayer): in label-owner loss mode"),
                e.getMessage());
    }
}
