package org.securetrain.crypto.ot.flavours;

import java.util.Objects;
import org.securetrain.crypto.ot.IknpRandomCotReceiver;
import org.securetrain.crypto.ot.IknpRandomCotSender;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.crypto.prg.CrHash;
import org.securetrain.runtime.ProtocolId;

/**
 * This party's two random-COT streams with the peer (one where it sends, one where it receives), the
 * raw material of every OT flavour in this package. {@link #fetch} always draws the direction
 * "party 0 sends" before "party 1 sends", so the two parties' sources stay in lockstep (a pool refill
 * in one direction never waits for the other). Each stream counts its COTs: the count is the hash
 * tweak of the next COT, and the stream's domain (from its name and sender) the tweak's high half.
 *
 * <p>One instance per name per session; not thread-safe (one protocol at a time drives it).
 */
public final class CotPair {
    private static final String DOMAIN = "securetrain/ot/flavours/v1";

    private final int party;
    private final RandomCotSender out;
    private final RandomCotReceiver in;
    private final long outDomain;
    private final long inDomain;
    private final CrHash hash = new CrHash();
    private long outCount;
    private long inCount;

    private CotPair(int party, RandomCotSender out, RandomCotReceiver in, ProtocolId id) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1, got " + party);
        }
        this.party = party;
        this.out = Objects.requireNonNull(out, "sender");
        this.in = Objects.requireNonNull(in, "receiver");
        this.outDomain = domain(id, party);
        this.inDomain = domain(id, 1 - party);
    }

    /** Wraps two random-COT sources (e.g. Ferret's); {@code id} must be the same at both parties. */
    public static CotPair of(int party, RandomCotSender sender, RandomCotReceiver receiver, ProtocolId id) {
        return new CotPair(party, sender, receiver, Objects.requireNonNull(id, "id"));
    }

    /**
     * Random COTs from the session's IKNP extension (instances {id}.p0s and {id}.p1s), in pools of
     * {@code poolSize}. Both parties call this with the same id and pool size.
     */
    public static CotPair iknp(OtEngine eng, ProtocolId id, int poolSize) {
        int me = eng.party();
        RandomCotSender s = IknpRandomCotSender.open(eng, id.child("p" + me + "s"), poolSize);
        RandomCotReceiver r = IknpRandomCotReceiver.open(eng, id.child("p" + (1 - me) + "s"), poolSize);
        return new CotPair(me, s, r, id);
    }

    public int party() {
        return party;
    }

    /** The tweakable hash every flavour uses on this pair's COTs (one per pair: not thread-safe). */
    public CrHash hash() {
        return hash;
    }

    /** The COTs of one {@link #fetch}: those this party sends and those it receives. */
    public record Batch(SenderCots sent, ReceiverCots received) {
    }

    /**
     * Draws {@code fromParty0} COTs in which party 0 sends and {@code fromParty1} in which party 1 sends.
     * Both parties pass the same two numbers.
     */
    public Batch fetch(int fromParty0, int fromParty1) {
        if (fromParty0 < 0 || fromParty1 < 0) {
            throw new IllegalArgumentException("COT counts must be >= 0, got " + fromParty0 + ", " + fromParty1);
        }
        SenderCots s;
        ReceiverCots r;
        if (party == 0) {
            s = send(fromParty0);
            r = receive(fromParty1);
        } else {
            r = receive(fromParty0);
            s = send(fromParty1);
        }
        return new Batch(s, r);
    }

    private SenderCots send(int n) {
        long[] q = new long[2 * n];
        if (n > 0) {
            out.next(n, q);
        }
        SenderCots c = new SenderCots(n, q, out.deltaLo(), out.deltaHi(), outCount, outDomain);
        outCount += n;
        return c;
    }

    private ReceiverCots receive(int n) {
        long[] bits = new long[(n + 63) >>> 6];
        long[] t = new long[2 * n];
        if (n > 0) {
            in.next(n, bits, t);
        }
        ReceiverCots c = new ReceiverCots(n, bits, t, inCount, inDomain);
        inCount += n;
        return c;
    }

    /** The tweak's high half for one direction: from the id's label, so distinct ids never share tweaks. */
    private static long domain(ProtocolId id, int sender) {
        byte[] d = id.label(DOMAIN + "/p" + sender + "sends");
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v |= (d[k] & 0xFFL) << (8 * k);
        }
        return v;
    }
}
