package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Issue 15's comparison-based features with the real two-party backend (HE products, garbled comparisons, OT
 * truncation and multiplexers) against plaintext DL4J: the protocols behind LeakyReLU/HardTanh, L1 signs, element-wise
 * clipping, L2 and the label-owner MSE, two parties in one JVM. Tiny network: a few seconds per step.
 */
class CoverageTwoPartyTest {

    @Test
    void comparisonBasedFeaturesMatchDl4jWithTheRealProtocols() {
        int n = 6;
        MultiLayerConfiguration conf = CoverageReferenceTest.base(
                        new Nesterovs(new StepSchedule(ScheduleType.ITERATION, 0.1, 0.5, 2), 0.9), 31)
                .l2(1e-3)
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(0.2)
                .list()
                .layer(new DenseLayer.Builder().nIn(n).nOut(8).activation(Activation.LEAKYRELU).l1(1e-3).build())
                .layer(new ActivationLayer.Builder().activation(Activation.HARDTANH).build())
                .layer(new OutputLayer.Builder(new LossMSE()).nOut(2).activation(Activation.IDENTITY).build())
                .build();
        INDArray proj = Nd4j.linspace(-1, 1, n * 2, DataType.DOUBLE).reshape(n, 2);
        Parity.Result r = Parity.twoParty(TwoPartyHarness.backendFactory(Parity.F), conf,
                Parity.batches(41, 24, 8, new long[] {0, n}, x -> x.castTo(DataType.DOUBLE).mmul(proj)), 1);
        CoverageReferenceTest.check("two-party LeakyReLU/HardTanh/L1/L2/clip/MSE", r);
    }
}
