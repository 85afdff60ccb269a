package org.securetrain.crypto.ot;

/**
 * Sender side of 128-bit block correlated OT with a fixed global XOR correlation {@code delta}
 * (the IKNP key). For each of n OTs the sender gets a pseudorandom block q_i; the receiver with choice
 * bit b_i gets q_i XOR (b_i ? delta : 0). This is exactly what free-XOR garbling needs for the
 * evaluator's input labels: the garbler's 0-label is q_i and its global offset is delta.
 * Not thread-safe: one protocol instance drives one sender.
 */
public interface BlockCotSender {
    /** Low 64 bits of the global correlation; its least significant bit is 1 (point-and-permute). */
    long deltaLo();

    long deltaHi();

    /** Runs n correlated OTs; returns 2n longs, q_i = (lo, hi) at [2i], [2i+1]. */
    long[] sendBlockCot(int n);
}
