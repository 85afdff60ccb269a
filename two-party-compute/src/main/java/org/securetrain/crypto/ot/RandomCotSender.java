package org.securetrain.crypto.ot;

/**
 * Sender side of random correlated OT (random COT) with a global 128-bit correlation, for one direction
 * of one protocol instance: each COT gives the sender a pseudorandom block q_i, and the receiver a random
 * choice bit b_i and t_i = q_i XOR (b_i ? delta : 0). Everything else (chosen-choice COT, ring COT, random
 * and chosen-message OT, 1-of-N OT, AND triples) is derived from these with a correlation-robust hash and
 * a little derandomisation traffic, so a cheaper source (silent OT) makes every protocol above it cheaper.
 *
 * <p>Implementations: IKNP extension with random choices (one round trip per call) and Ferret silent OT
 * (a pool refilled by an interactive LPN iteration when it runs dry). Both parties call {@code next} with
 * the same n in the same order (lockstep), which is what keeps the two ends of a pool in step.
 * Not thread-safe: one protocol instance drives one source.
 */
public interface RandomCotSender {

    /** Low 64 bits of the global correlation; its least significant bit is 1 (point-and-permute). */
    long deltaLo();

    long deltaHi();

    /** The next n COTs: q_i = (lo, hi) written to {@code q[2i], q[2i+1]} for i in [0, n). */
    void next(int n, long[] q);
}
