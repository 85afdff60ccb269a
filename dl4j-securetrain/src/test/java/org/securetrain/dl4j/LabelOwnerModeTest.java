package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Label-owner mode is an explicit, named choice of both parties (in the configuration hash), it refuses networks
 * whose logits the data owner could invert, and the insecure debug reveal needs both parties' agreement too.
 */
@Timeout(120)
class LabelOwnerModeTest {
    static final int F = 24;

    /** An output layer reading the data owner's input directly: logits = X W + b. */
    static MultiLayerConfiguration outputLayerAlone() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /** Dense(identity) then output: still logits = X (W1 W2) + c. */
    static MultiLayerConfiguration identityThenOutput() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(16).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    @Test
    void configurationsWithLogitsAffineInTheDataOwnersInputAreRefusedWithTheReason() {
        for (MultiLayerConfiguration conf : new MultiLayerConfiguration[] {outputLayerAlone(), identityThenOutput()}) {
            UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                    () -> TwoPartyHarness.terms(F).configHash(conf));
            assertTrue(e.getMessage().contains("affine function of the data owner's own input")
                    && e.getMessage().contains("private-loss mode"), e.getMessage());
            // attach refuses too (here the reference context, in label-owner mode)
            SecurePartyContext ref = SecurePartyContext.builder().fracBits(F)
                    .labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).insecurePlaintextReferenceForTests()
                    .build();
            assertThrows(UnsupportedConfigurationException.class, () -> SecureTrain.attach(conf, ref));
            // the single-process reference without a loss mode has no second party to leak to
            SecureTrain.attach(conf, SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests()
                    .build());
        }
        // a ReLU or a max-pool between input and output is accepted
        assertNotNull(TwoPartyHarness.terms(F).configHash(TestConfs.mlp(new Sgd(0.1), 1)));
        assertNotNull(TwoPartyHarness.terms(F).configHash(TestConfs.poolNet(new Sgd(0.1), 1)));
    }

    @Test
    void aTwoPartyContextRequiresTheNamedChoice() {
        IllegalStateException h = assertThrows(IllegalStateException.class,
                () -> SecurePartyContext.builder().fracBits(F).configHash(TestConfs.mlp(new Sgd(0.1), 1)));
        assertTrue(h.getMessage().contains("DATA_OWNER_SEES_EXACT_LOGITS") && h.getMessage().contains("privateLoss"),
                h.getMessage());
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(SessionOptions.builder(Role.MODEL_OWNER).build(),
                SessionOptions.builder(Role.DATA_OWNER).build())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SecurePartyContext.builder()
                    .fracBits(F).session(pair.party(0)).backend(TwoPartyHarness.backendFactory(F)).build());
            assertTrue(e.getMessage().contains("labelOwnerLoss"), e.getMessage());
        }
    }

    @Test
    void theDebugRevealNeedsBothPartiesThroughTheConfigurationHash() {
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.1), 1);
        byte[] plain = TwoPartyHarness.terms(F).configHash(conf);
        byte[] debug = TwoPartyHarness.terms(F).insecureDebugRevealWeights().configHash(conf);
        assertFalse(Arrays.equals(plain, debug));
        // parties that chose differently fail at the handshake
        assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(debug).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(plain).build()).close());
        // a party that turns it on in its context over a session both opened without it is refused at attach
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(plain).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(plain).build())) {
            var r = TwoPartyRunner.run(pair.party(0), s -> attach(s, conf, true), pair.party(1),
                    s -> attach(s, conf, false));
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, r.party0());
            assertTrue(e.getMessage().contains("insecureDebugRevealWeights"), e.getMessage());
            assertTrue(r.party1() == null, "the other party's context matches the session");
        }
    }

    private static RuntimeException attach(Session s, MultiLayerConfiguration conf, boolean debug) {
        SecurePartyContext.Builder b = TwoPartyHarness.terms(F).session(s).backend(TwoPartyHarness.backendFactory(F));
        try (SecurePartyContext ctx = (debug ? b.insecureDebugRevealWeights() : b).build()) {
            SecureTrain.attach(conf, ctx);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
