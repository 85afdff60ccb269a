package org.securetrain.layers;

import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layermath.ElementwiseActivation;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SecureUpdaters;

/**
 * What every secure configuration's {@code instantiate} shares: the checks DL4J cannot know (refused options,
 * activations, updaters) and wiring the implementation into DL4J as its own layers are.
 */
final class SecureLayerFactory {
    private SecureLayerFactory() {
    }

    /** The layer in messages at instantiation: "layer 3 (SecureDenseLayer)". */
    static String id(int index, Layer conf) {
        return "layer " + index + " (" + conf.getClass().getSimpleName() + ")";
    }

    /** Refuses the configuration with {@code why} (null: supported), naming the layer. */
    static void refuseIf(String why, String id) {
        if (why != null) {
            throw new IllegalStateException(id + ": " + why);
        }
    }

    /**
     * A hidden layer's activation on shares: the fused exact ReLU ({@link SecureReLU}, or a plain ReLU), identity, or
     * an element-wise activation applied after the product's truncation (piecewise-linear, sigmoid, tanh); anything
     * else is refused naming the layer.
     */
    record HiddenActivation(boolean fusedRelu, ElementwiseActivation activation) {
        static HiddenActivation of(IActivation a, String id) {
            String why = SecureActivations.whyUnsupported(a);
            if (why != null) {
                throw new IllegalStateException(id + ": " + why);
            }
            boolean relu = a instanceof SecureReLU || SecureActivations.isPlainRelu(a);
            return new HiddenActivation(relu, relu ? null : SecureActivations.elementwise(a));
        }
    }

    /**
     * {@code instantiate} of a layer with weights and a hidden activation ({@link #withWeights}); the layer is
     * computed by the op {@code op} builds for its supported activation.
     */
    static org.deeplearning4j.nn.api.Layer hidden(FeedForwardLayer self, String why,
            Function<HiddenActivation, SecureOp> op, NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        return withWeights(self, why, id -> new SecureLayerImpl(conf, networkDataType,
                op.apply(HiddenActivation.of(self.getActivationFn(), id))), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** {@code instantiate} of a parameter-free layer computed by {@code op} ({@link #instantiate}). */
    static org.deeplearning4j.nn.api.Layer noParams(Layer self, String why, Supplier<SecureOp> op,
            NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return instantiate(self, why, id -> new SecureNoParamLayerImpl(conf, networkDataType, op.get()), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    /** {@link #instantiate} of a layer with weights, which first needs nIn and nOut set (DL4J's own check). */
    static org.deeplearning4j.nn.api.Layer withWeights(FeedForwardLayer self, String why,
            Function<String, AbstractLayer<?>> impl, NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams) {
        LayerValidation.assertNInNOutSet(self.getClass().getSimpleName(), self.getLayerName(), layerIndex,
                self.getNIn(), self.getNOut());
        return instantiate(self, why, impl, conf, trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    /**
     * What every secure {@code instantiate} does: {@code why} refuses the configuration (null: supported), naming
     * the layer; then the implementation {@code impl} makes for the layer's id is {@link #wire wired}.
     */
    static org.deeplearning4j.nn.api.Layer instantiate(Layer self, String why,
            Function<String, AbstractLayer<?>> impl, NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams) {
        String id = id(layerIndex, self);
        refuseIf(why, id);
        return wire(impl.apply(id), conf, trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    /**
     * Checks the configured updaters (only those with a secure step), then hands DL4J {@code impl} with its
     * listeners, index, parameter views and configuration, as DL4J's own {@code instantiate} does.
     */
    static <L extends AbstractLayer<?>> L wire(L impl, NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams) {
        Layer layerConf = conf.getLayer();
        String id = id(layerIndex, layerConf);
        if (layerConf instanceof BaseLayer b && layerConf.initializer().numParams(conf) > 0) {
            SecureUpdaters.toSgdConfig(b.getIUpdater(), id);
            if (b.getBiasUpdater() != null) {
                SecureUpdaters.toSgdConfig(b.getBiasUpdater(), id + " bias");
            }
        }
        impl.setListeners(trainingListeners);
        impl.setIndex(layerIndex);
        impl.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = layerConf.initializer().init(conf, layerParamsView, initializeParams);
        impl.setParamTable(paramTable);
        impl.setConf(conf);
        return impl;
    }
}
