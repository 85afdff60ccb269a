package org.securetrain.backend;

import org.securetrain.protocols.nonlinear.TableLookupOt;

/** The arguments of {@link Backend#lookup}, checked alike by every backend before anything runs. */
final class Lookups {
    private Lookups() {
    }

    static void check(long[] digitShares, int d, long[] table) {
        if (digitShares == null) {
            throw new IllegalArgumentException("table lookup: no digit shares");
        }
        if (d < 1 || d > TableLookupOt.MAX_DIGIT_BITS) {
            throw new IllegalArgumentException("table lookup: digit width must be in [1, " + TableLookupOt.MAX_DIGIT_BITS
                    + "], got " + d);
        }
        if (table == null || table.length != 1 << d) {
            throw new IllegalArgumentException("table lookup: a " + d + "-bit digit needs a table of " + (1 << d)
                    + " entries, got " + (table == null ? "none" : table.length));
        }
    }
}
