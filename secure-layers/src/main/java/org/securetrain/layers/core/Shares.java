package org.securetrain.layers.core;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves one party's share between DL4J and the kernels: a {@link DataType#LONG} INDArray with the plaintext
 * shape on the DL4J side, a row-major (C order) {@code long[]} on the kernel side. Never through float or
 * double: a double holds only 53 of the 64 bits.
 */
public final class Shares {
    private Shares() {
    }

    /** The share's values in C order. Refuses anything but a LONG array, naming {@code where}. */
    public static long[] toLongs(INDArray share, String where) {
        if (share == null) {
            throw new IllegalArgumentException(where + ": no input share (null)");
        }
        if (share.dataType() != DataType.LONG) {
            throw new IllegalArgumentException(where + ": expected this party's share as a LONG array, got "
                    + share.dataType() + " " + Arrays.toString(share.shape())
                    + " (secure networks take shared inputs: use SecurePartyContext.sharedIterator(...))");
        }
        long n = share.length();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(where + ": share of " + n + " elements is too large");
        }
        // dup('c') gives a fresh contiguous C-order buffer of exactly n elements, whatever view we got
        INDArray c = share.dup('c');
        long[] out = c.data().asLong();
        return out.length == n ? out : Arrays.copyOf(out, (int) n);
    }

    /**
     * A detached LONG array of the given shape holding {@code values} in C order. Layers hand it to DL4J with
     * {@code workspaceMgr.dup(ArrayType.ACTIVATIONS / ACTIVATION_GRAD, a)}: {@code leverageTo} leaves a
     * detached array where it is, and DL4J's workspace validation then rejects it.
     */
    public static INDArray toIndArray(long[] values, long... shape) {
        SharedTensor.of(values, shape); // checks that the values fill the shape
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.createFromArray(values).reshape('c', shape);
        }
    }

    /** Plain values (labels, revealed parameters) of a floating-point array as doubles in C order. */
    public static double[] toDoubles(INDArray a) {
        double[] out = a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        return out.length == a.length() ? out : Arrays.copyOf(out, (int) a.length());
    }
}
