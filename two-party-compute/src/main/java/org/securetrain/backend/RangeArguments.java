package org.securetrain.backend;

/** The argument rules of {@link Backend#countOutsideRange} and {@link Backend#revealNonZero}, for every backend. */
final class RangeArguments {
    /** Smallest range exponent: the OT protocol needs the 63 - bits bits above the carry in one digit. */
    static final int MIN_BITS = org.securetrain.protocols.nonlinear.OutOfRangeCount.MIN_BITS;

    private RangeArguments() {
    }

    static void check(int n, int bits, int countBits) {
        if (bits < MIN_BITS || bits > 62) {
            throw new IllegalArgumentException("range bits must be in [" + MIN_BITS + ", 62], got " + bits);
        }
        checkCountBits(countBits);
        if (countBits < 2) {
            throw new IllegalArgumentException("count bits must be in [2, 63], got " + countBits);
        }
        if (n >= 1L << countBits) {
            throw new IllegalArgumentException(n + " values do not fit a count mod 2^" + countBits);
        }
    }

    static void checkCountBits(int countBits) {
        if (countBits < 1 || countBits > 63) {
            throw new IllegalArgumentException("count bits must be in [1, 63], got " + countBits);
        }
    }

    static long mask(int countBits) {
        return (1L << countBits) - 1;
    }
}
