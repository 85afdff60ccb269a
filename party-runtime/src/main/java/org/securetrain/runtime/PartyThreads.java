package org.securetrain.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Every thread one party's session uses, made in this one place: named {@code securetrain-p<party>-<kind>-<n>},
 * daemon, counted for the party's CPU time ({@link #cpuNanos()}) and shut down when the session is closed (idle
 * ones also end after a minute, so a failed session nobody closes keeps none).
 * <ul>
 *   <li>{@link #compute()}: a fixed pool of {@link SessionOptions#computeThreads()} threads (default: the
 *       machine's processors) for CPU work a protocol splits across threads; its tasks never wait for the
 *       peer, so a bounded pool cannot stall a protocol;</li>
 *   <li>{@link #roles()}: threads for protocol roles that run beside the calling thread and wait for the peer
 *       (the other direction of a two-way protocol, the second cross term of a product), made as needed so
 *       that concurrent protocol instances never starve each other;</li>
 *   <li>the session's own helpers (completion of asynchronous receives, asynchronous sends) and, over TLS, the
 *       connection's event loop ({@link #factory}).</li>
 * </ul>
 * The threads that call protocols are the application's: a backend adds their CPU time while they run a
 * protocol call with {@link #onCaller}.
 */
public final class PartyThreads {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private final int party;
    private final int computeThreads;
    private final AtomicInteger counter = new AtomicInteger();
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong endedNanos = new AtomicLong();
    private final AtomicLong callerNanos = new AtomicLong();
    private final ThreadLocal<Boolean> measuring = ThreadLocal.withInitial(() -> false);
    private final List<ExecutorService> pools = new ArrayList<>();
    private ExecutorService compute;
    private ExecutorService roles;
    private ExecutorService callbacks;
    private ExecutorService sends;
    private boolean closed;

    PartyThreads(int party, int computeThreads) {
        if (computeThreads < 1) {
            throw new IllegalArgumentException("computeThreads must be >= 1, got " + computeThreads);
        }
        this.party = party;
        this.computeThreads = computeThreads;
        if (MX.isThreadCpuTimeSupported() && !MX.isThreadCpuTimeEnabled()) {
            MX.setThreadCpuTimeEnabled(true);
        }
    }

    /** The threads of party {@code options.role()} with {@code options.computeThreads()} compute threads. */
    public static PartyThreads of(SessionOptions options) {
        return new PartyThreads(options.role().id(), options.computeThreads());
    }

    /** The fixed compute pool (created on first use). Its tasks must not wait for the peer. */
    public synchronized ExecutorService compute() {
        if (compute == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(computeThreads, computeThreads, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), factory("compute"));
            pool.allowCoreThreadTimeOut(true); // a session nobody closes keeps no thread alive
            compute = track(pool);
        }
        return compute;
    }

    /** Number of compute threads. */
    public int computeThreads() {
        return computeThreads;
    }

    /** Threads for protocol roles that wait for the peer beside the calling thread (made as needed). */
    public synchronized ExecutorService roles() {
        if (roles == null) {
            roles = track(cached("role"));
        }
        return roles;
    }

    /**
     * Runs {@code role} on a role thread; {@link #join} waits for it and rethrows its failure as thrown. For a
     * protocol's second direction while the calling thread runs the first.
     */
    public <T> CompletableFuture<T> beside(Supplier<T> role) {
        return CompletableFuture.supplyAsync(role, roles());
    }

    /** Waits for {@code f}; a RuntimeException or Error it ended with is rethrown unwrapped. */
    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException("interrupted while waiting for a protocol role", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause()
                    : e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(c);
        }
    }

    synchronized ExecutorService callbacks() {
        if (callbacks == null) {
            callbacks = track(cached("callback"));
        }
        return callbacks;
    }

    synchronized ExecutorService sends() {
        if (sends == null) {
            sends = track(cached("send"));
        }
        return sends;
    }

    /** Threads named {@code securetrain-p<party>-<kind>-<n>} whose CPU time counts for this party. */
    public ThreadFactory factory(String kind) {
        return factory(kind, Thread::new);
    }

    /** As {@link #factory(String)}, with a thread class of the caller's choice (e.g. Netty's fast threads). */
    public ThreadFactory factory(String kind, BiFunction<Runnable, String, Thread> make) {
        return r -> {
            Thread t = make.apply(() -> {
                Thread me = Thread.currentThread();
                live.add(me);
                try {
                    r.run();
                } finally {
                    live.remove(me);
                    long cpu = MX.getCurrentThreadCpuTime();
                    if (cpu > 0) {
                        endedNanos.addAndGet(cpu);
                    }
                }
            }, "securetrain-p" + party + "-" + kind + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs one protocol call on the calling thread and adds the thread's CPU time during the call to this
     * party's. Nested calls, and calls on this party's own threads (already counted), add nothing more.
     */
    public <T> T onCaller(Supplier<T> call) {
        if (measuring.get() || live.contains(Thread.currentThread())) {
            return call.get();
        }
        measuring.set(true);
        long c0 = MX.getCurrentThreadCpuTime();
        try {
            return call.get();
        } finally {
            long used = MX.getCurrentThreadCpuTime() - c0;
            if (c0 >= 0 && used > 0) {
                callerNanos.addAndGet(used);
            }
            measuring.set(false);
        }
    }

    /**
     * CPU time of this party in nanoseconds: its session threads (running and ended) plus the calling threads'
     * time inside {@link #onCaller}. Work the application does outside protocol calls is not included.
     */
    public long cpuNanos() {
        long sum = endedNanos.get() + callerNanos.get();
        for (Thread t : live) {
            long c = MX.getThreadCpuTime(t.getId());
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    /** Ends every pool: running tasks finish (they fail fast once the session has failed); idle threads end. */
    void close() {
        List<ExecutorService> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(pools);
        }
        for (ExecutorService e : all) {
            e.shutdown();
        }
    }

    /** Ends the asynchronous sends at once (the session failed: nothing more may go out). */
    synchronized void stopSends() {
        if (sends != null) {
            sends.shutdownNow();
        }
    }

    private ExecutorService cached(String kind) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                factory(kind));
    }

    private ExecutorService track(ExecutorService e) {
        pools.add(e);
        if (closed) {
            e.shutdown(); // a pool asked for after the session ended runs nothing new
        }
        return e;
    }

    @Override
    public String toString() {
        return "PartyThreads[party " + party + ", " + computeThreads + " compute threads]";
    }
}
