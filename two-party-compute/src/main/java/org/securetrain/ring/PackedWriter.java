package org.securetrain.ring;

import java.util.Arrays;

/**
 * Builds one message of bit fields packed LSB-first into a long[] (bit i of the message is
 * {@code words[i >>> 6] >>> (i & 63) & 1}): single fields of 1..64 bits, bit vectors, and vectors of
 * ell-bit ring elements (Z_2^ell, ell in [1, 64]). Protocols that send 1-bit openings or f-bit
 * corrections pay for exactly those bits instead of a 64-bit word each. Read back with
 * {@link PackedReader} in the same order.
 */
public final class PackedWriter {
    private long[] words;
    private long bits;

    public PackedWriter() {
        this(16);
    }

    public PackedWriter(int initialWords) {
        words = new long[Math.max(1, initialWords)];
    }

    /** Bits written so far. */
    public long bitLength() {
        return bits;
    }

    private void ensure(long moreBits) {
        long needWords = (bits + moreBits + 63) >>> 6;
        if (needWords > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("message too large: " + (bits + moreBits) + " bits");
        }
        if (needWords > words.length) {
            long grown = Math.min(Integer.MAX_VALUE - 8L, 2L * words.length);
            words = Arrays.copyOf(words, (int) Math.max(needWords, grown));
        }
    }

    /** The low {@code width} bits of v (width in [1, 64]). */
    public PackedWriter bits(long v, int width) {
        checkWidth(width);
        ensure(width);
        if (width < 64) {
            v &= (1L << width) - 1;
        }
        BitFields.put(words, bits, v, width);
        bits += width;
        return this;
    }

    /** Bits [0, n) of the packed vector {@code src} (LSB-first; bits past n are ignored). */
    public PackedWriter bitVector(long[] src, int n) {
        checkBitVector(src, n);
        ensure(n);
        int full = n >>> 6;
        if ((bits & 63) == 0) {
            System.arraycopy(src, 0, words, (int) (bits >>> 6), full);
            bits += 64L * full;
        } else {
            for (int k = 0; k < full; k++) {
                bits(src[k], 64);
            }
        }
        if ((n & 63) != 0) {
            bits(src[full], n & 63);
        }
        return this;
    }

    /** values[off .. off+n) as ell-bit ring elements (their low ell bits). */
    public PackedWriter ring(long[] values, int off, int n, int ell) {
        checkWidth(ell);
        ensure((long) n * ell);
        if (ell == 64 && (bits & 63) == 0) {
            System.arraycopy(values, off, words, (int) (bits >>> 6), n);
            bits += 64L * n;
            return this;
        }
        for (int i = 0; i < n; i++) {
            bits(values[off + i], ell);
        }
        return this;
    }

    /** The message: ceil(bits / 64) words, unused high bits zero. */
    public long[] toArray() {
        return Arrays.copyOf(words, (int) ((bits + 63) >>> 6));
    }

    /** Refuses n bits that {@code words} (LSB-first packed) cannot hold. */
    static void checkBitVector(long[] words, int n) {
        if (n < 0 || words.length < (n + 63) >>> 6) {
            throw new IllegalArgumentException("bit vector of " + words.length + " words cannot hold " + n + " bits");
        }
    }

    static void checkWidth(int width) {
        if (width < 1 || width > 64) {
            throw new IllegalArgumentException("field width must be in [1, 64], got " + width);
        }
    }
}
