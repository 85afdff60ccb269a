package org.securetrain.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Hidden softsign, ELU and SELU (issue 16): forward by the exact reciprocal and exp with their proven bounds, backward
 * by DL4J's derivatives (1/(1 + |x|)^2; alpha e^x or 1; lambda alpha e^x or lambda), against plaintext DL4J on the
 * same seed and batches with the bounds of the other parity tests: an MLP with the three as dense layers (ELU with a
 * non-default alpha) and a standalone ELU activation layer on the insecure reference backend, and a small softsign /
 * SELU MLP with the real two-party protocols.
 */
class SoftsignEluSeluTest {

    @Test
    void softsignEluSeluMlpMatchesDl4jOnTheReference() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), 29).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.SOFTSIGN).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(new ActivationELU(0.5)).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.SELU).build())
                .layer(new ActivationLayer.Builder().activation(Activation.ELU).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        CoverageReferenceTest.check("softsign/ELU/SELU MLP, reference backend",
                Parity.reference(conf, CoverageReferenceTest.classes(12, 3, 31), 2));
    }

    @Test
    void softsignSeluMlpMatchesDl4jWithTheRealProtocols() {
        int n = 6;
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.1, 0.9), 37).list()
                .layer(new DenseLayer.Builder().nIn(n).nOut(8).activation(Activation.SOFTSIGN).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.SELU).build())
                .layer(new OutputLayer.Builder(new LossMSE()).nOut(2).activation(Activation.IDENTITY).build())
                .build();
        INDArray proj = Nd4j.linspace(-1, 1, n * 2, DataType.DOUBLE).reshape(n, 2);
        Parity.Result r = Parity.twoParty(TwoPartyHarness.backendFactory(Parity.F), conf,
                Parity.batches(47, 24, 8, new long[] {0, n}, x -> x.castTo(DataType.DOUBLE).mmul(proj)), 1);
        CoverageReferenceTest.check("two-party softsign/SELU MLP", r);
    }
}
