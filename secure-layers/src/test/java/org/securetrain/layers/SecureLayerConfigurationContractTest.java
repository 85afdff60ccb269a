package org.securetrain.layers;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * What DL4J and the rewriting rely on in every secure layer configuration: a secure configuration equals another with
 * the same fields (same hash), never the plain one with the same fields in either direction, survives DL4J's JSON
 * as its own class, prints as its class around its plain twin, and shows DL4J a NoOp updater where it has
 * parameters (the secure step runs inside the layer).
 */
class SecureLayerConfigurationContractTest {

    /** One plain configuration per secure class, with fields away from their defaults. */
    static Stream<Layer> plainLayers() {
        return Stream.of(
                new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU).updater(new Nesterovs(0.1, 0.9))
                        .name("d").build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(),
                new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(),
                new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
                new Subsampling1DLayer.Builder(PoolingType.AVG).kernelSize(2).stride(2).build(),
                new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(2).stride(1, 1).activation(Activation.RELU).build(),
                new Convolution1DLayer.Builder().kernelSize(3).nIn(1).nOut(2).activation(Activation.IDENTITY).build(),
                new ActivationLayer.Builder().activation(Activation.HARDTANH).build(),
                new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                new ZeroPaddingLayer.Builder(1, 2).build(),
                new Upsampling2D.Builder(2).build(),
                new DropoutLayer.Builder(0.5).build(),
                new BatchNormalization.Builder().nOut(4).eps(1e-4).build());
    }

    /** The secure twin of {@code plain}, as the rewriting makes it: DL4J's JSON with the class switched. */
    private static Layer secureTwin(Layer plain) throws Exception {
        ObjectMapper json = NeuralNetConfiguration.mapper();
        String name = plain.getClass().getName();
        String secure = "org.securetrain.layers.Secure" + plain.getClass().getSimpleName();
        return json.readValue(json.writeValueAsString(plain).replace('"' + name + '"', '"' + secure + '"'),
                Layer.class);
    }

    @ParameterizedTest
    @MethodSource("plainLayers")
    void equalityHashJsonAndTextAreThoseOfASeparateClass(Layer plain) throws Exception {
        Layer secure = secureTwin(plain);
        String expectedClass = "Secure" + plain.getClass().getSimpleName();
        assertEquals(expectedClass, secure.getClass().getSimpleName());
        Layer other = secureTwin(plain);
        assertNotSame(secure, other);
        assertEquals(secure, other);
        assertEquals(secure.hashCode(), other.hashCode());
        // a secure configuration never equals the plain one with the same fields, in either direction
        assertNotEquals(secure, plain);
        assertNotEquals(plain, secure);
        // the hash is the plain twin's (it covers the fields; equality separates the classes)
        assertEquals(plain.hashCode(), secure.hashCode());
        // a field that differs makes them unequal
        other.setLayerName("renamed");
        assertNotEquals(secure, other);
        assertNotEquals(other, secure);
        // DL4J's JSON brings the secure class back, equal
        ObjectMapper json = NeuralNetConfiguration.mapper();
        String text = json.writeValueAsString(secure);
        assertTrue(text.contains("org.securetrain.layers." + expectedClass), text);
        Layer back = json.readValue(text, Layer.class);
        assertEquals(secure.getClass(), back.getClass());
        assertEquals(secure, back);
        assertEquals(secure.hashCode(), back.hashCode());
        // clone keeps the class and the fields
        assertEquals(secure, secure.clone());
        assertEquals(secure.getClass(), secure.clone().getClass());
        // printed as the secure class around its plain twin
        assertEquals(expectedClass + "(super=" + plain + ")", secure.toString());
        // DL4J's own updater sees NoOp for every parameter of a layer with parameters
        if (secure.initializer().numParams(secure) > 0) {
            for (String param : List.of("W", "b", "gamma", "beta")) {
                assertEquals(new NoOp(), secure.getUpdaterByParam(param), expectedClass + " " + param);
            }
        }
    }
}
