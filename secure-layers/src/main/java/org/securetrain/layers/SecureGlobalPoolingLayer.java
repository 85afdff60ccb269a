package org.securetrain.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.ops.GlobalPoolOp;

/** A {@link GlobalPoolingLayer} computed on shares ({@link GlobalPoolOp}). */
public class SecureGlobalPoolingLayer extends GlobalPoolingLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.noParams(this, SecureReshaping.whyUnsupported(this),
                () -> new GlobalPoolOp(getPoolingType(), isCollapseDimensions()), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, networkDataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecureGlobalPoolingLayer && super.equals(o);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof SecureGlobalPoolingLayer;
    }

    @Override
    public String toString() {
        return "Secure" + super.toString();
    }
}
