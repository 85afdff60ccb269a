package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.dl4j.checkpoint.SecureNetworkState;

/** Clone/restore with exported shares, initial parameters, the debug monitor, misuse messages (reference backend). */
class SecureTrainLifecycleTest {
    static final int F = 24;

    static SecurePartyContext reference() {
        return SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
    }

    @Test
    void cloneWithExportedStateContinuesTrainingIdentically() throws Exception {
        ToyBlobs data = new ToyBlobs(96, 16, 3, 2, 4.0);
        SecurePartyContext ctx = reference();
        MultiLayerNetwork net = SecureTrain.attach(TestConfs.mlp(new Nesterovs(0.02, 0.9), 4), ctx);
        net.fit(ctx.sharedIterator(data.iterator(16)), 2);

        MultiLayerNetwork clone = net.clone();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SecureTrain.reattach(clone, ctx));
        assertTrue(e.getMessage().contains("exportState"), e.getMessage());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SecureTrain.exportState(net).writeTo(bytes);
        SecureNetworkState state = SecureNetworkState.readFrom(new ByteArrayInputStream(bytes.toByteArray()));
        SecureTrain.reattach(clone, ctx, state);

        ToyBlobs.ScoreRecorder a = new ToyBlobs.ScoreRecorder();
        ToyBlobs.ScoreRecorder b = new ToyBlobs.ScoreRecorder();
        net.setListeners(a);
        clone.setListeners(b);
        net.fit(ctx.sharedIterator(data.iterator(16)));
        clone.fit(ctx.sharedIterator(data.iterator(16)));
        assertEquals(6, a.scores.size());
        assertEquals(a.scores, b.scores, "momentum state and weights travel with the exported state");

        // a state from another configuration is refused
        MultiLayerNetwork other = SecureTrain.attach(TestConfs.mlp(new Sgd(0.02), 4), ctx);
        assertThrows(IllegalArgumentException.class, () -> SecureTrain.reattach(other, ctx, state));
    }

    /** DL4J's model file keeps the secure configuration (and the zero monitor); the shares travel separately. */
    @Test
    void modelSerializerRestoreWithStateReproducesTheNetwork() throws Exception {
        ToyBlobs data = new ToyBlobs(48, 16, 3, 2, 4.0);
        SecurePartyContext ctx = reference();
        MultiLayerNetwork net = SecureTrain.attach(TestConfs.mlp(new Sgd(0.05), 4), ctx);
        net.fit(ctx.sharedIterator(data.iterator(16)));
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        org.deeplearning4j.util.ModelSerializer.writeModel(net, model, true);
        MultiLayerNetwork restored = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(model.toByteArray()), true);
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertThrows(IllegalStateException.class, () -> SecureTrain.reattach(restored, ctx));
        SecureTrain.reattach(restored, ctx, SecureTrain.exportState(net));
        assertEquals(SecureTrain.reveal(net, ctx).params(), SecureTrain.reveal(restored, ctx).params());
    }

    @Test
    void modelOwnersInitialParametersAreUsed() {
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 4);
        MultiLayerNetwork pre = new MultiLayerNetwork(conf.clone());
        pre.init();
        INDArray p = pre.params().mul(0.5);
        SecurePartyContext ctx = reference();
        MultiLayerNetwork net = SecureTrain.attach(conf, ctx, p);
        INDArray revealed = SecureTrain.reveal(net, ctx).params();
        assertTrue(revealed.sub(p).amaxNumber().doubleValue() <= Math.scalb(1.0, -F));
    }

    @Test
    void debugMonitorShowsTheWeightsOnlyWhenAskedFor() {
        ToyBlobs data = new ToyBlobs(48, 16, 3, 2, 4.0);
        SecurePartyContext debug = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests()
                .insecureDebugRevealWeights().build();
        MultiLayerNetwork net = SecureTrain.attach(TestConfs.mlp(new Sgd(0.05), 4), debug);
        net.fit(debug.sharedIterator(data.iterator(16)));
        INDArray monitor = net.params().dup();
        INDArray revealed = SecureTrain.reveal(net, debug).params();
        assertTrue(monitor.sub(revealed).amaxNumber().doubleValue() < 1e-12, "monitor shows the current weights");
        assertTrue(monitor.norm1Number().doubleValue() > 0);
    }

    /** score(DataSet) and scoreExamples outside fit: the uncached path of the output layer. */
    @Test
    void scoreOutsideFitMatchesPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(48, 16, 3, 2, 4.0);
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 4);
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        plain.fit(data.iterator(16));
        SecurePartyContext ctx = reference();
        MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
        net.fit(ctx.sharedIterator(data.iterator(16)));
        org.nd4j.linalg.dataset.DataSet plainBatch = data.iterator(48).next();
        plainBatch.setFeatures(plainBatch.getFeatures().castTo(DataType.DOUBLE));
        org.nd4j.linalg.dataset.DataSet sharedBatch = ctx.sharedIterator(data.iterator(48)).next();
        double expected = plain.score(plainBatch);
        double got = net.score(sharedBatch);
        assertEquals(expected, got, 1e-4 * expected);
        INDArray perExample = net.scoreExamples(sharedBatch, false);
        INDArray perExamplePlain = plain.scoreExamples(plainBatch, false);
        assertTrue(perExample.castTo(DataType.DOUBLE).sub(perExamplePlain).amaxNumber().doubleValue() < 1e-4);
    }

    @Test
    void plainFeaturesAreRefusedWithAClearMessage() {
        SecurePartyContext ctx = reference();
        MultiLayerNetwork net = SecureTrain.attach(TestConfs.mlp(new Sgd(0.05), 4), ctx);
        INDArray plainX = new ToyBlobs(4, 16, 3, 1, 1.0).features(0, 4).castTo(DataType.DOUBLE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.output(plainX));
        assertTrue(e.getMessage().contains("layer 0 (SecureDenseLayer") && e.getMessage().contains("LONG")
                && e.getMessage().contains("sharedIterator"), e.getMessage());
    }

    @Test
    void contextBuilderGuardsTheInsecureReference() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SecurePartyContext.builder().fracBits(F).build());
        assertTrue(e.getMessage().contains("session"), e.getMessage());
        try (var pair = TwoPartyHarness.sessions(TestConfs.mlp(new Sgd(0.1), 1), TestConfs.mlp(new Sgd(0.1), 1), F)) {
            assertThrows(IllegalStateException.class, () -> SecurePartyContext.builder().fracBits(F)
                    .insecurePlaintextReferenceForTests().session(pair.party(0)).build());
            // the reference backend itself is refused in a two-party context
            IllegalStateException r = assertThrows(IllegalStateException.class, () -> TwoPartyHarness.terms(F)
                    .session(pair.party(0)).backend(new org.securetrain.backend.InsecurePlaintextBackend(
                            org.securetrain.ring.FixedPoint.of(F))).build());
            assertTrue(r.getMessage().contains("insecure"), r.getMessage());
            // fixed-point mismatch between context and backend (the backend's set-up runs at both parties)
            IllegalStateException f = assertThrows(IllegalStateException.class, () -> org.securetrain.runtime
                    .TwoPartyRunner.run(pair.party(0), s -> TwoPartyHarness.terms(F).fracBits(20).session(s)
                            .backend(TwoPartyHarness.backendFactory(F)).build(),
                    pair.party(1), s -> TwoPartyHarness.terms(F).session(s).backend(TwoPartyHarness.backendFactory(F))
                            .build()));
            assertTrue(f.getMessage().contains("fracBits 20"), f.getMessage());
        }
    }
}
