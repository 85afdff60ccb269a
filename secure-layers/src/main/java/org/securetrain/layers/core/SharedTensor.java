package org.securetrain.layers.core;

import java.util.Arrays;
import org.securetrain.backend.ShareKind;

/**
 * One party's share of a tensor as the layer math sees it: the values in C order of {@code shape}
 * (DL4J's logical shape, batch first) and how the tensor is shared ({@link ShareKind}: a known-zero share at
 * one party lets the protocols skip work). The arrays are not copied.
 */
public record SharedTensor(long[] values, long[] shape, ShareKind kind) {

    public SharedTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("share of " + values.length + " elements does not fit shape "
                    + Arrays.toString(shape));
        }
    }

    /** A share held by both parties (the usual case: every protocol output). */
    public static SharedTensor of(long[] values, long... shape) {
        return new SharedTensor(values, shape, ShareKind.BOTH);
    }

    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i} as an int (batch, channels, ...). */
    public int dim(int i) {
        return (int) shape[i];
    }

    @Override
    public String toString() {
        return "SharedTensor" + Arrays.toString(shape) + " " + kind;
    }
}
