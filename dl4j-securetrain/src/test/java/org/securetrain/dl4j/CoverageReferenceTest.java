package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AdaBelief;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossCosineProximity;
import org.nd4j.linalg.lossfunctions.impl.LossHinge;
import org.nd4j.linalg.lossfunctions.impl.LossKLD;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossMSLE;
import org.nd4j.linalg.lossfunctions.impl.LossMixtureDensity;
import org.nd4j.linalg.lossfunctions.impl.LossPoisson;
import org.nd4j.linalg.lossfunctions.impl.LossSquaredHinge;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Issue 15's features, one network each, INSECURE single-process reference backend against plaintext DL4J on the
 * same seed and batches: per-step score (relative, as the existing parity tests) and the revealed parameters. The
 * protocols behind the new comparisons are exercised two-party in {@link CoverageTwoPartyTest}.
 */
class CoverageReferenceTest {
    static final double SCORE_BOUND = 1e-3;
    static final double PARAM_BOUND = 1e-3;

    static NeuralNetConfiguration.Builder base(IUpdater u, long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(u)
                .weightInit(WeightInit.XAVIER);
    }

    static List<DataSet> classes(int features, int classes, long seed) {
        return Parity.batches(seed, 96, 16, new long[] {0, features}, Parity.linearClasses(classes, seed + 1));
    }

    static void check(String what, Parity.Result r) {
        check(what, r, SCORE_BOUND);
    }

    static void check(String what, Parity.Result r, double scoreBound) {
        System.out.printf("%s: %s%n", what, r);
        assertTrue(r.maxRelScoreDiff() < scoreBound, what + ": score differs: " + r);
        assertTrue(r.maxParamDiff() < PARAM_BOUND, what + ": parameters differ: " + r);
    }

