package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.AdaBelief;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.layers.SecureConvolutionLayer;
import org.securetrain.layers.SecureDenseLayer;
import org.securetrain.layers.SecureOutputLayer;
import org.securetrain.layers.SecureReLU;
import org.securetrain.layers.SecureSubsamplingLayer;

/** Rewriting ordinary configurations: what is kept, what is refused (naming the layer), JSON/YAML, hash. */
class SecureConfigurationTest {

    private static NeuralNetConfiguration.ListBuilder base() {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).list();
    }

    private static OutputLayer softmaxOut(int nIn) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(3)
                .activation(Activation.SOFTMAX).build();
    }

    private static UnsupportedConfigurationException refused(MultiLayerConfiguration conf) {
        return assertThrows(UnsupportedConfigurationException.class, () -> SecureTrain.secureConfiguration(conf));
    }

    @Test
    void rewriteKeepsEveryFieldAndSwitchesOnlyTheClasses() {
        MultiLayerConfiguration conf = TestConfs.poolNet(new Nesterovs(0.02, 0.9), 9);
        MultiLayerConfiguration secure = SecureTrain.secureConfiguration(conf);
        assertInstanceOf(SecureSubsamplingLayer.class, secure.getConf(0).getLayer());
        assertInstanceOf(SecureDenseLayer.class, secure.getConf(1).getLayer());
        assertInstanceOf(SecureDenseLayer.class, secure.getConf(2).getLayer());
        assertInstanceOf(SecureOutputLayer.class, secure.getConf(3).getLayer());
        SecureDenseLayer d = (SecureDenseLayer) secure.getConf(1).getLayer();
        DenseLayer orig = (DenseLayer) conf.getConf(1).getLayer();
        assertInstanceOf(SecureReLU.class, d.getActivationFn());
        assertEquals(orig.getNIn(), d.getNIn());
        assertEquals(orig.getNOut(), d.getNOut());
        assertEquals(orig.getIUpdater(), d.getIUpdater(), "the user's updater stays in the configuration");
        assertEquals(orig.getWeightInitFn(), d.getWeightInitFn());
        assertInstanceOf(CnnToFeedForwardPreProcessor.class, secure.getInputPreProcess(1));
        // the input conf is not modified, and a secure conf differs from the plain one
        assertEquals(DenseLayer.class, conf.getConf(1).getLayer().getClass());
        assertNotEquals(conf, secure);
        assertNotEquals(secure.getConf(1).getLayer(), conf.getConf(1).getLayer());
        assertNotEquals(conf.getConf(1).getLayer(), secure.getConf(1).getLayer());
        // idempotent, and plain -> secure -> plain gives the original back
        assertEquals(secure, SecureTrain.secureConfiguration(secure));
        assertEquals(conf, SecureTrain.plainConfiguration(secure));
    }

    @Test
    void secureConfigurationRoundTripsThroughJsonAndYaml() {
        MultiLayerConfiguration secure = SecureTrain.secureConfiguration(TestConfs.poolNet(new Sgd(0.03), 9));
        String json = secure.toJson();
        assertTrue(json.contains("org.securetrain.layers.SecureDenseLayer"), json);
        assertTrue(json.contains("org.securetrain.layers.SecureReLU"), json);
        assertEquals(secure, MultiLayerConfiguration.fromJson(json));
        assertEquals(secure, MultiLayerConfiguration.fromYaml(secure.toYaml()));
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertInstanceOf(SecureSubsamplingLayer.class, back.getConf(0).getLayer());
        assertInstanceOf(SecureOutputLayer.class, back.getConf(3).getLayer());
    }

    @Test
    void refusesAnUnsupportedLayerNamingIt() {
        UnsupportedConfigurationException e = refused(base()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer.Builder().nIn(8).nOut(8)
                        .build())
                .layer(softmaxOut(8)).build());
        assertEquals(1, e.layerIndex());
        assertEquals("ElementWiseMultiplicationLayer", e.layerType());
        assertTrue(e.getMessage().startsWith("layer 1 (ElementWiseMultiplicationLayer): not supported"),
                e.getMessage());
    }

    @Test
    void refusesGradientNormalizationOnBatchNormalizationNamingTheCause() {
        UnsupportedConfigurationException e = refused(base()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().nOut(8)
                        .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipElementWiseAbsoluteValue)
                        .build())
                .layer(softmaxOut(8)).build());
        assertEquals(1, e.layerIndex());
        assertTrue(e.getMessage().startsWith("layer 1 (BatchNormalization): gradient normalisation on "
                + "BatchNormalization is not supported"), e.getMessage());
    }

    @Test
    void refusesAdaBeliefNamingTheLayer() {
        UnsupportedConfigurationException e = refused(new NeuralNetConfiguration.Builder().updater(new AdaBelief(1e-3))
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(softmaxOut(8)).build());
        assertEquals(0, e.layerIndex());
        assertTrue(e.getMessage().startsWith("layer 0 (DenseLayer): updater AdaBelief is not supported"), e.getMessage());
    }

    /** Adam's hyper-parameters that the fixed-point update cannot carry are refused before training, naming them. */
    @Test
    void refusesAdamHyperParametersTheSharesCannotCarryNamingTheCause() {
        UnsupportedConfigurationException tinyEps = refused(new NeuralNetConfiguration.Builder()
                .updater(new org.nd4j.linalg.learning.config.Adam(1e-3, 0.9, 0.999, 1e-12)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(softmaxOut(8)).build());
        assertTrue(tinyEps.getMessage().contains("epsilon must be in [1.0E-10, 1)"), tinyEps.getMessage());
        UnsupportedConfigurationException betas = refused(new NeuralNetConfiguration.Builder()
                .updater(new org.nd4j.linalg.learning.config.Adam(1e-3, 0.99, 0.9, 1e-8)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(softmaxOut(8)).build());
        assertTrue(betas.getMessage().contains("needs beta1^2 < beta2"), betas.getMessage());
    }

    /**
     * AdaDelta's rho or epsilon that the fixed-point update cannot carry, weight decay with applyLR (AdaDelta has no
     * learning rate) and an L2 clipping threshold outside the supported range are refused before training, naming them.
     */
    @Test
    void refusesAdaDeltaAndL2ClippingParametersTheSharesCannotCarryNamingTheCause() {
        UnsupportedConfigurationException rho = refused(new NeuralNetConfiguration.Builder()
                .updater(new org.nd4j.linalg.learning.config.AdaDelta(0.99999999, 1e-6)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(softmaxOut(8)).build());
        assertTrue(rho.getMessage().contains("AdaDelta: rho must be in"), rho.getMessage());
        UnsupportedConfigurationException decay = refused(new NeuralNetConfiguration.Builder()
                .updater(new org.nd4j.linalg.learning.config.AdaDelta()).weightDecay(1e-3, true).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(softmaxOut(8)).build());
        assertTrue(decay.getMessage().contains("applyLR"), decay.getMessage());
        UnsupportedConfigurationException clip = refused(base()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU)
                        .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerParamType)
                        .gradientNormalizationThreshold(0).build())
                .layer(softmaxOut(8)).build());
        assertTrue(clip.getMessage().contains("ClipL2PerParamType: L2 gradient clipping needs a threshold"),
                clip.getMessage());
    }

    @Test
    void refusesAnUnsupportedActivationNamingTheLayer() {
        UnsupportedConfigurationException e = refused(base()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(8).nOut(8).activation(Activation.SOFTPLUS).build())
                .layer(softmaxOut(8)).build());
        assertEquals(1, e.layerIndex());
        assertTrue(e.getMessage().startsWith("layer 1 (DenseLayer): activation softplus is not supported"), e.getMessage());
    }

    @Test
    void mseLossIsAcceptedSinceTheLabelOwnerRunsDl4jsLossCode() {
        // refused before issue 15; every output activation and loss is now computed by the label owner
        MultiLayerConfiguration secure = SecureTrain.secureConfiguration(base()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(3)
                        .activation(Activation.IDENTITY).build()).build());
        assertInstanceOf(SecureOutputLayer.class, secure.getConf(1).getLayer());
    }

    @Test
    void dropoutRegularisationSameModeAndAveragePoolingAreAcceptedANonOutputLastLayerIsNot() {
        // refused before issue 15, supported now
        assertInstanceOf(SecureDenseLayer.class, SecureTrain.secureConfiguration(base()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).dropOut(0.5).build())
                .layer(softmaxOut(8)).build()).getConf(0).getLayer());
        assertInstanceOf(SecureDenseLayer.class, SecureTrain.secureConfiguration(
                new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).l2(1e-4).list()
                        .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                        .layer(softmaxOut(8)).build()).getConf(0).getLayer());
        assertInstanceOf(SecureSubsamplingLayer.class, SecureTrain.secureConfiguration(base()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(softmaxOut(16)).setInputType(InputType.convolutional(8, 8, 1)).build()).getConf(0).getLayer());
        assertInstanceOf(SecureSubsamplingLayer.class, SecureTrain.secureConfiguration(base()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(softmaxOut(16)).setInputType(InputType.convolutional(8, 8, 1)).build()).getConf(0).getLayer());
        // still refused: PNORM pooling, a last layer that is not an output layer
        assertTrue(refused(base()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.PNORM).kernelSize(2, 2).stride(2, 2)
                        .pnorm(2).build())
                .layer(softmaxOut(16)).setInputType(InputType.convolutional(8, 8, 1)).build())
                .getMessage().contains("PNORM"));
        assertTrue(refused(base().layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .build()).getMessage().contains("last layer must be an output layer"));
    }

    @Test
    void convolutionIsRewrittenWithSameModeAndDilationNhwcRefused() {
        MultiLayerConfiguration conf = base()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(softmaxOut(0)).setInputType(InputType.convolutional(8, 8, 1)).build();
        MultiLayerConfiguration secure = SecureTrain.secureConfiguration(conf);
        assertInstanceOf(SecureConvolutionLayer.class, secure.getConf(0).getLayer());
        assertInstanceOf(SecureReLU.class, ((SecureConvolutionLayer) secure.getConf(0).getLayer()).getActivationFn());
        // Same mode and dilation: supported since issue 15
        assertInstanceOf(SecureConvolutionLayer.class, SecureTrain.secureConfiguration(base()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU)
                        .convolutionMode(ConvolutionMode.Same).dilation(2, 2).build())
                .layer(softmaxOut(0)).setInputType(InputType.convolutional(8, 8, 1)).build()).getConf(0).getLayer());
        UnsupportedConfigurationException e = refused(base()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU)
                        .dataFormat(org.deeplearning4j.nn.conf.CNN2DFormat.NHWC).build())
                .layer(softmaxOut(0)).setInputType(InputType.convolutional(8, 8, 1,
                        org.deeplearning4j.nn.conf.CNN2DFormat.NHWC)).build());
        assertTrue(e.getMessage().startsWith("layer 0 (ConvolutionLayer): data format NHWC"), e.getMessage());
    }

    @Test
    void configHashIgnoresSeedsAndCountersButNotWhatIsComputed() {
        MultiLayerConfiguration a = TestConfs.mlp(new Sgd(0.05), 1);
        byte[] h = SecureTrain.configHash(a, 20);
        assertEquals(32, h.length);
        assertArrayEquals(h, SecureTrain.configHash(TestConfs.mlp(new Sgd(0.05), 2)  , 20), "seed is not hashed");
        assertArrayEquals(h, SecureTrain.configHash(SecureTrain.secureConfiguration(a), 20), "plain or secure alike");
        assertFalse(Arrays.equals(h, SecureTrain.configHash(a, 21)));
        assertFalse(Arrays.equals(h, SecureTrain.configHash(TestConfs.mlp(new Nesterovs(0.05, 0.9), 1), 20)));
        MultiLayerConfiguration trained = a.clone();
        trained.setIterationCount(17);
        assertArrayEquals(h, SecureTrain.configHash(trained, 20));
        MultiLayerConfiguration floatNet = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Sgd(0.05)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(16).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(3)
                        .activation(Activation.SOFTMAX).build()).build();
        assertFalse(Arrays.equals(h, SecureTrain.configHash(floatNet, 20)), "network data type is part of the config");
    }
}
