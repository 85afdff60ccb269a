package org.securetrain.layers;

import org.securetrain.backend.Backend;
import org.securetrain.layermath.Conv2dKernel;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.backend.ShareKind;

/**
 * The production convolution ({@link Conv2dKernel}: im2col over the secure product) behind the
 * {@link ConvKernel} contract. The kernel wraps the layer's own weight and bias arrays (it keeps the arrays
 * it is given, so the layer's SGD step updates what the kernel multiplies with); its gradients are handed
 * over to the layer's {@link ParameterShare}s after each backward.
 */
final class Conv2dKernelAdapter implements ConvKernel {
    static final ConvKernelFactory FACTORY = Conv2dKernelAdapter::new;

    private final Conv2dKernel kernel;
    private final ParameterShare weights;
    private final ParameterShare bias;

    private Conv2dKernelAdapter(String name, ConvGeometry g, boolean relu, ParameterShare weights, ParameterShare bias) {
        this.kernel = new Conv2dKernel(name, g.inChannels(), g.height(), g.width(), g.outChannels(), g.kh(), g.kw(),
                g.sh(), g.sw(), g.ph(), g.pw(), relu, weights.value(), bias.value());
        if (kernel.weights().value() != weights.value() || kernel.bias().value() != bias.value()) {
            // the layer's SGD step must update the arrays the kernel computes with
            throw new IllegalStateException(name + ": Conv2dKernel copied the parameter shares; the adapter needs "
                    + "it to keep the arrays it is given");
        }
        this.weights = weights;
        this.bias = bias;
    }

    @Override
    public long[] forward(Backend be, long[] x, ShareKind xKind, int batch) {
        return kernel.forward(be, x, xKind, batch);
    }

    @Override
    public long[] backward(Backend be, long[] dy, ShareKind dyKind, boolean needInputGradient) {
        long[] dx = kernel.backward(be, dy, dyKind, needInputGradient);
        weights.setGradient(kernel.weights().gradient(), be.fixedPoint().fracBits()); // dW at scale 2f
        bias.setGradient(kernel.bias().gradient(), 0);                                // db at scale f
        return dx;
    }
}
