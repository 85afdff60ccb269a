package org.securetrain.runtime;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs both parties' halves of a protocol concurrently (tests, benchmarks, in-process demos), each on a
 * thread of its own session ({@link PartyThreads#roles()}: named by party, its CPU time counted for it). If
 * one half throws, its session is aborted so the other half fails at once instead of waiting for a timeout;
 * the first failure is rethrown.
 */
public final class TwoPartyRunner {
    private TwoPartyRunner() {
    }

    /** Results of party 0 and party 1. */
    public record Results<A, B>(A party0, B party1) {
    }

    public static <A, B> Results<A, B> run(Session p0, Function<Session, A> party0, Session p1,
            Function<Session, B> party1) {
        if (p0.party() != 0 || p1.party() != 1) {
            throw new IllegalArgumentException("first session must be party 0, second party 1");
        }
        Future<A> fa = null;
        Future<B> fb = null;
        try {
            fa = submit(p0, () -> guarded(p0, party0));
            fb = submit(p1, () -> guarded(p1, party1));
            long limit = Math.max(bound(p0), bound(p1)) + p0.options().idleTimeout().toMillis() + 60_000;
            A a = null;
            B b = null;
            Throwable first = null;
            try {
                a = fa.get(limit, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                first = e.getCause();
            }
            try {
                b = fb.get(limit, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (first == null || (first instanceof SessionException && !(e.getCause() instanceof SessionException))) {
                    first = e.getCause(); // prefer the root cause over the peer's "aborted" echo
                }
            }
            if (first != null) {
                if (first instanceof RuntimeException re) {
                    throw re;
                }
                if (first instanceof Error er) {
                    throw er;
                }
                throw new RuntimeException(first);
            }
            return new Results<>(a, b);
        } catch (TimeoutException e) {
            p0.abort(AbortReason.of("two-party-run", "timed out"));
            p1.abort(AbortReason.of("two-party-run", "timed out"));
            throw new PeerTimeoutException("two-party run did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException("interrupted", e);
        } finally {
            cancel(fa);
            cancel(fb);
        }
    }

    private static <T> Future<T> submit(Session s, java.util.concurrent.Callable<T> body) {
        try {
            return s.threads().roles().submit(body);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new SessionException("party " + s.party() + "'s session is closed");
        }
    }

    private static void cancel(Future<?> f) {
        if (f != null && !f.isDone()) {
            f.cancel(true);
        }
    }

    private static long bound(Session s) {
        return Math.max(s.options().receiveTimeout().toMillis(), s.options().computeTimeout().toMillis());
    }

    private static <T> T guarded(Session s, Function<Session, T> body) {
        try {
            return body.apply(s);
        } catch (RuntimeException | Error e) {
            // Any failure, a protocol violation included, ends the session so the peer fails at once;
            // abort is a no-op when the session has already failed or closed.
            if (s.isOpen()) {
                s.abort(AbortReason.failure("two-party-run", e));
            }
            throw e;
        }
    }
}
