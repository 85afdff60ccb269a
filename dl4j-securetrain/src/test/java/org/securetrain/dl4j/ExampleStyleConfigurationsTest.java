package org.securetrain.dl4j;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Configurations written the way DL4J's examples write them (our own, not copied): each attaches unchanged and trains
 * with parity to plaintext DL4J (INSECURE reference backend: the integration and fixed-point semantics), and the
 * smallest one also two-party with the real protocols. Tiny data of the right shapes, a few steps each.
 */
class ExampleStyleConfigurationsTest {

    /** An Iris-like classifier: 4 features, two hidden layers of 3 units, 3 classes, L2. */
    static MultiLayerConfiguration iris() {
        return new NeuralNetConfiguration.Builder()
                .seed(123)
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .updater(new Sgd(0.1))
                .l2(1e-4)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(3).nOut(3).activation(Activation.LEAKYRELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                        .activation(Activation.SOFTMAX).nIn(3).nOut(3).build())
                .build();
    }

    /** LeNet-style: conv 5x5, max-pool, conv 5x5, max-pool, dense with dropout, softmax; L2, a learning-rate schedule. */
    static MultiLayerConfiguration lenet() {
        return new NeuralNetConfiguration.Builder()
                .seed(123)
                .dataType(DataType.DOUBLE)
                .l2(5e-4)
                .weightInit(WeightInit.XAVIER)
                .updater(new Nesterovs(new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.06, 3, 0.03)), 0.9))
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(1).stride(1, 1).nOut(6).activation(Activation.IDENTITY)
                        .build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().activation(Activation.RELU).nOut(32).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(20, 20, 1))
                .build();
    }

    /** CIFAR-style: Same-padded 3x3 convolutions with LeakyReLU, AVG pooling, dense, softmax. */
    static MultiLayerConfiguration cifar() {
        return new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.DOUBLE)
                .updater(new Nesterovs(0.02, 0.9))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(3).nOut(8).activation(Activation.LEAKYRELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.LEAKYRELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(24).activation(Activation.LEAKYRELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(12, 12, 3))
                .build();
    }

    /** A regression: MSE or L1 output with identity activation. */
    static MultiLayerConfiguration regression(LossFunctions.LossFunction loss) {
        return new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .updater(new Nesterovs(0.01, 0.9))
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).activation(Activation.IDENTITY).nIn(16).nOut(1).build())
                .build();
    }

    /** An autoencoder: 16 -> 8 -> 4 -> 8 -> 16 with MSE on its own input. */
    static MultiLayerConfiguration autoencoder() {
        return new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .updater(new Sgd(0.05))
                .l2(1e-4)
                .list()
                .layer(new DenseLayer.Builder().nIn(16).nOut(8).activation(Activation.LEAKYRELU).build())
                .layer(new DenseLayer.Builder().nIn(8).nOut(4).activation(Activation.LEAKYRELU).build())
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.LEAKYRELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nIn(8).nOut(16).build())
                .build();
    }

    /** A Conv1D sequence classifier: 1-D convolutions over time, global max pooling, softmax. */
    static MultiLayerConfiguration sequence() {
        return new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.05, 0.9))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new Convolution1DLayer.Builder().kernelSize(3).nIn(2).nOut(8).activation(Activation.RELU)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new Convolution1DLayer.Builder().kernelSize(3).nOut(8).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(2, 20))
                .build();
    }

    @Test
    void irisLikeClassifierWithL2() {
        CoverageReferenceTest.check("Iris-like 4-3-3 + L2", Parity.reference(iris(),
                Parity.batches(61, 150, 30, new long[] {0, 4}, Parity.linearClasses(3, 62)), 3));
    }

    @Test
    void irisLikeClassifierTwoPartyWithTheRealProtocols() {
        CoverageReferenceTest.check("Iris-like 4-3-3 + L2, two parties", Parity.twoParty(
                TwoPartyHarness.backendFactory(Parity.F), iris(),
                Parity.batches(61, 60, 30, new long[] {0, 4}, Parity.linearClasses(3, 62)), 1));
    }

    @Test
    void lenetStyleCnnWithL2ScheduleAndDropout() {
        CoverageReferenceTest.check("LeNet-style CNN + L2 + schedule + dropout", Parity.reference(lenetWithoutDropout(),
                Parity.batches(63, 32, 16, new long[] {0, 400}, Parity.linearClasses(10, 64)), 2));
        // with dropout the masks come from the joint seed: it attaches and trains (parity with the same masks is
        // CoverageDropoutTest's)
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(Parity.F).insecurePlaintextReferenceForTests()
                .build();
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = SecureTrain.attach(lenet(), ctx);
        net.fit(ctx.sharedIterator(Parity.iterator(Parity.batches(63, 32, 16, new long[] {0, 400},
                Parity.linearClasses(10, 64)))), 1);
        org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(net.score()), "trains: score " + net.score());
    }

    /** The LeNet-style configuration without its dropout (parity with DL4J's own random masks is not defined). */
    static MultiLayerConfiguration lenetWithoutDropout() {
        MultiLayerConfiguration c = lenet();
        c.getConf(4).getLayer().setIDropout(null);
        return c;
    }

    @Test
    void cifarStyleNetWithSameConvolutionsAvgPoolingAndLeakyRelu() {
        CoverageReferenceTest.check("CIFAR-style Same conv + AVG pool + LeakyReLU", Parity.reference(cifar(),
                Parity.batches(65, 24, 12, new long[] {0, 3, 12, 12}, Parity.linearClasses(10, 66)), 2));
    }

    @Test
    void regressionsWithMseAndL1() {
        INDArray w = Nd4j.createFromArray(new double[][] {{0.5}, {-1.2}, {0.8}});
        for (LossFunctions.LossFunction loss : List.of(LossFunctions.LossFunction.MSE, LossFunctions.LossFunction.L1)) {
            CoverageReferenceTest.check("regression " + loss, Parity.reference(regression(loss),
                    Parity.batches(67, 96, 32, new long[] {0, 3}, x -> x.castTo(DataType.DOUBLE).mmul(w).addi(0.2)), 3));
        }
    }

    @Test
    void autoencoder16to4to16() {
        List<DataSet> batches = Parity.batches(69, 96, 32, new long[] {0, 16}, x -> x.castTo(DataType.DOUBLE));
        CoverageReferenceTest.check("autoencoder", Parity.reference(autoencoder(), batches, 3));
    }

    @Test
    void conv1dSequenceClassifier() {
        CoverageReferenceTest.check("Conv1D sequence classifier", Parity.reference(sequence(),
                Parity.batches(71, 48, 16, new long[] {0, 2, 20}, Parity.linearClasses(2, 72)), 3));
    }

    /** The CIFAR-style net two-party with the real protocols: minutes on this machine. */
    @Test
    @Tag("slow")
    void cifarStyleTwoParty() {
        CoverageReferenceTest.check("CIFAR-style, two parties", Parity.twoParty(
                TwoPartyHarness.backendFactory(Parity.F), cifar(),
                Parity.batches(65, 8, 4, new long[] {0, 3, 12, 12}, Parity.linearClasses(10, 66)), 1));
    }
}
