package org.securetrain.layers;

import org.securetrain.layermath.ParameterShare;

/** Creates secure convolution kernels for {@link SecureConvolutionLayerImpl}; see {@link ConvKernels}. */
public interface ConvKernelFactory {

    /**
     * @param weights share of W [outChannels, inChannels, kh, kw] in C order, scale f (owned by the layer)
     * @param bias    share of b [outChannels], scale f (owned by the layer)
     */
    ConvKernel create(String name, ConvGeometry geometry, boolean relu, ParameterShare weights, ParameterShare bias);
}
