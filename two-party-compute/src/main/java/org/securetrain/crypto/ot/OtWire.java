package org.securetrain.crypto.ot;

import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.SessionException;

/**
 * The per-call header both ends of an OT-extension instance send first, so that a disagreement on
 * roles, OT flavour, batch size or chunking fails at once on both sides with a message naming both
 * values, instead of hanging or yielding wrong outputs. Header: [tag | role | kind, n, chunk].
 */
final class OtWire {
    static final int ROLE_SENDER = 1;
    static final int ROLE_RECEIVER = 2;

    static final int KIND_BLOCK_COT = 1;
    static final int KIND_ROT64 = 2;
    static final int KIND_ROT128 = 3;
    static final int KIND_RING_COT = 4;
    static final int KIND_CHOSEN64 = 5;
    static final int KIND_CHOSEN128 = 6;

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

    private static final long TAG = 0x5345_4354_4F54_0000L; // "SECTOT"

    private OtWire() {
    }

    static String kindName(int kind) {
        return switch (kind) {
            case KIND_BLOCK_COT -> "block COT";
            case KIND_ROT64 -> "random OT (64-bit)";
            case KIND_ROT128 -> "random OT (128-bit)";
            case KIND_RING_COT -> "ring COT";
            case KIND_CHOSEN64 -> "chosen-message OT (64-bit)";
            case KIND_CHOSEN128 -> "chosen-message OT (128-bit)";
            default -> "unknown OT kind " + kind;
        };
    }

    static String roleName(int role) {
        return role == ROLE_SENDER ? "sender" : role == ROLE_RECEIVER ? "receiver" : "unknown role " + role;
    }

    static void sendHeader(Channel ch, int role, int kind, int n, int chunk) {
        ch.sendLongs(new long[] {TAG | (role << 8) | kind, n, chunk});
    }

    /** Receives the peer's header and checks it against ours; throws a clear error on mismatch. */
    static void checkPeerHeader(Channel ch, int myRole, int kind, int n, int chunk) {
        long[] h = ch.receiveLongs();
        if (h.length != 3 || (h[0] & ~0xFFFFL) != TAG) {
            throw new ProtocolViolationException("OT stream '" + ch.name() + "': peer's message is not an OT header"
                    + " (the parties' protocols are out of step)");
        }
        int peerRole = (int) (h[0] >>> 8 & 0xFF);
        int peerKind = (int) (h[0] & 0xFF);
        String me = "this party (" + roleName(myRole) + ", " + kindName(kind) + ", n=" + n + ", chunk=" + chunk + ")";
        String peer = "peer (" + roleName(peerRole) + ", " + kindName(peerKind) + ", n=" + h[1] + ", chunk=" + h[2] + ")";
        if (peerRole == myRole) {
            throw new OtMismatchException("OT stream '" + ch.name() + "': both parties act as " + roleName(myRole)
                    + "; one must call the sender factory and the other the receiver factory: " + me + " vs " + peer);
        }
        if (peerKind != kind) {
            throw new OtMismatchException("OT stream '" + ch.name() + "': the parties run different OT flavours: "
                    + me + " vs " + peer);
        }
        if (h[1] != n) {
            throw new OtMismatchException("OT stream '" + ch.name() + "': batch length mismatch: " + me + " vs " + peer);
        }
        if (h[2] != chunk) {
            throw new OtMismatchException("OT stream '" + ch.name() + "': chunk size mismatch: " + me + " vs " + peer);
        }
    }

    /** Leaves the session usable for nobody: the peer's pending calls fail at once with our reason. */
    static RuntimeException abortOn(Channel ch, RuntimeException e) {
        if (!(e instanceof SessionException) || e instanceof OtMismatchException) {
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
