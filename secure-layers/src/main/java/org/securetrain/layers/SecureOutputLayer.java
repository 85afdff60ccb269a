package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * An {@link OutputLayer} computed on secret shares in "label-owner loss" mode (DESIGN.md 4.6): the pre-activation
 * outputs are revealed to the data owner only, who holds the labels and computes DL4J's output activation, loss
 * function (any {@link ILossFunction}, built-in or user-written), score and delta with DL4J's own code
 * ({@link org.securetrain.layers.core.LabelOwnerLoss}). Updaters as in {@link SecureDenseLayer}.
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureOutputLayer extends OutputLayer {

    /**
     * Null when the activation/loss pair can be computed by the label owner, else why not. Every activation and loss
     * function sees only the layer's pre-outputs and the labels, so only a missing one is refused.
     */
    public static String whyUnsupported(IActivation activation, ILossFunction loss) {
        if (activation == null) {
            return "the output layer has no activation";
        }
        if (loss == null) {
            return "the output layer has no loss function";
        }
        return null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.withWeights(this, whyUnsupported(getActivationFn(), getLossFn()),
                id -> new SecureOutputLayerImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }
}
