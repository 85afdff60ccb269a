package org.securetrain.backend;

import java.util.Locale;

/**
 * Which protocols compute the non-linear operations of a {@link TwoPartyBackend} (ReLU with truncation,
 * max with argmax, faithful truncation, bit times share). Both parties must use the same one; it is part
 * of the session's configuration hash. Same inputs, outputs and guarantees either way (docs/security).
 */
public enum NonlinearEngine {
    /**
     * The millionaire protocol (CrypTFlow2 with Cheetah's improvements), multiplexers and faithful
     * truncation on random COTs from Ferret silent OT: about 100 bytes per 64-bit ReLU.
     */
    OT,
    /**
     * Round 1: garbled circuits (free-XOR, half-gates) for ReLU and max, IKNP correlated OT for
     * truncation and bit times share: about 6.9 KB per ReLU.
     */
    GC;

    /** The engine used when none is chosen (measured: docs/BENCHMARKS.md). */
    public static final NonlinearEngine DEFAULT = OT;

    /** The launcher's spelling: "ot" or "gc". */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "ot" or "gc" (any case); a clear error otherwise. */
    public static NonlinearEngine parse(String s) {
        if (s != null) {
            for (NonlinearEngine e : values()) {
                if (e.flag().equalsIgnoreCase(s.trim())) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException("non-linear engine must be 'ot' or 'gc', got "
                + (s == null ? "nothing" : "'" + s + "'"));
    }
}
