package org.securetrain.protocols.nonlinear;

import java.security.SecureRandom;
import java.util.Objects;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.silent.SilentOt;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolId;

/**
 * Everything a protocol on random COTs needs, from one place: the channel its messages travel on,
 * this party's random COTs with the peer ({@link CotPair}), and a generator for the random shares it
 * draws itself. Protocols take a CotChannel and nothing else, so the transport and the COT source
 * (IKNP today, silent OT next) are chosen where the CotChannel is made.
 * Not thread-safe: one protocol runs on a CotChannel at a time.
 */
public final class CotChannel {
    /** Random COTs per fetch when a protocol draws in chunks (bounds the 16-byte blocks held at once). */
    static final int CHUNK_COTS = 1 << 18;

    private final Channel channel;
    private final CotPair cots;
    private final Prg random;

    private CotChannel(Channel channel, CotPair cots, Prg random) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.cots = Objects.requireNonNull(cots, "cots");
        this.random = Objects.requireNonNull(random, "random");
        if (channel.session().party() != cots.party()) {
            throw new IllegalArgumentException("the channel belongs to party " + channel.session().party()
                    + ", the COTs to party " + cots.party());
        }
    }

    /** A channel and COT source chosen by the caller. */
    public static CotChannel of(Channel channel, CotPair cots) {
        return new CotChannel(channel, cots, Prg.fromSecureRandom(new SecureRandom()));
    }

    /**
     * Messages on stream nl.{id}, random COTs from the session's IKNP extension (instances ot.nl.{id}.p0s and
     * .p1s, pools of {@code poolSize}). Both parties call this with the same arguments.
     */
    public static CotChannel iknp(OtEngine eng, ProtocolId id, int poolSize) {
        ProtocolId nl = id.under("nl");
        return of(eng.session().channel(nl), CotPair.iknp(eng, nl, poolSize));
    }

    /**
     * Messages on stream nl.{id}, random COTs from the session's silent-OT (Ferret) instances, one per
     * direction. Both parties call this with the same id; several CotChannels may share the service as long
     * as both parties use them in the same order (the Ferret pools advance in lockstep; each CotChannel's
     * id keeps its hash tweaks apart).
     */
    public static CotChannel silent(SilentOt silent, ProtocolId id) {
        int me = silent.session().party();
        ProtocolId nl = id.under("nl");
        return of(silent.session().channel(nl), CotPair.of(me, silent.sender(), silent.receiver(), nl));
    }

    public Channel channel() {
        return channel;
    }

    public CotPair cots() {
        return cots;
    }

    /** Local randomness (this party's own random shares and masks). */
    public Prg random() {
        return random;
    }

    public int party() {
        return cots.party();
    }
}
