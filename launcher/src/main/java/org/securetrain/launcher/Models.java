package org.securetrain.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The ordinary DL4J configurations the samples and the launcher train on Fashion-MNIST ([n, 784] input,
 * 10 classes). Nothing secure here: these are exactly what a DL4J user writes.
 */
public final class Models {
    private Models() {
    }

    /** MLP 784-hidden-10: Dense(ReLU), softmax output with cross-entropy, Nesterov momentum. */
    public static MultiLayerConfiguration mlp(int hidden, double lr, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new Nesterovs(lr, 0.9))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /**
     * LeNet-style CNN: conv 5x5 (c1 maps) - ReLU - max-pool 2x2 - conv 5x5 (c2 maps) - ReLU - max-pool 2x2 -
     * dense(ReLU) - softmax output. Input is the flat [n, 784] image (DL4J's preprocessors reshape it).
     */
    public static MultiLayerConfiguration cnn(int c1, int c2, int dense, double lr, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new Nesterovs(lr, 0.9))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(c1).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(c2).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(dense).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }

    /**
     * A model from DL4J's JSON of either kind, told apart by content: a {@code MultiLayerConfiguration.toJson()} has
     * the layer list {@code "confs"}, a {@code ComputationGraphConfiguration.toJson()} the {@code "vertices"} and
     * {@code "networkInputs"}. Names the file and the cause when it is neither or does not parse.
     */
    public static ModelConfiguration configurationFromJson(Path file) throws IOException {
        String json = readModelFile(file);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IOException("model configuration " + file + " is not JSON: " + e.getMessage(), e);
        }
        boolean layers = root != null && root.isObject() && root.has("confs");
        boolean graph = root != null && root.isObject() && root.has("vertices") && root.has("networkInputs");
        if (layers == graph) {
            throw new IOException("model configuration " + file + " is neither a DL4J MultiLayerConfiguration JSON "
                    + "(an object with \"confs\") nor a ComputationGraphConfiguration JSON (an object with "
                    + "\"vertices\" and \"networkInputs\")" + (layers ? ": it has both" : ""));
        }
        try {
            return layers ? ModelConfiguration.of(MultiLayerConfiguration.fromJson(json))
                    : ModelConfiguration.of(ComputationGraphConfiguration.fromJson(json));
        } catch (RuntimeException e) {
            throw new IOException("model configuration " + file + " looks like a DL4J "
                    + (layers ? "MultiLayerConfiguration" : "ComputationGraphConfiguration") + " JSON but DL4J cannot "
                    + "read it: " + e.getMessage(), e);
        }
    }

    private static String readModelFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model configuration " + file + " does not exist (use mlp, cnn or a DL4J JSON file)");
        }
        return Files.readString(file);
    }

    /** A configuration from DL4J's JSON ({@code MultiLayerConfiguration.toJson()}), naming the file on failure. */
    public static MultiLayerConfiguration fromJson(Path file) throws IOException {
        String json = readModelFile(file);
        try {
            return MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new IOException("model configuration " + file + " is not a DL4J MultiLayerConfiguration JSON: "
                    + e.getMessage(), e);
        }
    }
}
