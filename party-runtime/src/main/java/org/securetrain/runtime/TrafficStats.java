package org.securetrain.runtime;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live traffic accounting of one party's session, per stream and per named protocol step.
 * Updated per message (not per element), so the atomics cost nothing measurable.
 */
public final class TrafficStats {

    /** A scope that attributes a channel's traffic to a step; closing restores the outer step. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Mutable counter set; one per stream, one per step, one for the total. */
    static final class Counter {
        final AtomicLong bytesSent = new AtomicLong();
        final AtomicLong bytesReceived = new AtomicLong();
        final AtomicLong messagesSent = new AtomicLong();
        final AtomicLong messagesReceived = new AtomicLong();
        final AtomicLong rounds = new AtomicLong();

        Traffic snapshot() {
            return new Traffic(bytesSent.get(), bytesReceived.get(), messagesSent.get(),
                    messagesReceived.get(), rounds.get());
        }
    }

    /** An immutable view: total plus per-stream and per-step figures, sorted by name. */
    public record Snapshot(Traffic total, Map<String, Traffic> streams, Map<String, Traffic> steps) {
        /** What happened between {@code earlier} and this snapshot. */
        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(total.minus(earlier.total), diff(streams, earlier.streams),
                    diff(steps, earlier.steps));
        }

        private static Map<String, Traffic> diff(Map<String, Traffic> now, Map<String, Traffic> before) {
            Map<String, Traffic> out = new TreeMap<>();
            now.forEach((k, v) -> {
                Traffic d = v.minus(before.getOrDefault(k, Traffic.ZERO));
                if (!d.equals(Traffic.ZERO)) {
                    out.put(k, d);
                }
            });
            return Collections.unmodifiableMap(out);
        }

        /** Figures of every step whose name starts with {@code prefix}, added up. */
        public Traffic stepsWithPrefix(String prefix) {
            Traffic t = Traffic.ZERO;
            for (Map.Entry<String, Traffic> e : steps.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    t = t.plus(e.getValue());
                }
            }
            return t;
        }
    }

    /** Step name for traffic outside any {@link Channel#step(String)} scope. */
    public static final String UNATTRIBUTED = "(none)";

    private final Counter total = new Counter();
    private final ConcurrentHashMap<String, Counter> streams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> steps = new ConcurrentHashMap<>();

    Counter stream(String name) {
        return streams.computeIfAbsent(name, k -> new Counter());
    }

    Counter step(String name) {
        return steps.computeIfAbsent(name, k -> new Counter());
    }

    void recordSend(Counter stream, Counter step, long bytes, boolean newRound) {
        for (Counter c : new Counter[] {total, stream, step}) {
            c.bytesSent.addAndGet(bytes);
            c.messagesSent.incrementAndGet();
            if (newRound) {
                c.rounds.incrementAndGet();
            }
        }
    }

    void recordReceive(Counter stream, Counter step, long bytes) {
        for (Counter c : new Counter[] {total, stream, step}) {
            c.bytesReceived.addAndGet(bytes);
            c.messagesReceived.incrementAndGet();
        }
    }

    public Traffic total() {
        return total.snapshot();
    }

    public Snapshot snapshot() {
        return new Snapshot(total.snapshot(), freeze(streams), freeze(steps));
    }

    private static Map<String, Traffic> freeze(Map<String, Counter> m) {
        Map<String, Traffic> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.snapshot()));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("total: ").append(total.snapshot());
        freeze(steps).forEach((k, v) -> sb.append("\n  step ").append(k).append(": ").append(v));
        return sb.toString();
    }
}
