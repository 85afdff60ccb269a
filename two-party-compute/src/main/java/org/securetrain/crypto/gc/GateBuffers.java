package org.securetrain.crypto.gc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import javax.crypto.Cipher;

/**
 * The work arrays of one garbling or evaluation pass over m elements (2m 64-bit lanes per label), shared by
 * {@link HalfGatesGarbler} and {@link HalfGatesEvaluator}: per hash stream its σ-inputs and outputs, the
 * table rows of a gate, the signal masks and a scratch row. Grown to the largest pass and reused: nothing is
 * allocated per gate or element. Not thread-safe.
 */
final class GateBuffers {
    /** σ-inputs of each hash stream, m 16-byte blocks. */
    final byte[][] in;
    private final byte[][] out;
    /** The hash outputs as longs (bulk-copied: long[] loops vectorize better than byte-view loops). */
    private final LongBuffer[] outView;
    private final long[][] hashed;
    long[] scratch = new long[0];
    /** Table rows T_G and T_E of one gate. */
    long[] rowG = new long[0];
    long[] rowE = new long[0];
    long[] maskA = new long[0];
    long[] maskB = new long[0];

    GateBuffers(int streams) {
        in = new byte[streams][0];
        out = new byte[streams][0];
        outView = new LongBuffer[streams];
        hashed = new long[streams][0];
    }

    /** Grows every array to m elements; true when they grew (callers re-derive their own lane patterns). */
    boolean ensure(int m) {
        if (maskA.length >= 2 * m) {
            return false;
        }
        for (int i = 0; i < in.length; i++) {
            in[i] = new byte[16 * m];
            out[i] = new byte[16 * m];
            outView[i] = ByteBuffer.wrap(out[i]).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
            hashed[i] = new long[2 * m];
        }
        rowG = new long[2 * m];
        rowE = new long[2 * m];
        scratch = new long[2 * m];
        maskA = new long[2 * m];
        maskB = new long[2 * m];
        return true;
    }

    /** Hashes the n2 lanes of stream s's inputs with the fixed-key cipher c; returns the outputs as lanes. */
    long[] hash(int s, Cipher c, int n2) {
        GateHash.ecb(c, in[s], 0, n2 << 3, out[s], 0);
        outView[s].get(0, hashed[s], 0, n2);
        return hashed[s];
    }
}
