package org.securetrain.crypto.he;

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
        long bitPos = 0;
        for (int i = 0; i < count; i++) {
            long v = src[srcOff + i];
            int w = dstOff + (int) (bitPos >>> 6);
            int sh = (int) (bitPos & 63);
            dst[w] |= v << sh;
            if (sh + bits > 64) {
                dst[w + 1] |= v >>> (64 - sh);
            }
            bitPos += bits;
        }
        return words;
    }

    /** Inverse of {@link #pack}; returns words consumed. */
    static int unpack(long[] src, int srcOff, int count, int bits, long[] dst, int dstOff) {
        checkBits(bits);
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        long bitPos = 0;
        for (int i = 0; i < count; i++) {
            int w = srcOff + (int) (bitPos >>> 6);
            int sh = (int) (bitPos & 63);
            long v = src[w] >>> sh;
            if (sh + bits > 64) {
                v |= src[w + 1] << (64 - sh);
            }
            dst[dstOff + i] = v & mask;
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
