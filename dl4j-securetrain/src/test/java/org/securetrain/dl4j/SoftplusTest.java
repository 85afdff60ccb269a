package org.securetrain.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Hidden softplus (issue 16): forward max(x, 0) + ln(1 + e^-|x|) by the exact exp and log with their proven bounds
 * (faithful at f = 24), backward DL4J's sigmoid(x), against plaintext DL4J on the same seed and batches with the bounds
 * of the other parity tests (as {@link SoftsignEluSeluTest}): an MLP with softplus dense layers and a standalone
 * softplus activation layer, and a softplus convolution, on the insecure reference backend, and a small softplus MLP with the real two-party
 * protocols.
 */
class SoftplusTest {

    @Test
    void softplusMlpMatchesDl4jOnTheReference() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), 41).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.SOFTPLUS).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.SOFTPLUS).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        CoverageReferenceTest.check("softplus MLP, reference backend",
                Parity.reference(conf, CoverageReferenceTest.classes(12, 3, 43), 2));
    }

    @Test
    void softplusConvolutionMatchesDl4jOnTheReference() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Sgd(0.05), 59).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.SOFTPLUS).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        CoverageReferenceTest.check("softplus convolution, reference backend", Parity.reference(conf,
                Parity.batches(61, 48, 12, new long[] {0, 1, 6, 6}, Parity.linearClasses(3, 62)), 2));
    }

    @Test
    void softplusMlpMatchesDl4jWithTheRealProtocols() {
        int n = 6;
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.1, 0.9), 47).list()
                .layer(new DenseLayer.Builder().nIn(n).nOut(8).activation(Activation.SOFTPLUS).build())
                .layer(new OutputLayer.Builder(new LossMSE()).nOut(2).activation(Activation.IDENTITY).build())
                .build();
        INDArray proj = Nd4j.linspace(-1, 1, n * 2, DataType.DOUBLE).reshape(n, 2);
        Parity.Result r = Parity.twoParty(TwoPartyHarness.backendFactory(Parity.F), conf,
                Parity.batches(53, 24, 8, new long[] {0, n}, x -> x.castTo(DataType.DOUBLE).mmul(proj)), 1);
        CoverageReferenceTest.check("two-party softplus MLP", r);
    }
}
