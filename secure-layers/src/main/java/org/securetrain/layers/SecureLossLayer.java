package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link LossLayer} (no parameters: activation and loss on the previous layer's output) in label-owner mode: its
 * input is revealed to the data owner, who applies DL4J's activation and loss function and shares the gradient back
 * ({@link org.securetrain.layers.core.LabelOwnerLoss}). The input is what a {@link SecureOutputLayer} would reveal
 * as its pre-outputs: no new leakage. Two-dimensional input only ([batch, n]).
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureLossLayer extends LossLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.instantiate(this, SecureOutputLayer.whyUnsupported(getActivationFn(), getLossFn()),
                id -> new SecureLossLayerImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }
}
