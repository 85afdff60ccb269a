package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.ops.GlobalPoolOp;

/** A {@link GlobalPoolingLayer} computed on shares ({@link GlobalPoolOp}). */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureGlobalPoolingLayer extends GlobalPoolingLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.noParams(this, SecureReshaping.whyUnsupported(this),
                () -> new GlobalPoolOp(getPoolingType(), isCollapseDimensions()), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, networkDataType);
    }
}
