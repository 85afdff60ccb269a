package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.backend.Backend;
import org.securetrain.layers.ReluMaxPoolFusion;
import org.securetrain.layers.SecureLayerImpl;
import org.securetrain.layers.SecureNoParamLayerImpl;
import org.securetrain.layers.ops.ConvolutionOp;
import org.securetrain.layers.ops.MaxPoolOp;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The ReLU-after-max-pool reorder ({@link ReluMaxPoolFusion}) in a {@code ComputationGraph}: only a convolution (ReLU)
 * whose single consumer is a max-pool layer is fused; trained graphs still match plaintext DL4J (reference backend);
 * two parties run the garbled ReLU on the pooled values only, and the bytes of a training step with and without the
 * fusion are measured side by side.
 */
@Timeout(300)
class GraphReluMaxPoolFusionTest {
    static final int F = 20;

    /**
     * 8x8 image; branch "a": conv(ReLU) feeding a max-pool AND a residual Add (not fusable), the Add then pooled;
     * branch "c": conv(ReLU) -> max-pool only (fused); both pooled maps merged -> softmax.
     */
    static ComputationGraphConfiguration twoBranches() {
        return new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.DOUBLE).updater(new Sgd(0.01))
                .weightInit(WeightInit.XAVIER).convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(8, 8, 1))
                .addLayer("a", conv(Activation.RELU), "in")
                .addLayer("pa", maxPool(), "a")
                .addLayer("b", conv(Activation.IDENTITY), "a")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("pb", maxPool(), "add")
                .addLayer("c", conv(Activation.RELU), "in")
                .addLayer("pc", maxPool(), "c")
                .addVertex("merge", new MergeVertex(), "pa", "pb", "pc")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out").build();
    }

    private static ConvolutionLayer conv(Activation a) {
        return new ConvolutionLayer.Builder(3, 3).nOut(2).activation(a).build();
    }

    private static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    static ConvolutionOp conv(ComputationGraph g, String name) {
        return assertInstanceOf(ConvolutionOp.class,
                assertInstanceOf(SecureLayerImpl.class, g.getLayer(name)).core().op());
    }

    static MaxPoolOp pool(ComputationGraph g, String name) {
        return assertInstanceOf(MaxPoolOp.class,
                assertInstanceOf(SecureNoParamLayerImpl.class, g.getLayer(name)).core().op());
    }

    @Test
    void fusesOnlyAConvolutionWhoseOnlyConsumerIsAMaxPoolAndStillMatchesPlaintextDl4j() {
        ComputationGraphConfiguration conf = twoBranches();
        String json = conf.toJson();
        GraphReferenceTest.Run r = GraphReferenceTest.train(conf, new ToyBlobs(60, 64, 3, 5, 1.0), 20, 2);
        ComputationGraph g = r.secure();
        assertFalse(conv(g, "a").reluDeferred(), "'a' also feeds the residual Add");
        assertFalse(pool(g, "pa").reluAfter());
        assertFalse(pool(g, "pb").reluAfter(), "'pb' reads a vertex");
        assertTrue(conv(g, "c").reluDeferred());
        assertTrue(pool(g, "pc").reluAfter());
        assertEquals(json, conf.toJson(), "the user's configuration is untouched");
        double rel = r.maxRelScoreDiff();
        System.out.printf("fused graph (reference): max relative loss difference over 6 iterations %.3e%n", rel);
        assertTrue(rel < 1e-4, "per-iteration loss relative difference " + rel);
        assertTrue(r.plainScores().get(5) < r.plainScores().get(0), "training must make progress");

        // a restored network (fresh layers) gets the same decision on reattach
        ComputationGraph fresh = new ComputationGraph(g.getConfiguration().clone());
        fresh.init();
        assertFalse(conv(fresh, "c").reluDeferred());
        SecureTrain.reattach(fresh, r.ctx(), SecureTrain.exportState(g));
        assertTrue(conv(fresh, "c").reluDeferred());
        assertTrue(pool(fresh, "pc").reluAfter());
    }

    record Step(long reluElements, org.securetrain.runtime.Traffic traffic, double score) {
    }

    /**
     * One two-party training step of {@link #twoBranches()} on 8 images, fused (as attached) and with the fusion
     * switched off by hand: the same loss (relative 1e-6), the garbled ReLU on 8 * (128 + 32) elements instead of 8 * (128 + 128).
     */
    @Test
    void twoPartyStepRunsTheFusedReluOnThePooledValuesAndSendsLess() {
        ComputationGraphConfiguration conf = twoBranches();
        ToyBlobs data = new ToyBlobs(8, 64, 3, 5, 1.0);
        Step[][] steps = new Step[2][];
        for (int unfused = 0; unfused < 2; unfused++) {
            boolean off = unfused == 1;
            byte[] hash = TwoPartyHarness.terms(F).configHash(conf);
            try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                    SessionOptions.builder(Role.MODEL_OWNER).configHash(hash).build(),
                    SessionOptions.builder(Role.DATA_OWNER).configHash(hash).build())) {
                var r = TwoPartyRunner.run(pair.party(0), s -> oneStep(s, conf, null, off),
                        pair.party(1), s -> oneStep(s, conf, data, off));
                steps[unfused] = new Step[] {r.party0(), r.party1()};
            }
        }
        int batch = 8;
        assertEquals(batch * (128 + 32), steps[0][0].reluElements());
        assertEquals(batch * (128 + 128), steps[1][0].reluElements());
        // the same loss up to the truncations' rounding (fewer of them run, on other elements): not bit-identical
        assertEquals(steps[1][1].score(), steps[0][1].score(), 1e-6 * Math.abs(steps[1][1].score()),
                "the fused step computes the same loss");
        long fused = steps[0][0].traffic().bytesSent() + steps[0][1].traffic().bytesSent();
        long plain = steps[1][0].traffic().bytesSent() + steps[1][1].traffic().bytesSent();
        System.out.printf("graph ReLU/max-pool fusion, one step of 8 images (8x8, two conv(ReLU) of 2 maps): %d bytes "
                + "both directions fused, %d unfused (%.1f %% less), rounds %d vs %d at the model owner%n", fused, plain,
                100.0 * (plain - fused) / plain, steps[0][0].traffic().rounds(), steps[1][0].traffic().rounds());
        assertTrue(fused < plain, "fused " + fused + " bytes, unfused " + plain);
    }

    static Step oneStep(Session s, ComputationGraphConfiguration conf, ToyBlobs dataOrNull, boolean unfuse) {
        Function<Session, Backend> base = TwoPartyHarness.backendFactory(F);
        ReluMaxPoolFusionTest.CountingBackend[] be = new ReluMaxPoolFusionTest.CountingBackend[1];
        try (SecurePartyContext ctx = TwoPartyHarness.terms(F).session(s).lossVisibility(LossVisibility.BOTH_PARTIES)
                .backend(x -> be[0] = new ReluMaxPoolFusionTest.CountingBackend(base.apply(x))).build()) {
            ComputationGraph net = SecureTrain.attach(conf, ctx);
            if (unfuse) {
                conv(net, "c").setReluDeferred(false);
                pool(net, "pc").setReluAfter(false);
            }
            var it = ctx.sharedIterator(dataOrNull == null ? null : dataOrNull.iterator(8));
            TrafficStats.Snapshot before = s.traffic().snapshot();
            net.fit(it, 1);
            return new Step(be[0].reluElements, s.traffic().snapshot().minus(before).total(), net.score());
        }
    }
}
