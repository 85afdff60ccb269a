package org.securetrain.layers.ops;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.securetrain.layermath.MaxPoolKernel;
import org.securetrain.layermath.Padding;
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
    private int[] explicit;
    private long[] unpaddedShape;

    /**
     * Padding (configured, or Same mode's) is explicit: padded cells hold a public value below every input (-2^61 at
     * scale 2f or f, far below the |z| &lt; 2^62 every protocol requires), so a window's max and argmax never come
     * from padding, as in DL4J (which ignores padded cells in max pooling).
     */
    @Override
    public SharedTensor forward(OpStep s, SharedTensor in) {
        SharedTensor x = oneD ? Windows.ncwAsNchw(s, in) : in;
        Windows.requireNchw(s, x);
        int[] k = oneD ? Windows.asTimeByOne(conf.getKernelSize(), 1) : conf.getKernelSize();
        int[] st = oneD ? Windows.asTimeByOne(conf.getStride(), 1) : conf.getStride();
        int[] configuredPadding = oneD ? Windows.asTimeByOne(conf.getPadding(), 0) : conf.getPadding();
        long[] shape = x.shape();
        long[] xv = x.values();
        int[] pad = Windows.explicitPadding(s, conf.getConvolutionMode(), shape, k, st, configuredPadding);
        explicit = null;
        if (pad != null) {
            explicit = pad;
            unpaddedShape = shape;
            long fill = s.be().actsFor(0) ? PADDING_FILL : 0;
            xv = Padding.pad(xv, (int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3], pad[0], pad[1], pad[2],
                    pad[3], fill);
            shape = new long[] {shape[0], shape[1], shape[2] + pad[0] + pad[1], shape[3] + pad[2] + pad[3]};
        }
        MaxPoolKernel pool = kernel.get(shape, i -> new MaxPoolKernel(s.name(), (int) i[1], (int) i[2], (int) i[3],
                k[0], k[1], st[0], st[1], reluAfter));
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
        long[] shape = kernel.inputShape(dy.dim(0));
        if (explicit != null) {
            dx = Padding.crop(dx, (int) shape[0], (int) shape[1], (int) unpaddedShape[2], (int) unpaddedShape[3],
                    explicit[0], explicit[1], explicit[2], explicit[3]);
            shape = unpaddedShape.clone();
            shape[0] = dy.dim(0);
        }
        SharedTensor out = SharedTensor.of(dx, shape);
        return oneD ? Windows.nchwAsNcw(out) : out;
    }
}
