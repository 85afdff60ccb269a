package org.securetrain.layers.ops;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.securetrain.layermath.MaxPoolKernel;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * Max pooling (NCHW, or 1-D on [batch, C, T]; padding and Same mode explicit) on a {@link MaxPoolKernel} built per input size: forward keeps the one-hot
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

    /** A 1-D max pooling (DL4J's {@code Subsampling1DLayer}) on [batch, C, T] as [batch, C, T, 1] with kernel [k, 1]. */
    public MaxPoolOp oneDimensional() {
        this.oneD = true;
        return this;
    }

    private boolean oneD;
    private final ExplicitPadding padding = new ExplicitPadding();

    /**
     * Padding (configured, or Same mode's) is explicit: padded cells hold a public value below every input (-2^61 at
     * scale 2f or f, far below the |z| &lt; 2^62 every protocol requires), so a window's max and argmax never come
     * from padding, as in DL4J (which ignores padded cells in max pooling).
     */
    @Override
    public SharedTensor forward(OpStep s, SharedTensor in) {
        Windows.View v = Windows.View.of(s, in, oneD, conf.getKernelSize(), conf.getStride(), conf.getPadding());
        SharedTensor x = v.x();
        int[] pad = Windows.explicitPadding(s, conf.getConvolutionMode(), x.shape(), v.kernel(), v.stride(),
                v.padding());
        long[] xv = padding.apply(x, pad, s.be().actsFor(0) ? PADDING_FILL : 0);
        long[] shape = padding.paddedShape();
        MaxPoolKernel pool = kernel.get(shape, i -> new MaxPoolKernel(s.name(), (int) i[1], (int) i[2], (int) i[3],
                v.kernel()[0], v.kernel()[1], v.stride()[0], v.stride()[1], reluAfter));
        int batch = x.dim(0);
        SharedTensor out = SharedTensor.of(pool.forward(s.be(), xv, batch), batch, shape[1], pool.outHeight(),
                pool.outWidth());
        return oneD ? Windows.nchwAsNcw(out) : out;
    }

    /** The public value of padded cells at party 0 (party 1 pads with 0). */
    static final long PADDING_FILL = -(1L << 61);

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dyIn) {
        if (!s.needInputGradient()) {
            return null; // nothing to train, and nobody needs the network input's gradient
        }
        SharedTensor dy = oneD ? Windows.ncwAsNchw(s, dyIn) : dyIn;
        long[] dx = kernel.current(s).backward(s.be(), dy.values());
        SharedTensor out = padding.crop(dx, kernel.inputShape(dy.dim(0)));
        return oneD ? Windows.nchwAsNcw(out) : out;
    }
}
