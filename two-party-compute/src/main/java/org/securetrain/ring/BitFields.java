package org.securetrain.ring;

/**
 * One bit field of 1..64 bits at any bit position of a long[] packed LSB-first (bit i is
 * {@code words[i >>> 6] >>> (i & 63) & 1}), straddling two words where it must: the one place that does the
 * shifting for {@link PackedWriter}, {@link PackedReader} and the HE wire packing.
 */
public final class BitFields {
    private BitFields() {
    }

    /**
     * ORs v into the {@code width} bits at bit position {@code pos}; v must be below 2^width and those bits zero
     * (width in [1, 64], not checked here: the callers check once per message).
     */
    public static void put(long[] words, long pos, long v, int width) {
        int w = (int) (pos >>> 6);
        int s = (int) (pos & 63);
        words[w] |= v << s;
        if (s + width > 64) {
            words[w + 1] |= v >>> (64 - s);
        }
    }

    /** The {@code width} bits at bit position {@code pos}, zero-extended (width in [1, 64], not checked here). */
    public static long get(long[] words, long pos, int width) {
        int w = (int) (pos >>> 6);
        int s = (int) (pos & 63);
        long v = words[w] >>> s;
        if (s + width > 64) {
            v |= words[w + 1] << (64 - s);
        }
        return width == 64 ? v : v & ((1L << width) - 1);
    }
}
