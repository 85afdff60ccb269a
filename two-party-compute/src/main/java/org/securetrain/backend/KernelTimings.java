package org.securetrain.backend;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Wall time and call counts per kind of two-party operation, for benchmarks and progress reports. */
public final class KernelTimings {
    /** The operation kinds a {@link Backend} performs. */
    public enum Kind {
        HE_PRODUCT, RELU_GC, MAX_GC, RELU_OT, MAX_OT, COMPARE_GC, COMPARE_OT, RANGE_CHECK_OT, TRUNCATION_OT, BIT_TIMES_SHARE_OT, PRODUCT_OT, TABLE_LOOKUP_OT, REVEAL, SETUP
    }

    private final AtomicLongArray nanos = new AtomicLongArray(Kind.values().length);
    private final AtomicLongArray calls = new AtomicLongArray(Kind.values().length);

    void add(Kind k, long elapsedNanos) {
        nanos.addAndGet(k.ordinal(), elapsedNanos);
        calls.incrementAndGet(k.ordinal());
    }

    public long nanos(Kind k) {
        return nanos.get(k.ordinal());
    }

    public long calls(Kind k) {
        return calls.get(k.ordinal());
    }

    /** Seconds per kind, in declaration order. */
    public Map<Kind, Double> seconds() {
        Map<Kind, Double> out = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            out.put(k, nanos(k) / 1e9);
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Kind k : Kind.values()) {
            if (calls(k) > 0) {
                sb.append(String.format("%s %.3f s (%d calls); ", k, nanos(k) / 1e9, calls(k)));
            }
        }
        return sb.toString();
    }
}
