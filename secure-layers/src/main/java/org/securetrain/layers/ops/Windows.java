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

    /** The configured padding, or none. */
    static int[] padding(int[] configured) {
        return configured == null ? NO_PADDING : configured;
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
            if (kernel == null) {
                throw new IllegalStateException(s.id() + ": backward before forward");
            }
            return kernel;
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
