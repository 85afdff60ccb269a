package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.ops.ActivationOp;

/**
 * An {@link ActivationLayer} computed on shares: any activation {@link SecureActivations} supports, applied exactly
 * with comparisons ({@link ActivationOp}).
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureActivationLayer extends ActivationLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.noParams(this, SecureActivations.whyUnsupported(getActivationFn()),
                () -> new ActivationOp(SecureActivations.standalone(getActivationFn())), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, networkDataType);
    }
}
