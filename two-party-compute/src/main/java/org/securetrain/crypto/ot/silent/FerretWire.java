package org.securetrain.crypto.ot.silent;

import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.AgreementException;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.SessionException;

/**
 * What travels on a Ferret channel besides the corrections, and the checks on it: a set-up header in
 * each direction (role and parameter set), and a header in front of every iteration's corrections that
 * lets the receiver detect that the two parties' {@code next} calls have drifted apart.
 */
final class FerretWire {
    static final int ROLE_SENDER = 1;
    static final int ROLE_RECEIVER = 2;
    static final int KIND_SETUP = 1;
    static final int KIND_EXTEND = 2;
    /** [tag | kind | role, t, logk, depth, batchTrees]. */
    static final int SETUP_HEADER_LONGS = 5;
    /**
     * [tag | kind, iteration, and the sender's calls when the previous iteration started (iteration 1:
     * none): count, n of the last one, hash of all their n].
     */
    static final int EXTEND_HEADER_LONGS = 5;

    private static final long TAG = 0x5345_4346_4552_0000L; // "SECFER"

    private FerretWire() {
    }

    static String roleName(int role) {
        return role == ROLE_SENDER ? "COT sender" : role == ROLE_RECEIVER ? "COT receiver" : "unknown role " + role;
    }

    static void sendSetup(Channel ch, int role, FerretParams p) {
        ch.sendLongs(new long[] {TAG | KIND_SETUP << 8 | role, p.trees(), p.logk(), p.depth(), p.batchTrees()});
    }

    /** Receives the peer's set-up header; a different role pairing or parameter set fails on the spot. */
    static void checkSetup(Channel ch, int myRole, FerretParams p) {
        long[] h = ch.receiveLongs();
        if (h.length != SETUP_HEADER_LONGS || (h[0] & ~0xFFFFL) != TAG || (h[0] >>> 8 & 0xFF) != KIND_SETUP) {
            throw new ProtocolViolationException("silent OT stream '" + ch.name()
                    + "': the peer's first message is not a Ferret set-up header"
                    + " (the parties run different protocols here)");
        }
        int peerRole = (int) (h[0] & 0xFF);
        String me = "this party (" + roleName(myRole) + ", " + p + ")";
        String peer = "peer (" + roleName(peerRole) + ", t=" + h[1] + ", logk=" + h[2] + ", depth=" + h[3] + ")";
        if (peerRole == myRole) {
            throw new AgreementException("silent OT stream '" + ch.name() + "': both parties act as "
                    + roleName(myRole) + "; one must open the sender and the other the receiver: " + me + " vs "
                    + peer);
        }
        if (h[1] != p.trees() || h[2] != p.logk() || h[3] != p.depth() || h[4] != p.batchTrees()) {
            throw new AgreementException("silent OT stream '" + ch.name() + "': the parties use different Ferret"
                    + " parameters: " + me + " vs " + peer);
        }
    }

    static void putExtendHeader(long[] msg, long iteration, CallLog calls) {
        msg[0] = TAG | KIND_EXTEND << 8;
        msg[1] = iteration;
        msg[2] = calls.count();
        msg[3] = calls.lastN();
        msg[4] = calls.hash();
    }

    /**
     * Checks the sender's iteration header against this receiver's calls at the same point: when the
     * iteration before this one started (the sender may send each iteration's message one iteration
     * ahead, so that is the latest point both ends share).
     */
    static void checkExtendHeader(Channel ch, long[] msg, long iteration, CallLog calls) {
        if ((msg[0] & ~0xFFFFL) != TAG || (msg[0] >>> 8 & 0xFF) != KIND_EXTEND) {
            throw new ProtocolViolationException("silent OT stream '" + ch.name()
                    + "': expected the sender's iteration message, got something else (the parties are out of step)");
        }
        if (msg[1] != iteration || msg[2] != calls.count() || msg[3] != calls.lastN() || msg[4] != calls.hash()) {
            throw new AgreementException("silent OT stream '" + ch.name() + "': the parties' next(n) calls differ"
                    + " (both must request the same n in the same order). When iteration " + (iteration - 1)
                    + " started, this receiver had made " + calls.count() + " calls, the last with n=" + calls.lastN()
                    + "; the sender had made " + msg[2] + " calls, the last with n=" + msg[3]
                    + (msg[1] != iteration ? " (and is at iteration " + msg[1] + ")" : "")
                    + (msg[2] == calls.count() && msg[3] == calls.lastN() ? " (earlier calls differ)" : ""));
        }
    }

    /** Leaves the session usable for nobody, so the peer's pending calls fail at once with our reason. */
    static RuntimeException abortOn(Channel ch, RuntimeException e) {
        if (!(e instanceof SessionException) || e instanceof AgreementException) {
            try {
                ch.session().abort(AbortReason.failure("silent OT " + ch.name(), e));
            } catch (RuntimeException ignored) {
                // already failed
            }
        }
        return e;
    }

    /**
     * The sequence of n values of the next() calls so far: count, last value and a 64-bit hash. Immutable: the
     * state at an iteration's start is kept by keeping the value.
     */
    record CallLog(long count, long lastN, long hash) {
        /** No calls yet. */
        static final CallLog NONE = new CallLog(0, 0, 0x243F_6A88_85A3_08D3L);

        /** This log followed by a call with {@code n}. */
        CallLog then(int n) {
            long h = (hash ^ n) * 0x9E37_79B9_7F4A_7C15L;
            return new CallLog(count + 1, n, h ^ (h >>> 29));
        }
    }
}
