package org.securetrain.crypto.ot;

/** Receiver side of {@link BlockCotSender}. Not thread-safe: one protocol instance per receiver. */
public interface BlockCotReceiver {
    /**
     * Runs n correlated OTs with choice bits packed LSB-first ({@code choices[i >>> 6] >>> (i & 63) & 1}).
     * Returns 2n longs: t_i = q_i XOR (b_i ? delta : 0), as (lo, hi) at [2i], [2i+1].
     */
    long[] receiveBlockCot(long[] choices, int n);
}
