package org.securetrain.crypto.ot;

import java.util.function.Supplier;
import org.securetrain.runtime.Channel;

/**
 * What both ends of one IKNP extension instance share: its stream, chunking, instance id (a hash tweak) and OT
 * count, the agreement of each call with the peer, and the guard that leaves an instance unusable after a
 * failure and ends the session so the peer fails at once. Not thread-safe.
 */
abstract class IknpEnd {
    final Channel ch;
    final int chunk;
    final long instanceId;
    /** OTs produced so far: the next OT's index, the hash tweak. */
    long counter;
    private boolean broken;

    IknpEnd(Channel ch, int chunk, long instanceId) {
        if (chunk < 64 || (chunk & 63) != 0) {
            throw new IllegalArgumentException("chunk must be a positive multiple of 64, got " + chunk);
        }
        this.ch = ch;
        this.chunk = chunk;
        this.instanceId = instanceId;
    }

    /** The party that runs the sender of this instance. */
    abstract int senderParty();

    /** Name of the channel this instance runs on. */
    public String channelName() {
        return ch.name();
    }

    /** OTs produced by this instance so far (the next OT's index, used as hash tweak). */
    public long count() {
        return counter;
    }

    /**
     * Runs one call of any flavour: {@code body} checks its arguments, agrees with {@link #begin} and runs the
     * extension. A failure leaves the instance unusable and, unless the session itself failed, ends the
     * session with the cause so the peer's pending calls fail at once.
     */
    final <T> T guarded(Supplier<T> body) {
        if (broken) {
            throw new IllegalStateException("OT instance on stream '" + ch.name()
                    + "' is unusable after an earlier failure");
        }
        try {
            return body.get();
        } catch (RuntimeException e) {
            broken = true;
            throw OtWire.abortOn(ch, e);
        }
    }

    /** Agrees on the call (flavour, direction, batch length, chunking) with the peer; nothing is sent. */
    final void begin(OtWire.Kind kind, int n) {
        OtWire.checkN(n);
        OtWire.agree(ch, kind, senderParty(), n, chunk);
    }

    /** What a flavour does with one chunk of m OTs starting at OT {@code done} of the call. */
    @FunctionalInterface
    interface ChunkStep {
        /** {@code rows}: the chunk's 128-bit rows at [2i], [2i+1]; {@code tweak}: the first OT's index. */
        void apply(int done, int m, long tweak, long[] rows);
    }
}
