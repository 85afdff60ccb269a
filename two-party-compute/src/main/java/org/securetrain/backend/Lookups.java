package org.securetrain.backend;

import org.securetrain.protocols.nonlinear.TableLookupOt;

/** The arguments of {@link Backend#lookup}, checked alike by every backend before anything runs. */
final class Lookups {
    private Lookups() {
    }

    static void check(long[] digitShares, int d, long[] table) {
        if (d < 1 || d > TableLookupOt.MAX_DIGIT_BITS) {
            throw new IllegalArgumentException("table lookup: digit width must be in [1, " + TableLookupOt.MAX_DIGIT_BITS
                    + "], got " + d);
        }
        String problem = TableLookupOt.problem(digitShares, d, table);
        if (problem != null) {
            throw new IllegalArgumentException("table lookup: " + problem);
        }
    }

    /** The entry digit i selects: table (i / segment), index = the digit's low d bits. */
    static long entry(long[] table, int d, int segment, int i, long digit) {
        return table[((i / segment) << d) + ((int) digit & ((1 << d) - 1))];
    }
}
