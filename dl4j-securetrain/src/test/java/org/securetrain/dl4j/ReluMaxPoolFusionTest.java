package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.backend.Backend;
import org.securetrain.backend.ForwardingBackend;
import org.securetrain.layers.SecureLayerImpl;
import org.securetrain.layers.SecureNoParamLayerImpl;
import org.securetrain.layers.ops.ConvolutionOp;
import org.securetrain.layers.ops.MaxPoolOp;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.ProtocolId;

/**
 * The ReLU-after-max-pool reorder as the user gets it through {@link SecureTrain#attach}: decided from the
 * configuration (conv with ReLU directly followed by max pooling, nothing else), invisible in the
 * configuration, its JSON and hash, re-applied on reattach, and it really removes 3/4 of the garbled ReLUs.
 */
@Timeout(300)
class ReluMaxPoolFusionTest {
    static final int F = 20;

    /** conv(ReLU) -> conv(ReLU) -> max-pool -> dense(ReLU) -> output: only the second conv fuses. */
    static MultiLayerConfiguration convConvPoolNet() {
        return new NeuralNetConfiguration.Builder()
                .seed(3).dataType(DataType.DOUBLE).updater(new Sgd(0.05)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(10, 10, 1))
                .build();
    }

    static ConvolutionOp conv(MultiLayerNetwork n, int i) {
        return assertInstanceOf(ConvolutionOp.class, assertInstanceOf(SecureLayerImpl.class, n.getLayer(i)).core().op());
    }

    static MaxPoolOp pool(MultiLayerNetwork n, int i) {
        return assertInstanceOf(MaxPoolOp.class, assertInstanceOf(SecureNoParamLayerImpl.class, n.getLayer(i)).core().op());
    }

    @Test
    void fusesExactlyConvReluFollowedByMaxPoolAndKeepsTheConfiguration() {
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        // SecureConvolutionLayerTest.convNet: conv(ReLU) -> max-pool -> conv(identity) -> dense -> output
        MultiLayerConfiguration conf = SecureConvolutionLayerTest.convNet();
        String jsonBefore = conf.toJson();
        byte[] hashBefore = SecureTrain.configHash(conf, F);
        MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
        assertTrue(conv(net, 0).reluDeferred());
        assertTrue(pool(net, 1).reluAfter());
        assertFalse(conv(net, 2).reluDeferred());
        assertEquals(jsonBefore, conf.toJson(), "the user's configuration is untouched");
        // the attached network's configuration hashes as the user's (nothing of the fusion is in it)
        assertArrayEquals(hashBefore, SecureTrain.configHash(net.getLayerWiseConfigurations(), F));

        MultiLayerNetwork other = SecureTrain.attach(convConvPoolNet(), ctx);
        assertFalse(conv(other, 0).reluDeferred(), "conv(ReLU) followed by a convolution is not fused");
        assertTrue(conv(other, 1).reluDeferred());
        assertTrue(pool(other, 2).reluAfter());

        // a restored/cloned network (fresh layer objects) gets the same decision on reattach
        MultiLayerNetwork fresh = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
        fresh.init();
        assertFalse(conv(fresh, 0).reluDeferred());
        SecureTrain.reattach(fresh, ctx, SecureTrain.exportState(net));
        assertTrue(conv(fresh, 0).reluDeferred());
        assertTrue(pool(fresh, 1).reluAfter());
    }

    /** Forwards everything, counts the elements given to the garbled ReLU. */
    static final class CountingBackend extends ForwardingBackend {
        long reluElements;

        CountingBackend(Backend inner) {
            super(inner);
        }

        @Override
        protected void onReluTruncate(long[] z, ProtocolId id, ReluOutput result) {
            reluElements += z.length;
        }

    }

    /**
     * Two parties (the real backend) train one batch of the conv net: the
     * ReLU sees the pooled conv outputs (4x4x4 per sample) and the dense layer's 12, not the 8x8x4 conv outputs.
     */
    @Test
    void twoPartyTrainingStepRunsTheReluOnThePooledValuesOnly() {
        MultiLayerConfiguration conf = SecureConvolutionLayerTest.convNet();
        ToyBlobs data = new ToyBlobs(20, 64, 3, 4, 3.0);
        int batch = 20;
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, F)) {
            var r = TwoPartyRunner.run(pair.party(0), s -> oneStep(s, conf, null, batch),
                    pair.party(1), s -> oneStep(s, conf, data, batch));
            long perSampleFused = 4 * 4 * 4 + 12, perSampleUnfused = 4 * 8 * 8 + 12;
            assertEquals(batch * perSampleFused, r.party0());
            assertEquals(batch * perSampleFused, r.party1());
            assertTrue(perSampleUnfused > 3 * perSampleFused);
        }
    }

    static long oneStep(Session s, MultiLayerConfiguration conf, ToyBlobs dataOrNull, int batch) {
        Function<Session, Backend> base = TwoPartyHarness.backendFactory(F);
        CountingBackend[] be = new CountingBackend[1];
        try (SecurePartyContext ctx = TwoPartyHarness.terms(F).session(s)
                .backend(x -> be[0] = new CountingBackend(base.apply(x))).build()) {
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
            net.fit(ctx.sharedIterator(dataOrNull == null ? null : dataOrNull.iterator(batch)), 1);
            return be[0].reluElements;
        }
    }
}
