package org.securetrain.crypto.gc;

/**
 * Where the garbler writes garbled tables and output-decoding words, in evaluation order. The garbler
 * reserves a record, then writes it into {@link #buffer()} at the returned offset (the buffer may change
 * after a reserve, never during a record's lifetime).
 */
interface TableSink {
    /** Reserves {@code len} longs; returns their offset in {@link #buffer()}. */
    int reserve(int len);

    long[] buffer();
}
