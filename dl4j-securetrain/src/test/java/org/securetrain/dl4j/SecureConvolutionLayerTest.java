package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.layers.SecureLayerImpl;
import org.securetrain.layers.ops.ConvolutionOp;

/**
 * SecureConvolutionLayer driven through DL4J against plaintext DL4J's ConvolutionLayer, on the reference
 * backend with the production convolution kernel (Conv2dKernel). Checks the layer's wiring: NCHW layouts,
 * DL4J's weight layout, padding, stride, fused ReLU and identity, update and reveal.
 */
class SecureConvolutionLayerTest {

    static MultiLayerConfiguration convNet() {
        return new NeuralNetConfiguration.Builder()
                .seed(21).dataType(DataType.DOUBLE).updater(new Nesterovs(0.01, 0.9)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(2, 2).stride(2, 2).nOut(6).activation(Activation.IDENTITY).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1))
                .build();
    }

    @Test
    void convNetMatchesPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(120, 64, 3, 4, 3.0);
        SecureTrainReferenceTest.Run r = SecureTrainReferenceTest.train(convNet(), data, 20, 4);
        assertInstanceOf(ConvolutionOp.class,
                assertInstanceOf(SecureLayerImpl.class, r.secure().getLayer(0)).core().op());
        double rel = r.maxRelScoreDiff();
        System.out.printf("conv net (pad 1, relu; stride 2, identity) f=%d: %d iterations, max relative loss "
                + "difference %.3e%n", SecureTrainReferenceTest.F, r.secureScores().size(), rel);
        assertEquals(24, r.secureScores().size());
        assertTrue(rel < 1e-3, "per-iteration loss relative difference " + rel);
        double diff = r.plain().params().sub(r.revealed().params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, "revealed weights differ from plaintext DL4J's by " + diff);
    }
}
