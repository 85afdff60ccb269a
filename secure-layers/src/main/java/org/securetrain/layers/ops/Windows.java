package org.securetrain.layers.ops;

import java.util.Arrays;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SharedTensor;

/** The input checks of the sliding-window layers (convolution, pooling) on NCHW shares. */
final class Windows {
    private static final int[] NO_PADDING = {0, 0};

    private Windows() {
    }

    /** Refuses anything but a rank-4 NCHW input, naming the layer. */
    static void requireNchw(OpStep s, SharedTensor x) {
        if (x.rank() != 4) {
            throw s.badInput("NCHW input [batch, C, H, W]", x.shape());
        }
    }

    /** A rank-3 [batch, C, T] (DL4J's NCW sequence) as the rank-4 [batch, C, T, 1] the 2-D windows work on. */
    static SharedTensor ncwAsNchw(OpStep s, SharedTensor x) {
        if (x.rank() != 3) {
            throw s.badInput("NCW sequence input [batch, C, T]", x.shape());
        }
        return new SharedTensor(x.values(), new long[] {x.shape()[0], x.shape()[1], x.shape()[2], 1}, x.kind());
    }

    /**
     * A window layer's input in the 2-D NCHW view and its configured window there: a 1-D layer's [batch, C, T] is
     * [batch, C, T, 1] with kernel and stride {k, 1} and padding {p, 0} ({@link #asTimeByOne}).
     */
    record View(SharedTensor x, int[] kernel, int[] stride, int[] padding) {
        static View of(OpStep s, SharedTensor in, boolean oneD, int[] kernel, int[] stride, int[] padding) {
            SharedTensor x = oneD ? ncwAsNchw(s, in) : in;
            requireNchw(s, x);
            return oneD ? new View(x, asTimeByOne(kernel, 1), asTimeByOne(stride, 1), asTimeByOne(padding, 0))
                    : new View(x, kernel, stride, padding);
        }
    }

    /** The rank-4 [batch, C, T, 1] result of a 1-D window layer as DL4J's [batch, C, T]. */
    static SharedTensor nchwAsNcw(SharedTensor y) {
        return new SharedTensor(y.values(), new long[] {y.shape()[0], y.shape()[1], y.shape()[2]}, y.kind());
    }

    /**
     * A window parameter of a 1-D layer as its 2-D view's: DL4J's 1-D layers keep {k, ...} with the first entry the
     * time dimension's; the [T, 1] view uses {k, other} (other = 1 for kernel, stride and dilation, 0 for padding).
     */
    static int[] asTimeByOne(int[] configured, int other) {
        return configured == null ? null : new int[] {configured[0], other};
    }

    /** The configured padding, or none. */
    static int[] padding(int[] configured) {
        return configured == null ? NO_PADDING : configured;
    }

    /** The configured dilation, or none. */
    static int[] dilation(int[] configured) {
        return configured == null ? new int[] {1, 1} : configured;
    }

    /**
     * DL4J's {@code ConvolutionMode.Same} padding of one dimension: output ceil(in / stride), total padding
     * (out - 1) * stride + effective kernel - in (at least 0), the smaller half before, the rest after.
     * Returns {before, after}.
     */
    static int[] samePadding(long in, int kernel, int stride, int dilation) {
        long out = (in + stride - 1) / stride;
        long effective = (long) (kernel - 1) * dilation + 1;
        long total = Math.max(0, (out - 1) * stride + effective - in);
        return new int[] {(int) (total / 2), (int) (total - total / 2)};
    }

    /**
     * The explicit padding {top, bottom, left, right} of a pooling window layer: Same mode's, or the configured
     * symmetric padding; null when there is none. Checks Strict mode.
     */
    static int[] explicitPadding(OpStep s, ConvolutionMode mode, long[] nchw, int[] k, int[] st, int[] configured) {
        if (mode == ConvolutionMode.Same) {
            int[] h = samePadding(nchw[2], k[0], st[0], 1);
            int[] w = samePadding(nchw[3], k[1], st[1], 1);
            return h[0] + h[1] + w[0] + w[1] == 0 ? null : new int[] {h[0], h[1], w[0], w[1]};
        }
        int[] p = padding(configured);
        checkStrict(s, mode, nchw, k, st, p);
        return p[0] == 0 && p[1] == 0 ? null : new int[] {p[0], p[0], p[1], p[1]};
    }

    /** In Strict mode the windows must cover the padded input exactly (DL4J refuses it otherwise too). */
    static void checkStrict(OpStep s, ConvolutionMode mode, long[] nchw, int[] kernel, int[] stride, int[] padding) {
        if (mode == ConvolutionMode.Strict && ((nchw[2] + 2L * padding[0] - kernel[0]) % stride[0] != 0
                || (nchw[3] + 2L * padding[1] - kernel[1]) % stride[1] != 0)) {
            throw new IllegalArgumentException(s.id() + ": Strict mode but input " + nchw[2] + "x" + nchw[3]
                    + " is not covered exactly by kernel " + Arrays.toString(kernel) + " stride "
                    + Arrays.toString(stride));
        }
    }

    /**
     * A kernel built for one input image size (channels, height, width; any batch), rebuilt when the size changes
     * or after {@link #invalidate()} (e.g. a fusion flag changed).
     */
    static final class KernelPerImage<K> {
        private long[] nchw;
        private K kernel;

        K get(long[] inputShape, Function<long[], K> build) {
            if (kernel == null || !Arrays.equals(inputShape, 1, 4, nchw, 1, 4)) {
                kernel = build.apply(inputShape);
                nchw = inputShape;
            }
            return kernel;
        }

        /** The kernel of the last forward (for its backward), else an error naming the layer. */
        K current(OpStep s) {
            return s.fromForward(kernel);
        }

        /** The input shape of a batch of {@code batch} images of the current size. */
        long[] inputShape(int batch) {
            return new long[] {batch, nchw[1], nchw[2], nchw[3]};
        }

        void invalidate() {
            kernel = null;
        }
    }
}
