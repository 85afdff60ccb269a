package org.securetrain.layers;

import org.securetrain.backend.Backend;
import org.securetrain.backend.ShareKind;

/**
 * The contract {@link SecureConvolutionLayerImpl} needs from a secure convolution kernel, in the style of
 * {@link org.securetrain.layermath.DenseKernel}. One instance serves one {@link ConvGeometry}; the weight and
 * bias shares belong to the layer (they are handed to the factory) so the kernel can be rebuilt for another
 * input size without losing them, and the layer runs the SGD step on them.
 */
public interface ConvKernel {

    /**
     * Forward on an NCHW share at scale f. Returns the NCHW output share: scale f with the ReLU fused
     * (exact ReLU + truncation, derivative bits kept for backward), else the raw scale-2f product + bias.
     */
    long[] forward(Backend be, long[] x, ShareKind xKind, int batch);

    /**
     * Backward from dL/dY (NCHW, scale f, batch sum). Stores dW (scale 2f, via
     * {@code weights.setGradient(dW, f)}) and db (scale f) on the shares given at construction; returns
     * dL/dX (NCHW, scale f), or null when {@code needInputGradient} is false.
     */
    long[] backward(Backend be, long[] dy, ShareKind dyKind, boolean needInputGradient);
}
