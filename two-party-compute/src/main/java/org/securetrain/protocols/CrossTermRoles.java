package org.securetrain.protocols;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.securetrain.crypto.he.CrossTerm;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.KeyOwnerRole;
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
    private final Session session;
    private final HeContext he;
    private final String what;

    /**
     * The cross-term runner of one product protocol of this party over {@code session} with the HE keys of
     * {@code he}; {@code what} names the product in messages ("secure matmul").
     */
    CrossTermRoles(Session session, HeContext he, String what) {
        this.session = Objects.requireNonNull(session, "session");
        this.he = Objects.requireNonNull(he, "he");
        this.what = what;
    }

    Session session() {
        return session;
    }

    HeContext he() {
        return he;
    }

    /** Makes this party's role in cross term {@code term}; the role adds its share into {@code out}. */
    interface RoleFactory<P, R> {
        R create(CrossTerm<P> term, long[] out);
    }

    /** The cross term of {@code plan} on the session's stream {@code stream}. */
    <P> CrossTerm<P> term(ProtocolId stream, P plan) {
        return new CrossTerm<>(session.channel(stream), he, plan);
    }

    /**
     * Runs {@code terms}, the cross terms of product {@code id}, after counting its {@code replies} flooded replies
     * against the session's planned number (run-level statistical security; both parties count alike); a failure ends
     * the session ({@link #abortOnFailure}).
     */
    void runCounted(ProtocolId id, int replies, Runnable terms) {
        he.reserveCrossTerms(replies, id.toString());
        try {
            terms.run();
        } catch (RuntimeException | Error e) {
            abortOnFailure(id, e);
            throw e;
        }
    }

    /**
     * Runs a product's separate cross terms of {@code plan} next to {@code localTerm} ({@link #run}) and adds them into
     * {@code z}: as key owner on this party's stream {@code <stream>.p<me>enc}, as multiplier on the peer's.
     * {@code keyOwner} and {@code multiplier} make the roles (null where this party has no such term), each with a
     * fresh output array.
     */
    <P> void runSeparate(ProtocolId id, ProtocolId stream, P plan, long[] z, RoleFactory<P, KeyOwnerRole<P>> keyOwner,
            RoleFactory<P, MultiplierRole<P>> multiplier, int units, Runnable localTerm) {
        int me = session.party();
        long[] zKey = keyOwner == null ? null : new long[z.length];
        long[] zMul = multiplier == null ? null : new long[z.length];
        KeyOwnerRole<P> key = keyOwner == null ? null
                : keyOwner.create(term(stream.child("p" + me + "enc"), plan), zKey);
        MultiplierRole<P> mul = multiplier == null ? null
                : multiplier.create(term(stream.child("p" + (1 - me) + "enc"), plan), zMul);
        run(id, key, mul, units, localTerm);
        addInto(z, zKey);
        addInto(z, zMul);
    }

    /**
     * Runs {@code key} and {@code mul} (either may be null, not both) and {@code localTerm}.
     *
     * @param units how many units (row blocks, output ciphertexts) the multiplier's work has
     */
    void run(ProtocolId id, KeyOwnerRole<?> key, MultiplierRole<?> mul, int units, Runnable localTerm) {
        PartyThreads threads = session.threads();
        List<Future<?>> helping = new ArrayList<>();
        try {
            if (mul != null && key != null) {
                helping.add(threads.roles().submit(guarded(id, () -> {
                    mul.receive();
                    mul.work();
                    mul.reply();
                })));
                // the party's compute pool size is what it may use at once: the role thread multiplies; the calling
                // thread joins it (after encrypting and the local term) from 2 threads on, further pool threads
                // from 3 on
                for (int i = 2; i < Math.min(threads.computeThreads(), units); i++) {
                    helping.add(threads.compute().submit(guarded(id, mul::work)));
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
                    helping.add(threads.compute().submit(guarded(id, mul::work)));
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
    private Runnable guarded(ProtocolId id, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                abortOnFailure(id, e);
                throw e;
            }
        };
    }

    /**
     * Ends the session after a local failure {@code e} that is not already a session failure; the text stays in
     * this party's log (the peer learns only that this party aborted: {@link Session#abort(String)}).
     */
    private void abortOnFailure(ProtocolId id, Throwable e) {
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
