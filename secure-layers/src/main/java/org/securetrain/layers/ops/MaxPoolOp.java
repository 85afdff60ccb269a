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
    private final Windows.KernelPerImage<MaxPoolKernel> kernel = new Windows.KernelPerImage<>();

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
            kernel.invalidate();
        }
    }

    /** Whether the preceding convolution's ReLU runs here, after the max. */
    public boolean reluAfter() {
        return reluAfter;
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor x) {
        Windows.requireNchw(s, x);
        int[] k = conf.getKernelSize();
        int[] st = conf.getStride();
        MaxPoolKernel pool = kernel.get(x.shape(), in -> {
            Windows.checkStrict(s, conf.getConvolutionMode(), in, k, st, Windows.padding(conf.getPadding()));
            return new MaxPoolKernel(s.name(), (int) in[1], (int) in[2], (int) in[3], k[0], k[1], st[0], st[1],
                    reluAfter);
        });
        int batch = x.dim(0);
        return SharedTensor.of(pool.forward(s.be(), x.values(), batch), batch, x.shape()[1], pool.outHeight(),
                pool.outWidth());
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dy) {
        if (!s.needInputGradient()) {
            return null; // nothing to train, and nobody needs the network input's gradient
        }
        return SharedTensor.of(kernel.current(s).backward(s.be(), dy.values()), kernel.inputShape(dy.dim(0)));
    }
}
