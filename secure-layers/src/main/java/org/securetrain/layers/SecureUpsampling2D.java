package org.securetrain.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.ops.ReshapeOps;

/** A {@link Upsampling2D} computed on shares ({@link ReshapeOps}). */
public class SecureUpsampling2D extends Upsampling2D {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.noParams(this, SecureReshaping.whyUnsupported(this),
                () -> ReshapeOps.upsampling2d(getSize()), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams, networkDataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecureUpsampling2D && super.equals(o);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof SecureUpsampling2D;
    }

    @Override
    public String toString() {
        return "Secure" + super.toString();
    }
}
