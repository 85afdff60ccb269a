package org.securetrain.layers;

import java.util.Arrays;
import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.ops.MaxPoolOp;
import org.securetrain.layers.ops.SumPoolOp;

/**
 * A {@link SubsamplingLayer} computed on shares: MAX pooling (a comparison tree with one-hot argmax, DESIGN.md 4.5),
 * AVG pooling (local window sums times the public 1/count, one faithful truncation); NCHW, padding,
 * convolution mode Truncate, Strict or Same; no dilation.
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureSubsamplingLayer extends SubsamplingLayer {

    /** Null when {@code s} can be computed on shares, else why not. */
    public static String whyUnsupported(SubsamplingLayer s) {
        org.deeplearning4j.nn.conf.layers.PoolingType t = s.getPoolingType();
        if (t == org.deeplearning4j.nn.conf.layers.PoolingType.SUM) {
            // the secure kernel computes it (SumPoolKernel), but the revealed plain network could not run it
            return "SUM subsampling is not supported: DL4J 1.0.0-M2.1 itself does not run it (use AVG, or a "
                    + "GlobalPoolingLayer with SUM)";
        }
        if (t != org.deeplearning4j.nn.conf.layers.PoolingType.MAX && t != org.deeplearning4j.nn.conf.layers.PoolingType.AVG) {
            return "pooling type " + t + " is not supported (MAX, AVG; PNORM needs powers and roots of secrets)";
        }
        ConvolutionMode m = s.getConvolutionMode();
        if (m != ConvolutionMode.Truncate && m != ConvolutionMode.Strict && m != ConvolutionMode.Same) {
            return "convolution mode " + m + " is not supported (Truncate, Strict or Same)";
        }
        if (s.getDilation() != null && Arrays.stream(s.getDilation()).anyMatch(d -> d != 1)) {
            return "dilation " + Arrays.toString(s.getDilation()) + " is not supported for pooling";
        }
        if (s.getCnn2dDataFormat() != null && s.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return "data format " + s.getCnn2dDataFormat() + " is not supported (NCHW only)";
        }
        return null;
    }

    /** The op computing {@code s}: max or sum/average pooling, 2-D or 1-D. */
    static SecureOp op(SubsamplingLayer s, boolean oneD) {
        if (s.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX) {
            MaxPoolOp op = new MaxPoolOp(s);
            return oneD ? op.oneDimensional() : op;
        }
        return new SumPoolOp(s, oneD);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.noParams(this, whyUnsupported(this), () -> op(this, false), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, networkDataType);
    }
}
