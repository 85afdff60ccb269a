package org.securetrain.runtime.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.opentest4j.AssertionFailedError;

/**
 * Event-based waits for tests on a shared, loaded machine: wait for the thing itself (a condition, a thread
 * blocked in a receive, a process exit, a future), never for a fixed time, and never assert how long
 * something took. Every wait is bounded by {@link #HANG_GUARD} only so that a hang ends the test: no event a
 * test waits for takes a fraction of it, even at a load of 20 on two cores (measured: a two-process training
 * run of the launcher tests, the slowest, took 2-3 minutes there).
 */
public final class Await {
    /** The bound of every wait: against hangs, not a performance expectation. */
    public static final Duration HANG_GUARD = Duration.ofMinutes(10);

    private Await() {
    }

    /** Polls {@code condition} every 10 ms until it holds. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("still waiting after " + HANG_GUARD + " for " + what);
            }
            sleep();
        }
    }

    /** Waits until {@code t} is blocked (waiting on a lock, a condition or a timed wait, e.g. in a receive). */
    public static void blocked(Thread t) {
        until(t.getName() + " to block", () -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
        });
    }

    /** The future's value; its failure is rethrown as the ExecutionException. */
    public static <T> T get(Future<T> f) throws ExecutionException, InterruptedException {
        try {
            return f.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionFailedError("still waiting after " + HANG_GUARD + " for a result", e);
        }
    }

    /** Runs {@code body} on a new (daemon) thread, returns the thread and its completion. */
    public static <T> Running<T> start(String name, java.util.concurrent.Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable x) {
                f.completeExceptionally(x);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return new Running<>(t, f);
    }

    /** A body running on its own thread: {@link #blocked(Thread)} on {@code thread}, {@link #get} on {@code result}. */
    public record Running<T>(Thread thread, CompletableFuture<T> result) {
    }

    /** Waits for the process to exit. */
    public static int exit(Process p) throws InterruptedException {
        if (!p.waitFor(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionFailedError("process " + p.pid() + " still running after " + HANG_GUARD);
        }
        return p.exitValue();
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting", e);
        }
    }
}
