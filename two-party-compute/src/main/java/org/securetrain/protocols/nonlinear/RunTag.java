package org.securetrain.protocols.nonlinear;

import org.securetrain.runtime.AgreementException;

/**
 * What one protocol run is: which protocol, how many elements, and its public parameters, packed in a
 * 64-bit word ({@code kind} in the top byte, 24 bits of parameters, 32 bits of n) that the first
 * message of each party carries. A peer running something else fails with both descriptions.
 */
public record RunTag(Kind kind, int n, int params) {

    /** The protocols that run through {@link StageRunner}. */
    public enum Kind {
        BIT_TIMES_SHARE(1, "bit times share"),
        FAITHFUL_TRUNCATION(2, "faithful truncation"),
        POSITIVE_BIT(3, "[x > 0]"),
        RELU_TRUNCATION(4, "ReLU with truncation"),
        MAX_ARGMAX(5, "max with argmax"),
        BOOLEAN_TO_ARITHMETIC(6, "boolean to arithmetic"),
        MILLIONAIRE(7, "millionaire comparison"),
        OUT_OF_RANGE_COUNT(8, "range count"),
        NONZERO_REVEAL(9, "reveal [s != 0]"),
        PRODUCT(10, "element-wise product"),
        SQUARE(11, "element-wise square"),
        TABLE_LOOKUP(12, "table lookup");

        final int id;
        final String label;

        Kind(int id, String label) {
            this.id = id;
            this.label = label;
        }

        static Kind of(int id) {
            for (Kind k : values()) {
                if (k.id == id) {
                    return k;
                }
            }
            return null;
        }
    }

    /** A run's element count n, checked: n &gt;= 0 (every protocol's constructor and the tag check it). */
    static int elementCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        return n;
    }

    public RunTag {
        elementCount(n);
        if (params < 0 || params >= 1 << 24) {
            throw new IllegalArgumentException("parameters must fit in 24 bits, got " + params);
        }
    }

    public long value() {
        return (long) kind.id << 56 | (long) params << 32 | (n & 0xFFFFFFFFL);
    }

    /** Throws {@link AgreementException} naming both runs if the peer's tag differs. */
    public void check(long peer) {
        if (peer != value()) {
            Kind k = Kind.of((int) (peer >>> 56));
            String other = (k == null ? "an unknown protocol (" + (peer >>> 56) + ")" : k.label) + " on n="
                    + (peer & 0xFFFFFFFFL) + " (parameters 0x" + Long.toHexString(peer >>> 32 & 0xFFFFFF) + ")";
            throw new AgreementException("this party runs " + this + ", the peer runs " + other);
        }
    }

    @Override
    public String toString() {
        return kind.label + " on n=" + n + " (parameters 0x" + Integer.toHexString(params) + ")";
    }
}
