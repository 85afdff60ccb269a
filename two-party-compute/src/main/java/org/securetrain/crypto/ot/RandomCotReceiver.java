package org.securetrain.crypto.ot;

/**
 * Receiver side of {@link RandomCotSender}: random choice bits (not chosen by the caller) and the
 * matching blocks. Not thread-safe: one protocol instance drives one source.
 */
public interface RandomCotReceiver {

    /**
     * The next n COTs: choice bits packed LSB-first into {@code bits} (bit i at
     * {@code bits[i >>> 6] >>> (i & 63) & 1}; at least ceil(n / 64) words, bits past n are zero) and
     * t_i = q_i XOR (b_i ? delta : 0) as (lo, hi) at {@code t[2i], t[2i+1]}.
     */
    void next(int n, long[] bits, long[] t);
}
