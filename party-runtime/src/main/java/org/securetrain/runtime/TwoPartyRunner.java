package org.securetrain.runtime;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs both parties' halves of a protocol concurrently (tests, benchmarks, in-process demos). If one
 * half throws, its session is aborted so the other half fails at once instead of waiting for a timeout;
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
        ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "two-party-runner");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<A> fa = ex.submit(() -> guarded(p0, party0));
            Future<B> fb = ex.submit(() -> guarded(p1, party1));
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
            ex.shutdownNow();
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
