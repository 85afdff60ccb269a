package org.securetrain.layers.ops;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.securetrain.layermath.MaxPoolKernel;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * Max pooling (NCHW, no padding) on a {@link MaxPoolKernel} built per input size: forward keeps the one-hot
 * argmax bits, backward routes the gradient through them (no comparison). No parameters. With the preceding
 * convolution's ReLU moved here ({@link #setReluAfter}) it takes that convolution's raw scale-2f output and
 * applies ReLU with truncation to the pooled values.
 */
public final class MaxPoolOp extends SecureOp {
    private final SubsamplingLayer conf;
    private boolean reluAfter;
    private MaxPoolKernel kernel;
    private long[] inputShape; // [batch, C, H, W] of the last forward

    public MaxPoolOp(SubsamplingLayer conf) {
        super("maxpool", Layer.Type.SUBSAMPLING);
        this.conf = conf;
    }

    /**
     * Set from the public configuration (see {@code ReluMaxPoolFusion}): this layer's input is the preceding
     * convolution's raw output (scale 2f, no ReLU) and this layer applies that ReLU (with truncation) to the
     * pooled values. Set before the first forward; never changes the layer's (empty) state.
     */
    public void setReluAfter(boolean reluAfter) {
        if (reluAfter != this.reluAfter) {
            this.reluAfter = reluAfter;
            this.kernel = null;
        }
    }

    /** Whether the preceding convolution's ReLU runs here, after the max. */
    public boolean reluAfter() {
        return reluAfter;
    }

    private MaxPoolKernel kernelFor(OpStep s, long[] shape) {
        if (kernel == null || !Windows.sameImage(shape, inputShape)) {
            int[] k = conf.getKernelSize();
            int[] st = conf.getStride();
            Windows.checkStrict(s, conf.getConvolutionMode(), shape, k, st, Windows.padding(conf.getPadding()));
            kernel = new MaxPoolKernel(s.name(), (int) shape[1], (int) shape[2], (int) shape[3], k[0], k[1], st[0],
                    st[1], reluAfter);
        }
        return kernel;
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor x) {
        Windows.requireNchw(s, x);
        MaxPoolKernel k = kernelFor(s, x.shape());
        int batch = x.dim(0);
        long[] y = k.forward(s.be(), x.values(), batch);
        inputShape = x.shape();
        return SharedTensor.of(y, batch, x.shape()[1], k.outHeight(), k.outWidth());
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dy) {
        if (!s.needInputGradient()) {
            return null; // nothing to train, and nobody needs the network input's gradient
        }
        if (kernel == null) {
            throw new IllegalStateException(s.id() + ": backward before forward");
        }
        return SharedTensor.of(kernel.backward(s.be(), dy.values()), inputShape);
    }
}
