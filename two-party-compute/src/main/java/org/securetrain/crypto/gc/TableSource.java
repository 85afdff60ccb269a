package org.securetrain.crypto.gc;

/** The evaluator's side of {@link TableSink}: records are taken in the order the garbler reserved them. */
interface TableSource {
    /** Takes the next {@code len} longs; returns their offset in {@link #buffer()}. */
    int take(int len);

    long[] buffer();
}
