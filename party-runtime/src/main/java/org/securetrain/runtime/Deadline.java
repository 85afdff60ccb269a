package org.securetrain.runtime;

import java.util.concurrent.TimeUnit;

/**
 * A wait bound on the monotonic clock that does not count time this process itself did not run. A party
 * that was stopped (SIGSTOP, a debugger), paused by a long garbage collection or starved on an overloaded
 * machine must not blame its peer for the gap on waking up: the caller waits in short slices, and a slice
 * that took far longer than asked is treated as a suspension of this process and extends the deadline.
 */
public final class Deadline {
    /** A slice this much longer than asked is a suspension of this process, not a slow peer. */
    public static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    /** Longest single slice, so a suspension is noticed soon after waking. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private long deadline;
    private long suspendedNanos;

    public Deadline(long timeoutNanos) {
        this.deadline = System.nanoTime() + timeoutNanos;
    }

    /** Nanoseconds to wait in the next slice; 0 once the deadline has passed. */
    public long nextSlice() {
        long left = deadline - System.nanoTime();
        return left <= 0 ? 0 : Math.min(left, SLICE_NANOS);
    }

    /** Call after a slice of {@code askedNanos} that started at {@code startNanos} timed out. */
    public void sliceEnded(long startNanos, long askedNanos) {
        long overrun = System.nanoTime() - startNanos - askedNanos;
        if (overrun > GAP_NANOS) {
            deadline += overrun;
            suspendedNanos += overrun;
        }
    }

    /** Total time this process was seen suspended while waiting. */
    public long suspendedNanos() {
        return suspendedNanos;
    }

    /** A sentence for a timeout message when this party was itself suspended meanwhile, else "". */
    public String suspensionNote() {
        return suspensionNote(suspendedNanos);
    }

    public static String suspensionNote(long suspendedNanos) {
        if (suspendedNanos <= 0) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, " (this party itself was suspended for %.1f s meanwhile: "
                + "stopped, paused by a long garbage collection or starved of CPU; that time was not counted)",
                suspendedNanos / 1e9);
    }
}
