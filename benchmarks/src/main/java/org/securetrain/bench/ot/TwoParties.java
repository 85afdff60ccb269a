package org.securetrain.bench.ot;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.silent.SilentOt;
import org.securetrain.protocols.nonlinear.CotChannel;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Both parties in one process over the in-memory transport: party 0 runs on the benchmark thread,
 * party 1 on a dedicated thread, so one benchmark invocation is one complete two-party protocol run.
 */
final class TwoParties implements AutoCloseable {
    final InMemoryTransport.Pair pair;
    final OtEngine e0;
    final OtEngine e1;
    private final ExecutorService peer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bench-party-1");
        t.setDaemon(true);
        return t;
    });
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private TrafficStats.Snapshot mark0;
    private long calls;
    private long cpu0;
    private long cpu1;
    private long processCpu0;

    TwoParties() {
        this(true);
    }

    /** With {@code engines} false, no OT engine is set up here (a backend opened on the sessions sets up its own). */
    TwoParties(boolean engines) {
        pair = InMemoryTransport.pair(opts(Role.MODEL_OWNER), opts(Role.DATA_OWNER));
        OtEngine[] e = new OtEngine[2];
        if (engines) {
            run(s -> e[0] = OtEngine.setup(s, new SecureRandom()), s -> e[1] = OtEngine.setup(s, new SecureRandom()));
        }
        e0 = e[0];
        e1 = e[1];
    }

    static SessionOptions opts(Role r) {
        return SessionOptions.builder(r).sessionId("bench-ot").receiveTimeout(Duration.ofMinutes(2)).build();
    }

    /** Runs both halves concurrently; returns party 0's result. */
    <A> A run(Function<Session, A> p0, Function<Session, ?> p1) {
        Future<?> f = peer.submit(() -> {
            long c = THREADS.getCurrentThreadCpuTime();
            p1.apply(pair.party(1));
            synchronized (this) {
                cpu1 += THREADS.getCurrentThreadCpuTime() - c;
            }
        });
        long c = THREADS.getCurrentThreadCpuTime();
        A a = p0.apply(pair.party(0));
        synchronized (this) {
            cpu0 += THREADS.getCurrentThreadCpuTime() - c;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("party 1 failed", e.getCause());
        }
        calls++;
        return a;
    }

    /**
     * Sets up the session's Ferret silent-OT service at both parties (bootstrap and first extension) and returns
     * both parties' COT channels for {@code id}: {party 0's, party 1's}.
     */
    CotChannel[] silentCots(ProtocolId id) {
        SilentOt[] s = new SilentOt[2];
        run(x -> s[0] = SilentOt.setup(e0, new SecureRandom()), x -> s[1] = SilentOt.setup(e1, new SecureRandom()));
        return new CotChannel[] {CotChannel.silent(s[0], id), CotChannel.silent(s[1], id)};
    }

    /** Start counting traffic for {@link #report}. */
    void mark() {
        mark0 = pair.party(0).traffic().snapshot();
        calls = 0;
        cpu0 = 0;
        cpu1 = 0;
        processCpu0 = processCpuNanos();
    }

    /** Prints party 0's traffic since {@link #mark} per call and per element. */
    void report(String what, long elementsPerCall) {
        if (calls == 0) {
            return;
        }
        TrafficStats.Snapshot d = pair.party(0).traffic().snapshot().minus(mark0);
        Traffic t = d.total();
        double perCall = (double) t.bytesTotal() / calls;
        System.out.printf("%n[traffic] %s: %d calls, per call %.0f bytes total (party 0 sent %.0f, received %.0f),"
                + " %.3f bytes per element, party 0 flights per call %.2f%n", what, calls, perCall,
                (double) t.bytesSent() / calls, (double) t.bytesReceived() / calls, perCall / elementsPerCall,
                (double) t.rounds() / calls);
        long proc = processCpuNanos() - processCpu0;
        System.out.printf("[cpu] %s: CPU ns per element: party 0 thread %.1f, party 1 thread %.1f, whole process %.1f"
                + " (CPU time is less sensitive than wall time to other load on a shared machine; helper threads"
                + " of a party are only in the process figure)%n", what, (double) cpu0 / calls / elementsPerCall,
                (double) cpu1 / calls / elementsPerCall, proc > 0 ? (double) proc / calls / elementsPerCall : Double.NaN);
        d.steps().forEach((k, v) -> System.out.printf("[traffic]   step %s: %.3f bytes/element, %.2f flights/call%n", k,
                (double) v.bytesTotal() / calls / elementsPerCall, (double) v.rounds() / calls));
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    @Override
    public void close() {
        peer.shutdownNow();
        pair.close();
    }
}
