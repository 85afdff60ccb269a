package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A {@link Subsampling1DLayer} on shares: [batch, C, T] as [batch, C, T, 1], as {@link SecureSubsamplingLayer}. */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureSubsampling1DLayer extends Subsampling1DLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.noParams(this, SecureSubsamplingLayer.whyUnsupported(this),
                () -> SecureSubsamplingLayer.op(this, true), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams, networkDataType);
    }
}
