package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Private-loss mode (DESIGN.md 4.6) through DL4J's own {@code fit}: two parties on the real backend train an MLP with
 * softmax and cross-entropy on shares; the revealed weights match plaintext DL4J and label-owner mode within the
 * bounds of the label-owner parity tests; the mode is agreed at the handshake; configurations it cannot run are refused
 * before training with every reason.
 */
@Timeout(600)
class PrivateLossModeTest {
    static final int F = 24;

    static SecurePartyContext.Builder privateTerms(LossVisibility v) {
        return SecurePartyContext.builder().fracBits(F).privateLoss(v);
    }

    @Test
    void twoPartyMlpInPrivateLossModeMatchesPlaintextDl4jAndLabelOwnerMode() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 7, 4.0);
        MultiLayerConfiguration conf = TestConfs.mlp(new Nesterovs(0.02, 0.9), 42);
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        MultiLayerNetwork plain = SecureTrainTwoPartyTest.plainTrained(conf, data, 24, 1, plainScores);

        TwoPartyHarness.Result priv = TwoPartyHarness.run(TwoPartyHarness.backendFactory(F), conf,
                () -> privateTerms(LossVisibility.BOTH_PARTIES), data, 24, 1);
        TwoPartyHarness.Result label = TwoPartyHarness.run(TwoPartyHarness.backendFactory(F), conf, F, data, 24, 1,
                LossVisibility.BOTH_PARTIES);

        MultiLayerNetwork revealed = priv.modelOwner().revealed();
        double vsPlain = plain.params().sub(revealed.params()).amaxNumber().doubleValue();
        double vsLabel = label.modelOwner().revealed().params().sub(revealed.params()).amaxNumber().doubleValue();
        var x = data.features(0, 240).castTo(DataType.DOUBLE);
        double outDiff = plain.output(x).sub(revealed.output(x)).amaxNumber().doubleValue();
        System.out.printf("private-loss MLP, 10 steps: max weight difference %.2e vs plaintext DL4J, %.2e vs label-owner "
                + "mode; revealed output differs by %.2e%n", vsPlain, vsLabel, outDiff);
        System.out.printf("traffic per party, private: data owner %s; label-owner: data owner %s%n",
                priv.dataOwner().traffic().total(), label.dataOwner().traffic().total());
        // the bounds of SecureTrainTwoPartyTest (weights 1e-5, outputs 1.5e-4)
        assertTrue(vsPlain < 1e-5, "revealed weights differ from plaintext DL4J by " + vsPlain);
        assertTrue(vsLabel < 1e-5, "private and label-owner mode weights differ by " + vsLabel);
        assertTrue(outDiff < 1.5e-4, "revealed output differs from plaintext DL4J by " + outDiff);
        assertEquals(10, priv.dataOwner().scores().size());
        // the loss per step: opened to both, within the label-owner MLP parity bound of plaintext DL4J's
        double rel = SecureTrainTwoPartyTest.maxRel(priv.dataOwner().scores(), plainScores.scores);
        System.out.printf("private-loss MLP: max relative loss difference %.3e vs plaintext DL4J%n", rel);
        assertTrue(rel < 1e-4, "loss vs plaintext DL4J: " + rel);
        assertEquals(priv.dataOwner().scores(), priv.modelOwner().scores(), "both parties see the same loss");

        // evaluation: the data owner gets the predicted classes only, the accuracy is plaintext DL4J's
        double accPlain = plain.evaluate(data.iterator(32)).accuracy();
        assertEquals(accPlain, priv.dataOwner().evaluation().accuracy(), 1.0 / 240 + 1e-12);
    }

    @Test
    void theLossIsOpenedOnlyToThePartiesTheModeNames() {
        ToyBlobs data = new ToyBlobs(48, 16, 3, 7, 4.0);
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 42);
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        SecureTrainTwoPartyTest.plainTrained(conf, data, 24, 1, plainScores);
        TwoPartyHarness.Result r = TwoPartyHarness.run(TwoPartyHarness.backendFactory(F), conf,
                () -> privateTerms(LossVisibility.MODEL_OWNER_ONLY), data, 24, 1);
        assertTrue(r.dataOwner().scores().stream().allMatch(d -> Double.isNaN(d)),
                "the data owner may not see the loss: " + r.dataOwner().scores());
        assertTrue(SecureTrainTwoPartyTest.maxRel(r.modelOwner().scores(), plainScores.scores) < 1e-4,
                "model owner's loss " + r.modelOwner().scores() + " vs plaintext " + plainScores.scores);
    }

    @Test
    void withNobodyToSeeItTheLossIsNotComputedAndTrainingIsTheSame() {
        ToyBlobs data = new ToyBlobs(48, 16, 3, 7, 4.0);
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 42);
        double[][] params = new double[2][];
        double[] scores = new double[2];
        LossVisibility[] vis = {LossVisibility.NONE, LossVisibility.BOTH_PARTIES};
        for (int i = 0; i < 2; i++) {
            SecurePartyContext ref = SecurePartyContext.builder().fracBits(F).privateLoss(vis[i])
                    .insecurePlaintextReferenceForTests().build();
            MultiLayerNetwork net = SecureTrain.attach(conf, ref);
            net.fit(ref.sharedIterator(data.iterator(24)));
            scores[i] = net.score();
            params[i] = SecureTrain.reveal(net, ref).params().toDoubleVector();
        }
        assertTrue(Double.isNaN(scores[0]), "nobody sees the loss: " + scores[0]);
        assertFalse(Double.isNaN(scores[1]));
        assertArrayEquals(params[1], params[0], 0.0, "the loss's visibility does not change the training");
    }

    /**
     * A 16-32-3 MLP in private-loss mode (both parties see the loss) on the plaintext reference backend, its plain DL4J
     * twin with the same initial weights, and one batch of 48 toy examples.
     */
    record ScoredPair(SecurePartyContext ctx, MultiLayerNetwork secure, MultiLayerNetwork plain, DataSet batch) {
        static ScoredPair create() {
            MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 42);
            SecurePartyContext ref = SecurePartyContext.builder().fracBits(F).privateLoss(
                    LossVisibility.BOTH_PARTIES).insecurePlaintextReferenceForTests().build();
            MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
            plain.init();
            return new ScoredPair(ref, SecureTrain.attach(conf, ref), plain,
                    new ToyBlobs(48, 16, 3, 7, 4.0).iterator(48).next());
        }

        /** {@code ds} as the secure network takes it (the data owner's shared batch). */
        DataSet shared(DataSet ds) {
            return ctx.sharedIterator(new ToyBlobs.FixedBatchIterator(List.of(ds), 48, 16, 3)).next();
        }
    }

    @Test
    void perExampleScoresMatchPlaintextDl4j() {
        ScoredPair pair = ScoredPair.create();
        MultiLayerNetwork net = pair.secure();
        MultiLayerNetwork plain = pair.plain();
        var ds = pair.batch();
        var shared = pair.shared(ds);
        double[] secure = net.scoreExamples(shared, false).toDoubleVector();
        double[] expected = plain.scoreExamples(ds, false).toDoubleVector();
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(secure[i] - expected[i]));
        }
        System.out.printf("private-loss per-example scores: max difference %.2e vs plaintext DL4J%n", worst);
        // the proven per-row bound at C = 3 (about 2.6 ulps) plus DL4J's float32 network arithmetic
        assertTrue(worst < 1e-5, "per-example scores differ by " + worst);
    }

    /**
     * DL4J's LossMCXENT clips p to [1e-10, 1 - 1e-10] before the log in its score, so no example scores above
     * -ln 1e-10 = 23.03: rows whose true class has p far below 1e-10 (features scaled up, every other row labelled with
     * its least likely class, the rest with their most likely one) score as DL4J scores them, per example and in the
     * batch score.
     */
    @Test
    void scoresOfRowsWithTrueClassProbabilityBelowTheClipMatchDl4j() {
        ScoredPair pair = ScoredPair.create();
        MultiLayerNetwork net = pair.secure();
        MultiLayerNetwork plain = pair.plain();
        var ds = pair.batch();
        ds.setFeatures(ds.getFeatures().mul(60));
        var out = plain.output(ds.getFeatures());
        var labels = Nd4j.zeros(ds.getLabels().dataType(), 48, 3);
        for (int b = 0; b < 48; b++) {
            // even rows: the least likely class (DL4J clips them); odd rows: the most likely one (tiny losses)
            labels.putScalar(b, Nd4j.argMax(b % 2 == 0 ? out.getRow(b).neg() : out.getRow(b)).getInt(0), 1.0);
        }
        ds.setLabels(labels);
        var shared = pair.shared(ds);
        double[] secure = net.scoreExamples(shared, false).toDoubleVector();
        double[] expected = plain.scoreExamples(ds, false).toDoubleVector();
        double clip = -Math.log(1e-10);
        int clipped = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(secure[i] - expected[i]));
            clipped += expected[i] > clip - 1e-4 ? 1 : 0;
            assertTrue(secure[i] <= clip + 1e-6, "example " + i + " scores " + secure[i] + " above DL4J's clip");
        }
        System.out.printf("private-loss scores with p_y < 1e-10: %d of 48 rows clipped by DL4J, max per-example "
                + "difference %.2e%n", clipped, worst);
        assertTrue(clipped >= 10, "the test needs rows DL4J clips, got " + clipped);
        // the proven per-row bound at C = 3 (about 2.6 ulps) plus DL4J's float32 arithmetic
        assertTrue(worst < 1e-5, "per-example scores differ by " + worst);
        net.setInput(shared.getFeatures());
        net.setLabels(shared.getLabels());
        net.computeGradientAndScore();
        plain.setInput(ds.getFeatures());
        plain.setLabels(ds.getLabels());
        plain.computeGradientAndScore();
        assertEquals(plain.score(), net.score(), 1e-5, "the batch score with clipped rows");
    }

    @Test
    void configurationsPrivateModeCannotRunAreRefusedWithEveryReason() {
        MultiLayerConfiguration mse = new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(3)
                        .activation(Activation.SIGMOID).build())
                .build();
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> privateTerms(LossVisibility.NONE).configHash(mse));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("is not softmax") && e.getMessage().contains("is not MCXENT"), e.getMessage());

        MultiLayerConfiguration weighted = new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(new LossMCXENT(Nd4j.create(new double[] {1, 2, 3}))).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        e = assertThrows(UnsupportedConfigurationException.class,
                () -> SecurePartyContext.builder().fracBits(26).privateLoss(LossVisibility.BOTH_PARTIES)
                        .configHash(weighted));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("network: private-loss mode needs at most 24 fraction bits")
                && e.getMessage().contains("per-class loss weights"), e.getMessage());
        // attach refuses them too (the reference context in private mode)
        SecurePartyContext ref = SecurePartyContext.builder().fracBits(F).privateLoss(LossVisibility.BOTH_PARTIES)
                .insecurePlaintextReferenceForTests().build();
        assertThrows(UnsupportedConfigurationException.class, () -> SecureTrain.attach(mse, ref));

        // a network whose logits are affine in the data owner's input: refused in label-owner mode, fine here
        assertNotNull(privateTerms(LossVisibility.DATA_OWNER_ONLY).configHash(LabelOwnerModeTest.outputLayerAlone()));
    }

    @Test
    void aGraphTrainsInPrivateLossModeAndItsOtherOutputsAreRefused() {
        var refused = assertThrows(UnsupportedConfigurationException.class,
                () -> privateTerms(LossVisibility.BOTH_PARTIES).configHash(GraphMultiInputOutputTest.twoOutputs(3)));
        assertEquals(3, refused.problems().size(), refused.getMessage()); // nOut 1, identity, MSE
        assertTrue(refused.getMessage().contains("vertex 'reg' (") && refused.getMessage().contains("is not softmax"),
                refused.getMessage());

        // the residual graph on the reference context in private mode: DL4J's loss and weights
        ToyBlobs data = new ToyBlobs(96, 16, 3, 5, 4.0);
        var conf = GraphReferenceTest.denseResidual(7);
        var plain = new org.deeplearning4j.nn.graph.ComputationGraph(conf.clone());
        plain.init();
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        plain.setListeners(plainScores);
        plain.fit(data.iterator(32), 2);
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).privateLoss(LossVisibility.BOTH_PARTIES)
                .insecurePlaintextReferenceForTests().build();
        var secure = SecureTrain.attach(conf, ctx);
        ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
        secure.setListeners(secureScores);
        secure.fit(ctx.sharedIterator(data.iterator(32)), 2);
        double rel = SecureTrainTwoPartyTest.maxRel(secureScores.scores, plainScores.scores);
        double w = plain.params().sub(SecureTrain.reveal(secure, ctx).params()).amaxNumber().doubleValue();
        System.out.printf("private-loss residual graph (reference): max relative loss difference %.2e, weights %.2e%n",
                rel, w);
        assertTrue(rel < 1e-4, "loss vs plaintext DL4J: " + rel);
        assertTrue(w < 1e-5, "weights differ by " + w);
    }

    @Test
    void theModeIsOneChoiceAgreedAtTheHandshake() {
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.1), 1);
        byte[] label = TwoPartyHarness.terms(F).configHash(conf);
        byte[] both = privateTerms(LossVisibility.BOTH_PARTIES).configHash(conf);
        byte[] none = privateTerms(LossVisibility.NONE).configHash(conf);
        assertFalse(java.util.Arrays.equals(label, both));
        assertFalse(java.util.Arrays.equals(both, none), "the visibility is part of the private mode");
        assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(both).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(none).build()).close());
        // contradictory choices at one party are refused naming both
        String m = assertThrows(IllegalStateException.class, () -> TwoPartyHarness.terms(F)
                .privateLoss(LossVisibility.NONE).configHash(conf)).getMessage();
        assertTrue(m.contains("labelOwnerLoss") && m.contains("privateLoss(NONE)"), m);
        m = assertThrows(IllegalStateException.class, () -> privateTerms(LossVisibility.NONE)
                .lossVisibility(LossVisibility.BOTH_PARTIES).configHash(conf)).getMessage();
        assertTrue(m.contains("privateLoss(NONE)") && m.contains("lossVisibility(BOTH_PARTIES)"), m);
        m = assertThrows(IllegalStateException.class, () -> TwoPartyHarness.terms(F)
                .lossVisibility(LossVisibility.MODEL_OWNER_ONLY).configHash(conf)).getMessage();
        assertTrue(m.contains("needs private-loss mode"), m);
    }

    @Test
    void aLabelRowThatIsNotADistributionIsRefusedWithTheCause() {
        ToyBlobs data = new ToyBlobs(48, 16, 3, 7, 4.0);
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 42);
        SecurePartyContext ref = SecurePartyContext.builder().fracBits(F).privateLoss(LossVisibility.BOTH_PARTIES)
                .insecurePlaintextReferenceForTests().build();
        MultiLayerNetwork net = SecureTrain.attach(conf, ref);
        var ds = data.iterator(16).next();
        ds.setLabels(ds.getLabels().mul(0.5));
        Exception ex = assertThrows(RuntimeException.class, () -> net.fit(ref.sharedIterator(
                new ToyBlobs.FixedBatchIterator(List.of(ds), 16, 16, 3))));
        Throwable t = ex;
        while (t.getCause() != null && !t.getMessage().contains("sum to 1")) {
            t = t.getCause();
        }
        assertTrue(t.getMessage().contains("sums to 0.5"), ex.toString());
    }
}