    @Test
    void piecewiseLinearActivationsWithL1L2AndWeightDecayMatchDl4j() {
        MultiLayerConfiguration conf = base(new Nesterovs(0.05, 0.9), 7).l2(1e-3).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.LEAKYRELU).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.HARDTANH).l1(2e-3).l1Bias(1e-3).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.IDENTITY).weightDecay(1e-2).build())
                .layer(new ActivationLayer.Builder().activation(Activation.HARDSIGMOID).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(new ActivationReLU(0.8, 0.05, 0.1)).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU6).build())
                .layer(new ActivationLayer.Builder().activation(Activation.THRESHOLDEDRELU).build())
                .layer(new OutputLayer.Builder(LossFunctionsShort.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        check("activations + L1/L2/weight decay", Parity.reference(conf, classes(12, 3, 11), 2));
    }

    @Test
    void everyOutputLossMatchesDl4j() {
        int n = 6;
        Function<INDArray, INDArray> linear = x -> x.castTo(DataType.DOUBLE).mmul(Nd4j.linspace(-1, 1, n * 2,
                DataType.DOUBLE).reshape(n, 2)).addi(0.3);
        Function<INDArray, INDArray> pm1 = x -> Nd4j.getExecutioner().exec(
                new org.nd4j.linalg.api.ops.impl.transforms.same.Sign(linear.apply(x))).castTo(DataType.DOUBLE);
        Function<INDArray, INDArray> binary = x -> pm1.apply(x).addi(1).divi(2);
        Function<INDArray, INDArray> counts = x -> org.nd4j.linalg.ops.transforms.Transforms.abs(linear.apply(x))
                .muli(3).addi(0.5);
        Function<INDArray, INDArray> oneHot = Parity.linearClasses(2, 5);
        record Case(String name, IActivation act, ILossFunction loss, Function<INDArray, INDArray> labels, int out) {
        }
        List<Case> cases = List.of(
                new Case("MSE", Activation.IDENTITY.getActivationFunction(), new LossMSE(), linear, 2),
                new Case("L1", Activation.IDENTITY.getActivationFunction(), new LossL1(), linear, 2),
                new Case("L2", Activation.IDENTITY.getActivationFunction(), new LossL2(), linear, 2),
                new Case("MAE", Activation.IDENTITY.getActivationFunction(), new LossMAE(), linear, 2),
                new Case("MSLE softplus", Activation.SOFTPLUS.getActivationFunction(), new LossMSLE(), counts, 2),
                new Case("Poisson softplus", Activation.SOFTPLUS.getActivationFunction(), new LossPoisson(), counts, 2),
                new Case("XENT sigmoid", Activation.SIGMOID.getActivationFunction(), new LossBinaryXENT(), binary, 2),
                new Case("hinge", Activation.IDENTITY.getActivationFunction(), new LossHinge(), pm1, 2),
                new Case("squared hinge", Activation.IDENTITY.getActivationFunction(), new LossSquaredHinge(), pm1, 2),
                new Case("cosine tanh", Activation.TANH.getActivationFunction(), new LossCosineProximity(), linear, 2),
                new Case("KL softmax", Activation.SOFTMAX.getActivationFunction(), new LossKLD(), oneHot, 2),
                new Case("weighted MCXENT", Activation.SOFTMAX.getActivationFunction(),
                        new LossMCXENT(Nd4j.createFromArray(0.3, 1.7)), oneHot, 2),
                new Case("user-written", Activation.IDENTITY.getActivationFunction(), new HalfSquaredLoss(), linear, 2),
                new Case("mixture density", Activation.IDENTITY.getActivationFunction(),
                        LossMixtureDensity.builder().gaussians(2).labelWidth(2).build(),
                        x -> linear.apply(x).castTo(DataType.FLOAT), 8));
        for (Case c : cases) {
            // DL4J's mixture-density gradient is FLOAT whatever the network's type: a FLOAT network for it
            boolean md = c.loss() instanceof LossMixtureDensity;
            MultiLayerConfiguration conf = base(new Sgd(0.05), 3).dataType(md ? DataType.FLOAT : DataType.DOUBLE).list()
                    .layer(new DenseLayer.Builder().nIn(n).nOut(8).activation(Activation.LEAKYRELU).build())
                    .layer(new OutputLayer.Builder(c.loss()).nOut(c.out()).activation(c.act()).build())
                    .build();
            check(c.name(), Parity.reference(conf, Parity.batches(21, 64, 16, new long[] {0, n}, c.labels()), 2));
        }
    }

    @Test
    void lossLayerMatchesDl4j() {
        MultiLayerConfiguration conf = base(new Sgd(0.1), 4).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(10).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder(LossFunctionsShort.MCXENT).activation(Activation.SOFTMAX).build())
                .build();
        check("LossLayer", Parity.reference(conf, classes(8, 3, 12), 2));
    }

    @Test
    void schedulesMiniBatchFalseAndElementWiseClippingMatchDl4j() {
        MultiLayerConfiguration sched = base(new Nesterovs(new ExponentialSchedule(ScheduleType.EPOCH, 0.08, 0.7),
                new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.5, 4, 0.9))), 5).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctionsShort.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                        .updater(new Sgd(new StepSchedule(ScheduleType.ITERATION, 0.2, 0.5, 3))).build())
                .build();
        check("schedules", Parity.reference(sched, classes(8, 3, 13), 3));
        MultiLayerConfiguration noMini = base(new Sgd(0.01), 6).miniBatch(false).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctionsShort.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        check("miniBatch(false)", Parity.reference(noMini, classes(8, 3, 14), 2));
        MultiLayerConfiguration clip = base(new Sgd(0.2), 8)
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(0.02).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctionsShort.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        check("element-wise clipping", Parity.reference(clip, classes(8, 3, 15), 2));
        // threshold 0: DL4J clips every element to 0; refused rather than read as "no clipping"
        MultiLayerConfiguration zero = base(new Sgd(0.2), 8)
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(0).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctionsShort.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> SecureTrain.secureConfiguration(zero));
        assertTrue(e.getMessage().contains("ClipElementWiseAbsoluteValue: threshold must be > 0, got 0.0"),
                e.getMessage());
        assertEquals(2, e.problems().size(), "both layers inherit the threshold: " + e.getMessage());
    }

    @Test
    void everyRefusalReasonAtOnce() {
        MultiLayerConfiguration conf = base(new AdaBelief(1e-3), 1).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(10).activation(Activation.CUBE).build())
                .layer(new BatchNormalization.Builder().nOut(10).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.RELU)
                        .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                        .biasUpdater(new org.nd4j.linalg.learning.config.NoOp()).build())
                .layer(new CenterLossOutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> SecureTrain.secureConfiguration(conf));
        System.out.println(e.getMessage());
        List<UnsupportedConfigurationException.Problem> p = e.problems();
        assertTrue(p.stream().anyMatch(x -> x.layerIndex() == 0 && x.reason().contains("cube")), e.getMessage());
        assertTrue(p.stream().anyMatch(x -> x.layerIndex() == 0 && x.reason().contains("AdaBelief")), e.getMessage());
        assertTrue(p.stream().anyMatch(x -> x.layerIndex() == 1 && x.layerType().equals("BatchNormalization")));
        assertTrue(p.stream().anyMatch(x -> x.layerIndex() == 2 && x.reason().contains("ClipL2PerLayer")));
        assertTrue(p.stream().anyMatch(x -> x.layerIndex() == 3 && x.reason().contains("embeddings")));
        assertEquals(p.size(), e.getMessage().split("\n").length, "one line per reason");
        assertEquals(0, e.layerIndex());
    }

    /** DL4J's loss enum, shortened. */
    static final class LossFunctionsShort {
        static final org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction MCXENT =
                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT;
    }
}
