package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Dropout, L1/L2/weight decay and learning-rate/momentum schedules inside a {@code ComputationGraph} (branches, a
 * residual Add, a merge), INSECURE plaintext reference backend, against plaintext DL4J's graph on the same seed and
 * batches (dropout: DL4J runs the secure run's masks from the joint seed, {@link MaskedDropoutForTests}). Bounds:
 * {@link GraphReferenceTest}'s per-iteration relative loss difference 1e-4 and {@link CoverageReferenceTest}'s
 * revealed-parameter difference 1e-3.
 */
@Timeout(120)
class GraphTrainingOptionsTest {
    static final int F = Parity.F;

    /** in(10) -> d1(ReLU, dropout 0.8) -> DropoutLayer(0.5) -> d2(LeakyReLU, dropout 0.7); d1 -> d3(ReLU); d2 + d3 -> out (dropout 0.9). */
    static ComputationGraphConfiguration dropoutGraph(BiFunction<Double, String, IDropout> dropout) {
        return CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), 23).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(10).nOut(16).activation(Activation.RELU)
                        .dropOut(dropout.apply(0.8, "d1")).build(), "in")
                .addLayer("drop", new DropoutLayer.Builder().dropOut(dropout.apply(0.5, "drop")).build(), "d1")
                .addLayer("d2", new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.LEAKYRELU)
                        .dropOut(dropout.apply(0.7, "d2")).build(), "drop")
                .addLayer("d3", new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.RELU).build(), "d1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d2", "d3")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(12).nOut(3)
                        .activation(Activation.SOFTMAX).dropOut(dropout.apply(0.9, "out")).build(), "add")
                .setOutputs("out").build();
    }

    @Test
    void dropoutInAGraphMatchesDl4jWithTheSameMasks() {
        byte[] seed = new byte[32];
        seed[0] = 9;
        // DL4J numbers the network inputs first, then the vertices in the configuration's order: a layer's index
        ComputationGraphConfiguration secureConf = dropoutGraph((p, name) -> new Dropout(p));
        List<String> order = new ArrayList<>(secureConf.getNetworkInputs());
        order.addAll(secureConf.getVertices().keySet());
        ComputationGraphConfiguration plainConf = dropoutGraph(
                (p, name) -> new MaskedDropoutForTests(p, seed, order.indexOf(name)));
        check("graph dropout", plainConf, secureConf, CoverageReferenceTest.classes(10, 3, 24), 2, seed);
    }

    @Test
    void l1L2AndWeightDecayInAGraphMatchDl4j() {
        ComputationGraphConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), 7).l2(1e-3)
                .graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.LEAKYRELU).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.RELU).l1(2e-3)
                        .l1Bias(1e-3).build(), "d1")
                .addLayer("d3", new DenseLayer.Builder().nIn(16).nOut(10).activation(Activation.IDENTITY)
                        .weightDecay(1e-2).build(), "d1")
                .addVertex("merge", new MergeVertex(), "d2", "d3")
                .addLayer("d4", new DenseLayer.Builder().nIn(22).nOut(8).activation(Activation.RELU).build(), "merge")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "d4")
                .setOutputs("out").build();
        check("graph L1/L2/weight decay", conf, conf, CoverageReferenceTest.classes(12, 3, 11), 2, null);
    }

    @Test
    void learningRateAndMomentumSchedulesInAGraphMatchDl4j() {
        ComputationGraphConfiguration conf = CoverageReferenceTest.base(new Nesterovs(
                new ExponentialSchedule(ScheduleType.EPOCH, 0.08, 0.7),
                new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.5, 4, 0.9))), 5).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(8).nOut(10).activation(Activation.RELU).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(10).nOut(10).activation(Activation.IDENTITY).build(), "d1")
                .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(10).nOut(3)
                        .activation(Activation.SOFTMAX)
                        .updater(new Sgd(new StepSchedule(ScheduleType.ITERATION, 0.2, 0.5, 3))).build(), "res")
                .setOutputs("out").build();
        check("graph schedules", conf, conf, CoverageReferenceTest.classes(8, 3, 13), 3, null);
    }

    /** Trains plain DL4J on {@code plainConf} and the secure twin of {@code secureConf}; checks the bounds. */
    private static void check(String what, ComputationGraphConfiguration plainConf,
            ComputationGraphConfiguration secureConf, List<DataSet> batches, int epochs, byte[] jointSeedOrNull) {
        ComputationGraph plain = new ComputationGraph(plainConf.clone());
        plain.init();
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        plain.setListeners(plainScores);
        plain.fit(Parity.iterator(batches), epochs);

        SecurePartyContext.Builder b = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests();
        SecurePartyContext ctx = jointSeedOrNull == null ? b.build() : b.jointSeedForTests(jointSeedOrNull).build();
        ComputationGraph secure = SecureTrain.attach(secureConf, ctx);
        ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
        secure.setListeners(secureScores);
        secure.fit(ctx.sharedIterator(Parity.iterator(batches)), epochs);
        ComputationGraph revealed = SecureTrain.reveal(secure, ctx);

        int iterations = batches.size() * epochs;
        assertEquals(iterations, plainScores.scores.size());
        double rel = SecureTrainTwoPartyTest.maxRel(secureScores.scores, plainScores.scores);
        double w = plain.params().sub(revealed.params()).amaxNumber().doubleValue();
        INDArray x = batches.get(0).getFeatures().castTo(plain.params().dataType());
        double out = plain.outputSingle(x).sub(revealed.outputSingle(x)).amaxNumber().doubleValue();
        System.out.printf("%s (reference) f=%d: %d iterations, max relative loss difference %.3e, max parameter "
                + "difference %.2e, max output difference %.2e (loss %.4f -> %.4f)%n", what, F, iterations, rel, w, out,
                plainScores.scores.get(0), plainScores.scores.get(iterations - 1));
        assertTrue(rel < 1e-4, what + ": per-iteration loss relative difference " + rel);
        assertTrue(w < 1e-3, what + ": revealed parameters differ by " + w);
        assertTrue(out < 1.5e-4, what + ": revealed outputs (inference: no dropout) differ by " + out);
    }
}
