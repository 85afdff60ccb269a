package org.securetrain.layers.ops;

import org.securetrain.layermath.Padding;
import org.securetrain.layers.core.SharedTensor;

/**
 * The padding a window layer wrote into its current NCHW input (Same mode's, or max pooling's fill), kept so that
 * backward crops the input gradient back to the unpadded shape.
 */
final class ExplicitPadding {
    /** {top, bottom, left, right}; null: the current input is not padded. */
    private int[] pad;
    private long[] unpadded;

    /** Pads {@code x} by {@code pad} (null: none) with the public {@code fill} and remembers it; the padded values. */
    long[] apply(SharedTensor x, int[] pad, long fill) {
        this.pad = pad;
        this.unpadded = x.shape();
        if (pad == null) {
            return x.values();
        }
        return Padding.pad(x.values(), x.dim(0), x.dim(1), x.dim(2), x.dim(3), pad[0], pad[1], pad[2], pad[3], fill);
    }

    /** The shape of the values {@link #apply} returned. */
    long[] paddedShape() {
        long[] u = unpadded;
        return pad == null ? u : new long[] {u[0], u[1], u[2] + pad[0] + pad[1], u[3] + pad[2] + pad[3]};
    }

    /** The gradient {@code dx} of a padded input of shape {@code shape} ([batch, C, H', W']) without the padding. */
    SharedTensor crop(long[] dx, long[] shape) {
        if (pad == null) {
            return SharedTensor.of(dx, shape);
        }
        long[] u = unpadded;
        return SharedTensor.of(Padding.crop(dx, (int) shape[0], (int) shape[1], (int) u[2], (int) u[3], pad[0], pad[1],
                pad[2], pad[3]), shape[0], shape[1], u[2], u[3]);
    }
}
