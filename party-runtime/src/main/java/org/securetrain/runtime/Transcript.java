package org.securetrain.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the two parties agreed on one stream, call by call: each protocol call folds a readable record of its
 * public parameters (kind, shapes, roles, bit widths) into a running SHA-256 chain, locally and without a
 * message ({@link Channel#agree}). The next data message on the stream carries a 64-bit stamp of the chain
 * (16-bit count, 48-bit digest prefix) and the receiver compares it with its own chain, so a disagreement is
 * found on the data that would otherwise have been misread, with no extra round. The last {@value #KEPT}
 * records are kept in readable form for the error both parties raise.
 */
final class Transcript {
    /** Readable records kept for the error message. */
    static final int KEPT = 8;
    /** Longest record text kept and sent (a record is a short phrase; longer ones are cut). */
    static final int MAX_RECORD_CHARS = 400;
    /** The stamp of a stream on which nothing was agreed yet (both parties start from it). */
    static final long INITIAL_STAMP = 0;

    private int count;
    private byte[] digest = new byte[32];
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    /** The stamp of the current chain, read without the lock by the transport thread. */
    private volatile long stamp = INITIAL_STAMP;
    /** The newest stamp the peer has shown on this stream: on a data message or in a probe. */
    private volatile long peerKnown = INITIAL_STAMP;
    /** The stamp the last data message received from the peer was sent under. Transport thread only. */
    private long peerData = INITIAL_STAMP;
    /** The count of the chain under which the last data message was sent. Guarded by {@code this}. */
    private int sentCount;

    /** Folds one record into the chain; returns the new stamp. */
    synchronized long fold(String record) {
        String text = record.length() > MAX_RECORD_CHARS ? record.substring(0, MAX_RECORD_CHARS) + "..." : record;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(digest);
            md.update(text.getBytes(StandardCharsets.UTF_8));
            digest = md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        count++;
        recent.addLast("#" + count + " " + text);
        if (recent.size() > KEPT) {
            recent.removeFirst();
        }
        long s = (long) (count & 0xFFFF) << 48;
        for (int i = 0; i < 6; i++) {
            s |= (long) (digest[i] & 0xFF) << (8 * (5 - i));
        }
        stamp = s;
        return s;
    }

    long stamp() {
        return stamp;
    }

    /** The newest stamp the peer has shown on this stream. */
    long peerKnownStamp() {
        return peerKnown;
    }

    /** Agreements made on this stream so far. */
    synchronized int count() {
        return count;
    }

    /**
     * The stamp a data message about to be sent must carry, or -1 when the peer already has it (the chain
     * has not moved since the last message this party sent on the stream). Call in send order.
     */
    synchronized long stampToSend() {
        if (count == sentCount) {
            return -1;
        }
        sentCount = count;
        return stamp;
    }

    /** A data message arrived, with a stamp or (-1) without one; returns the stamp it was sent under. */
    long onPeerMessage(long carried) {
        if (carried != -1) {
            peerData = carried;
            onPeerState(carried);
        }
        return peerData;
    }

    /** The peer showed its state (a data message's stamp or a probe); keeps the newest one. */
    void onPeerState(long peerStamp) {
        long known = peerKnown;
        if ((short) (count(peerStamp) - count(known)) > 0) {
            peerKnown = peerStamp;
        }
    }

    /**
     * True when this party and the peer have made the same number of agreements on the stream as far as this
     * party can tell, but different ones: the eager check, run whenever either side's state changes.
     */
    boolean disagreesWithPeer() {
        long mine = stamp;
        long theirs = peerKnown;
        return count(mine) == count(theirs) && mine != theirs;
    }

    /** The count of agreements a stamp was taken after, mod 2^16. */
    static int count(long stamp) {
        return (int) (stamp >>> 48) & 0xFFFF;
    }

    /** The readable records kept, oldest first, each "#count text". */
    synchronized List<String> recent() {
        return new ArrayList<>(recent);
    }
}
