package org.securetrain.dl4j;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Pooling and reshaping layers of issue 15 (INSECURE reference backend) against plaintext DL4J: AVG/SUM pooling with
 * DL4J's divisors, MAX with padding and Same mode, global pooling, zero padding, Same-mode and dilated convolutions,
 * upsampling, and the 1-D convolution and pooling of a sequence classifier.
 */
class CoveragePoolingTest {

    @Test
    void imageWindowsMatchDl4j() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), 17).list()
                .layer(new ZeroPaddingLayer.Builder(1, 0, 1, 0).build())
                .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.LEAKYRELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1).padding(1, 1)
                        .build())
                .layer(new Upsampling2D.Builder(2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).dilation(2, 2).nOut(3).activation(Activation.IDENTITY)
                        .build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(10, 10, 1))
                .build();
        CoverageReferenceTest.check("image windows", Parity.reference(conf,
                Parity.batches(51, 48, 12, new long[] {0, 1, 10, 10}, Parity.linearClasses(3, 52)), 2));
    }

    @Test
    void averagePoolingDivisorsAndGlobalPoolingMatchDl4j() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Sgd(0.1), 18).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).padding(1, 1).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1).padding(1, 1)
                        .avgPoolIncludePadInDivisor(true).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(9, 9, 1))
                .build();
        CoverageReferenceTest.check("AVG divisors + global AVG", Parity.reference(conf,
                Parity.batches(53, 48, 12, new long[] {0, 1, 9, 9}, Parity.linearClasses(3, 54)), 2));
        MultiLayerConfiguration sum = CoverageReferenceTest.base(new Sgd(0.02), 19).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.HARDTANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.SUM).collapseDimensions(true).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        CoverageReferenceTest.check("global SUM", Parity.reference(sum,
                Parity.batches(55, 48, 12, new long[] {0, 1, 6, 6}, Parity.linearClasses(3, 56)), 2));
    }

    @Test
    void sequenceClassifierWithConv1dMatchesDl4j() {
        // a FLOAT network: DL4J 1.0.0-M2.1's own Convolution1DLayer corrupts native memory (abort) on FLOAT input in
        // a DOUBLE network
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), 20)
                .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT).list()
                .layer(new Convolution1DLayer.Builder(3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new Subsampling1DLayer.Builder(PoolingType.MAX).kernelSize(2).stride(2).build())
                .layer(new Convolution1DLayer.Builder(2).nOut(4).dilation(2).activation(Activation.LEAKYRELU).build())
                .layer(new Subsampling1DLayer.Builder(PoolingType.AVG).kernelSize(2).stride(1).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(3, 16))
                .build();
        CoverageReferenceTest.check("Conv1D sequence classifier", Parity.reference(conf,
                Parity.batches(57, 48, 12, new long[] {0, 3, 16}, Parity.linearClasses(2, 58)), 2));
    }
}
