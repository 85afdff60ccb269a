package org.securetrain.layers;

import java.util.Arrays;
import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.securetrain.layers.ops.ConvolutionOp;

/**
 * A {@link ConvolutionLayer} computed on shares: NCHW, Truncate, Strict or Same mode, zero padding, dilation,
 * activation {@link SecureReLU} (fused) or identity; computed by
 * {@link org.securetrain.layers.ops.ConvolutionOp}.
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureConvolutionLayer extends ConvolutionLayer {

    /** Null when the convolution's geometry is supported on shares, else why not. */
    public static String whyUnsupported(ConvolutionLayer c) {
        ConvolutionMode m = c.getConvolutionMode();
        if (m != ConvolutionMode.Truncate && m != ConvolutionMode.Strict && m != ConvolutionMode.Same) {
            return "convolution mode " + m + " is not supported (Truncate, Strict or Same)";
        }
        if (c.getDilation() != null && Arrays.stream(c.getDilation()).anyMatch(d -> d < 1)) {
            return "dilation " + Arrays.toString(c.getDilation()) + " is not valid";
        }
        if (c.getCnn2dDataFormat() != null && c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return "data format " + c.getCnn2dDataFormat() + " is not supported (NCHW only)";
        }
        return null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.hidden(this, whyUnsupported(this),
                act -> new ConvolutionOp(this, act.fusedRelu(), act.activation()), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, networkDataType);
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }
}
