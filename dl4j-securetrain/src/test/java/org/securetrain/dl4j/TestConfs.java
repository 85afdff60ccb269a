package org.securetrain.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Ordinary DL4J configurations, built exactly as a user would. */
final class TestConfs {
    private TestConfs() {
    }

    /** 16-32-3 MLP: Dense(ReLU) then softmax output with MCXENT. */
    static MultiLayerConfiguration mlp(IUpdater updater, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(16).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /** Flat 8x8 image input -> max-pool 2x2 -> Dense(ReLU) -> softmax output (preprocessors inferred). */
    static MultiLayerConfiguration poolNet(IUpdater updater, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(24).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1))
                .build();
    }
}
