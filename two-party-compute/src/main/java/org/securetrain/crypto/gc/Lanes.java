package org.securetrain.crypto.gc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Lane-wise helpers of the garbling engines. A chunk's labels are stored as 2m longs, element e at
 * [2e] (lo) and [2e+1] (hi); the hot loops run over the 2m "lanes" with every operation lane-local, so
 * that C2 vectorizes them (AVX-512 on this project's machines). Two things would break lane
 * locality and are handled here:
 * <ul>
 *   <li>σ, the linear orthomorphism of the hash, is doubling in GF(2^64) in each 64-bit lane
 *       (modulus x^64 + x^4 + x^3 + x + 1): σ(lo ‖ hi) = (2·lo ‖ 2·hi). It is linear over GF(2), and both
 *       σ and σ ⊕ id (multiplication by x and by x + 1) are bijections, so it is a linear orthomorphism
 *       as the GKWY construction requires; unlike the swap-based σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L it
 *       does not move data between lanes.</li>
 *   <li>the point-and-permute bit of element e is the lsb of its lo lane; {@link #signalMasks} spreads
 *       it into a per-lane mask array (one short scalar pass).</li>
 * </ul>
 */
final class Lanes {
    static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Elements per SIMD pass of the engines. A chunk is garbled in passes of this many elements so
     * that a gate's working set (labels, hash buffers, table rows: about 100 bytes per element) stays
     * in the L2 cache; measured on the project machine, 256 to 512 elements per pass garble about 25%
     * faster than 4096. Part of the wire format (it orders the tables), so both parties must agree.
     */
    static final int PASS = 512;

    /** Reduction of x^64 + x^4 + x^3 + x + 1. */
    private static final long POLY = 0x1BL;

    private Lanes() {
    }

    /** σ on one lane: multiplication by x in GF(2^64). */
    static long sigma(long v) {
        return (v << 1) ^ ((v >> 63) & POLY);
    }

    /** mask[2e] = mask[2e+1] = -(lsb of labels[2e]) for e < m. (This loop shape is ~40% faster than one indexed by e.) */
    static void signalMasks(long[] labels, long[] mask, int m) {
        int n2 = 2 * m;
        for (int j = 0; j < n2; j += 2) {
            long s = -(labels[j] & 1);
            mask[j] = s;
            mask[j + 1] = s;
        }
    }

    /** mask[2e] = mask[2e+1] = -(bit e of the packed bits starting at word {@code off}). */
    static void bitMasks(long[] bits, int off, long[] mask, int m) {
        for (int e0 = 0; e0 < m; e0 += 64) {
            long w = bits[off + (e0 >>> 6)];
            int end = 2 * Math.min(64, m - e0);
            int base = 2 * e0;
            for (int j = 0; j < end; j += 2) {
                long s = -((w >>> (j >>> 1)) & 1);
                mask[base + j] = s;
                mask[base + j + 1] = s;
            }
        }
    }

    /** Writes the signal bits (lsb of the lo lane) of m labels into {@code bits} from bit {@code pos}. */
    static void signalBits(long[] labels, int m, long[] bits, long pos) {
        for (int w = 0; w * 64 < m; w++) {
            int cnt = Math.min(64, m - w * 64);
            long v = 0;
            for (int j = 0; j < cnt; j++) {
                v |= (labels[2 * (w * 64 + j)] & 1) << j;
            }
            BitPlanes.writeBits(bits, pos + 64L * w, cnt, v);
        }
    }

    /** The per-lane pattern (lo, hi, lo, hi, ...) of a 128-bit constant, 2m lanes. */
    static long[] pattern(long lo, long hi, int m) {
        long[] p = new long[2 * m];
        for (int e = 0; e < m; e++) {
            p[2 * e] = lo;
            p[2 * e + 1] = hi;
        }
        return p;
    }
}
