package org.securetrain.ring;

import org.securetrain.runtime.ProtocolViolationException;

/**
 * Reads the fields of a message built by {@link PackedWriter}, in the order they were written.
 * Reading past the end, or leaving whole unread words at {@link #finish}, throws an
 * {@link ProtocolViolationException} naming the message, so a peer that runs a different protocol or a
 * different shape fails with a clear error instead of producing wrong numbers.
 */
public final class PackedReader {
    private final long[] words;
    private final String what;
    private long bits;

    public PackedReader(long[] words, String what) {
        this.words = words;
        this.what = what;
    }

    private void need(long n) {
        if (bits + n > 64L * words.length) {
            throw new ProtocolViolationException(what + ": the peer's message holds " + 64L * words.length
                    + " bits, reading " + n + " more at bit " + bits
                    + " (the parties run different protocols or shapes)");
        }
    }

    /** The next {@code width} bits (width in [1, 64]) as the low bits of a long. */
    public long bits(int width) {
        PackedWriter.checkWidth(width);
        need(width);
        long v = BitFields.get(words, bits, width);
        bits += width;
        return v;
    }

    /** The next n bits into dst as a packed vector (bits past n in the last word are cleared). */
    public void bitVector(long[] dst, int n) {
        PackedWriter.checkBitVector(dst, n);
        need(n);
        int full = n >>> 6;
        if ((bits & 63) == 0) {
            System.arraycopy(words, (int) (bits >>> 6), dst, 0, full);
            bits += 64L * full;
        } else {
            for (int k = 0; k < full; k++) {
                dst[k] = bits(64);
            }
        }
        if ((n & 63) != 0) {
            dst[full] = bits(n & 63);
        }
    }

    /** The next n ell-bit ring elements into dst[off .. off+n) (zero-extended). */
    public void ring(long[] dst, int off, int n, int ell) {
        PackedWriter.checkWidth(ell);
        need((long) n * ell);
        if (ell == 64 && (bits & 63) == 0) {
            System.arraycopy(words, (int) (bits >>> 6), dst, off, n);
            bits += 64L * n;
            return;
        }
        for (int i = 0; i < n; i++) {
            dst[off + i] = bits(ell);
        }
    }

    /** Checks that the message held nothing beyond what was read (up to the padding of its last word). */
    public void finish() {
        if ((bits + 63) >>> 6 != words.length) {
            throw new ProtocolViolationException(what + ": the peer's message holds " + 64L * words.length
                    + " bits, only "
                    + bits + " were expected (the parties run different protocols or shapes)");
        }
    }
}
