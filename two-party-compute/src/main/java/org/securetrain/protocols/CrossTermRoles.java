package org.securetrain.protocols;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.securetrain.crypto.he.MultiplierRole;
import org.securetrain.runtime.PartyThreads;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;

/**
 * How a party runs its HE cross-term roles of one secure product (a matrix product, a correlation) next to the local
 * term, on its session's threads ({@link PartyThreads}), written once for every product protocol. With both roles, a
 * role thread multiplies the peer's term while the calling thread encrypts and sends its own factor, computes the
 * local term and then, when the compute pool has 2 or more threads, joins the multiplication until the peer's reply
 * comes back (further pool threads join from 3 on). With one role, the compute pool shares its work (the
 * multiplier's units, half of the encryption). A failure on any of these threads ends the session, so that both
 * parties fail at once instead of waiting for the receive timeout.
 */
final class CrossTermRoles {
    private CrossTermRoles() {
    }

    /** This party's key-owner role in one cross term. */
    interface KeyOwnerRole {
        /** Encrypts and sends this party's factor; {@code helper} (or null) shares the encryption. */
        void send(ExecutorService helper);

        /** Receives the reply and adds this party's share into the output. */
        void finish();
    }

    /**
     * Runs {@code key} and {@code mul} (either may be null, not both) and {@code localTerm}.
     *
     * @param what  the product, for messages ("secure matmul")
     * @param units how many units (row blocks, output ciphertexts) the multiplier's work has
     */
    static void run(Session session, String what, ProtocolId id, KeyOwnerRole key, MultiplierRole mul, int units,
            Runnable localTerm) {
        PartyThreads threads = session.threads();
        List<Future<?>> helping = new ArrayList<>();
        try {
            if (mul != null && key != null) {
                helping.add(threads.roles().submit(guarded(session, what, id, () -> {
                    mul.receive();
                    mul.work();
                    mul.reply();
                })));
                // the party's compute pool size is what it may use at once: the role thread multiplies; the calling
                // thread joins it (after encrypting and the local term) from 2 threads on, further pool threads
                // from 3 on
                for (int i = 2; i < Math.min(threads.computeThreads(), units); i++) {
                    helping.add(threads.compute().submit(guarded(session, what, id, mul::work)));
                }
                key.send(null);
                localTerm.run(); // while the peer multiplies
                if (threads.computeThreads() >= 2) {
                    mul.work();
                }
                key.finish();
            } else if (mul != null) {
                localTerm.run(); // while the peer encrypts
                mul.receive();
                for (int i = 1; i < Math.min(threads.computeThreads(), units); i++) {
                    helping.add(threads.compute().submit(guarded(session, what, id, mul::work)));
                }
                mul.work();
                mul.reply();
            } else {
                key.send(threads.compute());
                localTerm.run(); // while the peer multiplies
                key.finish();
            }
            for (Future<?> f : helping) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException("interrupted in " + what + " '" + id + "'", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Error er) {
                throw er;
            }
            throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
        } finally {
            for (Future<?> f : helping) {
                if (!f.isDone()) {
                    f.cancel(true);
                }
            }
        }
    }

    /** A task that ends the session when it fails with anything but a session failure, then rethrows. */
    static Runnable guarded(Session session, String what, ProtocolId id, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                abortOnFailure(session, what, id, e);
                throw e;
            }
        };
    }

    /**
     * Ends the session after a local failure {@code e} that is not already a session failure; the text stays in
     * this party's log (the peer learns only that this party aborted: {@link Session#abort(String)}).
     */
    static void abortOnFailure(Session session, String what, ProtocolId id, Throwable e) {
        if (e instanceof SessionException) {
            return;
        }
        try {
            session.abort("party " + session.party() + " " + what + " '" + id + "' failed: " + e);
        } catch (RuntimeException ignored) {
            // already failed or closed
        }
    }

    /** z += term (when this party has that term). */
    static void addInto(long[] z, long[] term) {
        if (term != null) {
            for (int i = 0; i < z.length; i++) {
                z[i] += term[i];
            }
        }
    }
}
