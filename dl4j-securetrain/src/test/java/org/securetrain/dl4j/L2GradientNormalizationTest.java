package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * DL4J's four L2-norm gradient normalisations on shares against plaintext DL4J (loss per step and parameters within
 * the existing parity bounds): the INSECURE reference backend and two parties (OT engine, range guard on). One network
 * carries all four kinds, with L2 regularisation (applied after the normalisation, as in DL4J); the per-layer clipping
 * threshold of the first layer lies inside the range of its gradient norms, so some steps clip and some do not
 * (checked on plaintext DL4J's own gradients).
 */
class L2GradientNormalizationTest {
    static final int N = 6;
    static final int BATCH = 8;
    static final double LAYER0_THRESHOLD = 0.35;

    static MultiLayerConfiguration conf() {
        return CoverageReferenceTest.base(new Nesterovs(0.1, 0.9), 17).l2(1e-3).list()
                .layer(new DenseLayer.Builder().nIn(N).nOut(8).activation(Activation.LEAKYRELU)
                        .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                        .gradientNormalizationThreshold(LAYER0_THRESHOLD).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.TANH)
                        .gradientNormalization(GradientNormalization.RenormalizeL2PerLayer).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.LEAKYRELU)
                        .gradientNormalization(GradientNormalization.RenormalizeL2PerParamType).build())
                .layer(new OutputLayer.Builder(new LossMSE()).nOut(2).activation(Activation.IDENTITY)
                        .gradientNormalization(GradientNormalization.ClipL2PerParamType)
                        .gradientNormalizationThreshold(0.2).build())
                .build();
    }

    static List<DataSet> data() {
        INDArray proj = Nd4j.linspace(-1, 1, N * 2, DataType.DOUBLE).reshape(N, 2);
        return Parity.batches(43, 32, BATCH, new long[] {0, N}, x -> x.castTo(DataType.DOUBLE).mmul(proj).muli(2));
    }

    /** Layer 0's gradient norm (after DL4J's division by the batch) at each step of plaintext DL4J. */
    static List<Double> layer0Norms(MultiLayerConfiguration conf, List<DataSet> batches, int epochs) {
        List<Double> norms = new ArrayList<>();
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void onGradientCalculation(Model model) {
                INDArray w = model.gradient().getGradientFor("0_W");
                INDArray b = model.gradient().getGradientFor("0_b");
                double ss = w.norm2Number().doubleValue() * w.norm2Number().doubleValue()
                        + b.norm2Number().doubleValue() * b.norm2Number().doubleValue();
                norms.add(Math.sqrt(ss) / BATCH);
            }
        });
        net.fit(Parity.iterator(batches), epochs);
        return norms;
    }

    @Test
    void fourKindsOnTheReferenceBackendMatchDl4j() {
        List<Double> norms = layer0Norms(conf(), data(), 2);
        System.out.println("layer 0 gradient norms per step: " + norms);
        assertTrue(norms.stream().anyMatch(v -> v > LAYER0_THRESHOLD), "some step must clip: " + norms);
        assertTrue(norms.stream().anyMatch(v -> v <= LAYER0_THRESHOLD), "some step must not clip: " + norms);
        CoverageReferenceTest.check("L2 gradient normalisation (reference)", Parity.reference(conf(), data(), 2));
    }

    @Test
    void fourKindsTwoPartyMatchDl4j() {
        CoverageReferenceTest.check("L2 gradient normalisation (two parties)",
                Parity.twoParty(TwoPartyHarness.backendFactory(Parity.F), conf(), data(), 1));
    }
}
