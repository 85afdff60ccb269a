package org.securetrain.crypto.he;

import org.securetrain.ring.BitFields;

/**
 * Dense little-endian bit packing of values of a fixed width (1..64 bits) into long words, so that
 * residues mod a 55-bit prime cost 55 bits on the wire, not 64.
 */
final class BitPacking {
    private BitPacking() {
    }

    static int words(long count, int bits) {
        long w = (count * bits + 63) >>> 6;
        if (w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many packed words: " + w);
        }
        return (int) w;
    }

    /** Packs count values (each < 2^bits) from src[srcOff..] into dst starting at word dstOff; returns words used. */
    static int pack(long[] src, int srcOff, int count, int bits, long[] dst, int dstOff) {
        checkBits(bits);
        int words = words(count, bits);
        java.util.Arrays.fill(dst, dstOff, dstOff + words, 0L);
        long bitPos = 64L * dstOff;
        for (int i = 0; i < count; i++) {
            BitFields.put(dst, bitPos, src[srcOff + i], bits);
            bitPos += bits;
        }
        return words;
    }

    /** Inverse of {@link #pack}; returns words consumed. */
    static int unpack(long[] src, int srcOff, int count, int bits, long[] dst, int dstOff) {
        checkBits(bits);
        long bitPos = 64L * srcOff;
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = BitFields.get(src, bitPos, bits);
            bitPos += bits;
        }
        return words(count, bits);
    }

    private static void checkBits(int bits) {
        if (bits < 1 || bits > 64) {
            throw new IllegalArgumentException("bit width must be in [1, 64], got " + bits);
        }
    }
}
