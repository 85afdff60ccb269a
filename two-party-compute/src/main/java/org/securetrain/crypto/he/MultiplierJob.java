package org.securetrain.crypto.he;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The multiplier's work for one cross term (a matrix product's row blocks, a convolution's output ciphertexts),
 * shareable between threads: each {@link #work} call takes units from a common counter until none are left, with one
 * worker state {@code W} per calling thread; {@link #awaitReply} waits until every unit is done (by any thread) and
 * returns the reply message. A failure in any worker releases the waiters and is rethrown by {@link #awaitReply}.
 *
 * @param <W> per-thread state (evaluator, mask PRG, plaintext buffers)
 */
abstract class MultiplierJob<W> {
    private final int units;
    private final long[] reply;
    private final String what;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch remaining;
    private volatile Throwable failure;

    /**
     * @param units how many units the reply holds
     * @param reply the reply message the units are written into (header already set)
     * @param what  what is computed, for messages ("HE multiply", "HE convolution")
     */
    MultiplierJob(int units, long[] reply, String what) {
        this.units = units;
        this.reply = reply;
        this.what = what;
        this.remaining = new CountDownLatch(units);
    }

    /** A fresh per-thread state. */
    abstract W newWorker();

    /** Computes unit {@code u} with {@code worker} into the reply (and the multiplier's share). */
    abstract void unit(W worker, int u);

    /** Processes units until none are left (callable from several threads at once). */
    final void work() {
        W w = null;
        int u;
        while (failure == null && (u = next.getAndIncrement()) < units) {
            try {
                if (w == null) {
                    w = newWorker();
                }
                unit(w, u);
            } catch (RuntimeException | Error t) {
                failure = t;
                while (remaining.getCount() > 0) {
                    remaining.countDown();
                }
                throw t;
            }
            remaining.countDown();
        }
    }

    /** Waits until every unit is done; returns the reply. */
    final long[] awaitReply() throws InterruptedException {
        if (!remaining.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException(what + " did not finish in 30 minutes");
        }
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException(what + " failed: " + f, f);
        }
        return reply;
    }
}
