package org.securetrain.crypto.he;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.securetrain.runtime.SessionException;

/**
 * The multiplier's role in one cross term, in the phases a party holding both roles of a product interleaves:
 * {@link #receive} the key owner's ciphertexts, {@link #work} from any number of threads, {@link #reply}. What is
 * multiplied (a matrix block, a convolution kernel) is the subclass's {@link #start}.
 */
public abstract class MultiplierRole<P> extends CrossTermRole<P> {
    private final String what;
    private final CompletableFuture<MultiplierJob<?>> job = new CompletableFuture<>();

    /**
     * @param step the traffic step the messages are attributed to
     * @param what what is computed, for messages ("HE multiply", "HE convolution")
     */
    MultiplierRole(CrossTerm<P> term, String step, String what) {
        super(term, step);
        this.what = what;
    }

    /** The job for the key owner's message {@code wire} (parsed and checked against the plan). */
    abstract MultiplierJob<?> start(long[] wire);

    /** Receives the key owner's ciphertexts; then {@link #work} may run. A failure reaches every waiter. */
    public final void receive() {
        try {
            job.complete(start(receiveMessage()));
        } catch (RuntimeException | Error e) {
            job.completeExceptionally(e);
            throw e;
        }
    }

    /** Takes units until none are left; waits for {@link #receive} first. Callable from several threads. */
    public final void work() {
        awaitJob().work();
    }

    /** Waits until every unit is done and sends the reply. */
    public final void reply() {
        long[] reply;
        try {
            reply = awaitJob().awaitReply();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        }
        sendMessage(reply);
    }

    private MultiplierJob<?> awaitJob() {
        try {
            return job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private SessionException interrupted(InterruptedException e) {
        return new SessionException("interrupted in the " + what + " on stream '" + term.ch().name() + "'", e);
    }
}
