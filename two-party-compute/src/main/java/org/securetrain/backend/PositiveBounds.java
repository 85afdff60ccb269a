package org.securetrain.backend;

/** The bound argument of {@link Backend#positiveBounded}, checked alike by every backend. */
final class PositiveBounds {
    private PositiveBounds() {
    }

    static void check(int bits) {
        if (bits < 1 || bits > 62) {
            throw new IllegalArgumentException("[z > 0] with |z| < 2^bits needs bits in [1, 62], got " + bits);
        }
    }
}
