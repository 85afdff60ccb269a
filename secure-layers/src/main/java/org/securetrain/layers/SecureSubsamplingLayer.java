package org.securetrain.layers;

import java.util.Arrays;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.ops.MaxPoolOp;

/**
 * A {@link SubsamplingLayer} computed on shares: MAX pooling only (a garbled max tree with one-hot argmax,
 * DESIGN.md 4.5), NCHW, no padding, no dilation, convolution mode Truncate or Strict.
 */
public class SecureSubsamplingLayer extends SubsamplingLayer {

    public SecureSubsamplingLayer() {
        super();
    }

    /** Null when {@code s} can be computed by the secure max-pool kernel, else why not. */
    public static String whyUnsupported(SubsamplingLayer s) {
        if (s.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.MAX) {
            return "pooling type " + s.getPoolingType() + " is not supported: only MAX pooling is secure so far";
        }
        if (s.getConvolutionMode() != ConvolutionMode.Truncate && s.getConvolutionMode() != ConvolutionMode.Strict) {
            return "convolution mode " + s.getConvolutionMode() + " is not supported (Truncate or Strict only)";
        }
        if (s.getPadding() != null && Arrays.stream(s.getPadding()).anyMatch(p -> p != 0)) {
            return "padding " + Arrays.toString(s.getPadding()) + " is not supported for max pooling";
        }
        if (s.getDilation() != null && Arrays.stream(s.getDilation()).anyMatch(d -> d != 1)) {
            return "dilation " + Arrays.toString(s.getDilation()) + " is not supported";
        }
        if (s.getCnn2dDataFormat() != null && s.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return "data format " + s.getCnn2dDataFormat() + " is not supported (NCHW only)";
        }
        return null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        SecureLayerFactory.refuseIf(whyUnsupported(this), SecureLayerFactory.id(layerIndex, this));
        return SecureLayerFactory.wire(new SecureNoParamLayerImpl(conf, networkDataType, new MaxPoolOp(this)), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecureSubsamplingLayer && super.equals(o);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof SecureSubsamplingLayer;
    }

    @Override
    public String toString() {
        return "Secure" + super.toString();
    }
}
