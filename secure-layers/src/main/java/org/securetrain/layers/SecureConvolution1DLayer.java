package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.securetrain.layers.ops.ConvolutionOp;

/**
 * A {@link Convolution1DLayer} computed on shares: its [batch, C, T] input (NCW) is DL4J's own 2-D view
 * [batch, C, T, 1] with kernel [k, 1] ({@link ConvolutionOp#oneDimensional}); modes and activations as
 * {@link SecureConvolutionLayer}.
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureConvolution1DLayer extends Convolution1DLayer {

    /** Null when the 1-D convolution is supported on shares, else why not. */
    public static String whyUnsupported(Convolution1DLayer c) {
        if (c.getRnnDataFormat() != null && c.getRnnDataFormat() != RNNFormat.NCW) {
            return "data format " + c.getRnnDataFormat() + " is not supported (NCW only)";
        }
        return SecureConvolutionLayer.whyUnsupported(c);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.hidden(this, whyUnsupported(this),
                act -> new ConvolutionOp(this, act.fusedRelu(), act.activation()).oneDimensional(), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams, networkDataType);
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }
}
