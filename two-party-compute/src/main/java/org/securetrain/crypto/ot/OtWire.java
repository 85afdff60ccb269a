package org.securetrain.crypto.ot;

import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.SessionException;

/**
 * Wire constants of the OT extension and the agreement record of one call: each end folds the call's
 * flavour, direction, batch size and chunking into the stream's transcript ({@link Channel#agree}), so that a
 * disagreement fails both parties at once with both views instead of hanging or yielding wrong outputs.
 */
final class OtWire {
    /** The flavour of a call, as both ends name it in the call's agreement record. */
    enum Kind {
        BLOCK_COT("block COT"),
        ROT64("random OT (64-bit)"),
        ROT128("random OT (128-bit)"),
        RING_COT("ring COT"),
        CHOSEN64("chosen-message OT (64-bit)"),
        CHOSEN128("chosen-message OT (128-bit)");

        private final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /**
     * Words per column in one slab of the u message. A chunk's u columns travel slab by slab
     * (slab k = words [64k, 64k+64) of all 128 columns, column-major inside the slab) so that each side
     * expands, masks and transposes one 64 KiB slab while it is in cache.
     */
    static final int SLAB_WORDS = 64;

    /**
     * Flow-control window in chunks: the receiver sends u of chunk k only after the sender has answered
     * chunk k - WINDOW (with its corrections, or a one-long ack for flavours that have none), so at most
     * WINDOW chunks are in flight and memory stays bounded for any n. Single- and two-chunk calls need
     * no ack at all.
     */
    static final int WINDOW = 2;

    static int chunks(int n, int chunk) {
        return (int) (((long) n + chunk - 1) / chunk);
    }

    /** What both ends of one call agree on; {@code senderParty} is the party that runs the sender. */
    static void agree(Channel ch, Kind kind, int senderParty, int n, int chunk) {
        ch.agree("runs " + kind.description + " of " + n + " OTs from party " + senderParty + " to party "
                + (1 - senderParty) + " in chunks of " + chunk);
    }

    /** Leaves the session usable for nobody: the peer's pending calls fail at once with our reason. */
    static RuntimeException abortOn(Channel ch, RuntimeException e) {
        if (!(e instanceof SessionException)) {
            try {
                ch.session().abort(AbortReason.failure("ot " + ch.name(), e));
            } catch (RuntimeException ignored) {
                // already failed
            }
        }
        return e;
    }

    static int words(int bits) {
        return (bits + 63) >>> 6;
    }

    static void checkN(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("OT batch length must be >= 0, got " + n);
        }
    }

    static void checkBits(long[] choices, int n, String what) {
        if (choices == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (choices.length < words(n)) {
            throw new IllegalArgumentException(what + " holds " + choices.length + " words (" + 64L * choices.length
                    + " bits), " + n + " OTs need " + words(n) + " words");
        }
    }

    static void checkLen(long[] a, long need, String what) {
        if (a == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (a.length < need) {
            throw new IllegalArgumentException(what + " has length " + a.length + ", need at least " + need);
        }
    }
}
