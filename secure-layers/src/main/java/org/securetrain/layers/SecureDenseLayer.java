package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.securetrain.layers.ops.DenseOp;

/**
 * A {@link DenseLayer} computed on secret shares. It is a DenseLayer in every respect DL4J can see
 * (fields, input-type inference, preprocessors, UI, {@code instanceof}); only its implementation differs.
 * Activation: {@link SecureReLU} (fused into the layer), identity, or a piecewise-linear one ({@link SecureActivations}).
 *
 * <p>The configured updater ({@code getIUpdater()}, {@code getBiasUpdater()}) is the one the secure step
 * uses ({@link org.securetrain.layers.core.SecureUpdaters}); DL4J itself is told the parameters have a
 * {@link NoOp} updater, because its parameter array is only a monitor and the real weights are 64-bit shares
 * inside the layer.
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureDenseLayer extends DenseLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.hidden(this, hasLayerNorm() ? "layer normalisation is not supported on shares" : null,
                act -> DenseOp.hidden(this, act.fusedRelu(), act.activation()), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, networkDataType);
    }

    /** DL4J's updater leaves the monitor parameters alone; the secure step runs inside the layer. */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }
}
