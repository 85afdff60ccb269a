package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.core.DropoutMasks;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * A {@link DropoutLayer} on shares: the identity, with DL4J's inverted dropout on its input in training passes, applied
 * by the layer core from the public per-step mask ({@link DropoutMasks}).
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureDropoutLayer extends DropoutLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.noParams(this, DropoutMasks.whyUnsupported(getIDropout()), SecureDropoutLayer::identity,
                conf, trainingListeners, layerIndex, layerParamsView, initializeParams, networkDataType);
    }

    /** The layer's op: the identity (the core applies the mask to the input before it). */
    private static SecureOp identity() {
        return new SecureOp("dropout", org.deeplearning4j.nn.api.Layer.Type.FEED_FORWARD) {
            @Override
            public SharedTensor forward(OpStep step, SharedTensor x) {
                return x;
            }

            @Override
            public SharedTensor backward(OpStep step, SharedTensor dy) {
                return step.needInputGradient() ? dy : null;
            }
        };
    }
}
