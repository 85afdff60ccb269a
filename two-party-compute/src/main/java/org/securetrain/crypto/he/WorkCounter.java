package org.securetrain.crypto.he;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the work units of the HE kernels whose amount of work could depend on a party's private values if a
 * shortcut for zero came back (docs/security/he.md, "Data-independent work"). Each kernel counts its
 * iterations in a local variable and adds the total once per call, so the counters cost one atomic add per
 * polynomial. Tests compare the counts for all-zero, sparse and dense private inputs of one shape: they must
 * be equal. Process-wide; read as differences around the code under test.
 */
public final class WorkCounter {
    /** Plaintext coefficients reduced to RNS residues ({@link RnsBase#fromSigned}), per prime. */
    public static final int ENCODED_COEFFICIENTS = 0;
    /** Granule butterflies and copies of the pruned forward transform ({@link Ntt#forwardSparse}). */
    public static final int NTT_GRANULES = 1;
    /** Plaintext-ciphertext products accumulated by the multiplier ({@link ProductEvaluator}). */
    public static final int PRODUCTS = 2;
    private static final AtomicLongArray COUNTS = new AtomicLongArray(3);

    private WorkCounter() {
    }

    static void add(int counter, long units) {
        COUNTS.addAndGet(counter, units);
    }

    /** The units counted so far by {@code counter} in this process. */
    public static long read(int counter) {
        return COUNTS.get(counter);
    }

    /** All counters, in the order of the constants above. */
    public static long[] snapshot() {
        long[] s = new long[COUNTS.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = COUNTS.get(i);
        }
        return s;
    }
}
