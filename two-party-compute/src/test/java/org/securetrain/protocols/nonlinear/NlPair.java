package org.securetrain.protocols.nonlinear;

import java.security.SecureRandom;
import java.util.function.Function;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.crypto.ot.RecordingSession;
import org.securetrain.crypto.ot.silent.SilentOt;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Two parties in one JVM with IKNP engines and one {@link CotChannel} each, optionally recording every
 * long[] message each party receives (its view), for the protocol tests.
 */
final class NlPair implements AutoCloseable {
    final InMemoryTransport.Pair pair;
    final RecordingSession r0;
    final RecordingSession r1;
    final CotChannel c0;
    final CotChannel c1;
    final String name;

    private NlPair(InMemoryTransport.Pair pair, RecordingSession r0, RecordingSession r1, CotChannel c0,
            CotChannel c1, String name) {
        this.pair = pair;
        this.r0 = r0;
        this.r1 = r1;
        this.c0 = c0;
        this.c1 = c1;
        this.name = name;
    }

    /** A fresh session pair, both parties' messages recorded. */
    static NlPair open(String name, int pool) {
        InMemoryTransport.Pair p = OtTestPair.sessions();
        RecordingSession r0 = new RecordingSession(p.party(0));
        RecordingSession r1 = new RecordingSession(p.party(1));
        var e = TwoPartyRunner.run(p.party(0), s -> OtEngine.setup(r0, new SecureRandom()),
                p.party(1), s -> OtEngine.setup(r1, new SecureRandom()));
        ProtocolId id = ProtocolId.parse(name);
        var c = TwoPartyRunner.run(p.party(0), s -> CotChannel.iknp(e.party0(), id, pool),
                p.party(1), s -> CotChannel.iknp(e.party1(), id, pool));
        return new NlPair(p, r0, r1, c.party0(), c.party1(), name);
    }

    /** A fresh session pair whose random COTs come from Ferret silent OT (the service's default parameters). */
    static NlPair openSilent(String name) {
        InMemoryTransport.Pair p = OtTestPair.sessions();
        RecordingSession r0 = new RecordingSession(p.party(0));
        RecordingSession r1 = new RecordingSession(p.party(1));
        ProtocolId id = ProtocolId.parse(name);
        var c = TwoPartyRunner.run(
                p.party(0), s -> CotChannel.silent(SilentOt.setup(OtEngine.setup(r0, new SecureRandom()),
                        new SecureRandom()), id),
                p.party(1), s -> CotChannel.silent(SilentOt.setup(OtEngine.setup(r1, new SecureRandom()),
                        new SecureRandom()), id));
        return new NlPair(p, r0, r1, c.party0(), c.party1(), name);
    }

    <A, B> TwoPartyRunner.Results<A, B> run(Function<CotChannel, A> p0, Function<CotChannel, B> p1) {
        return TwoPartyRunner.run(pair.party(0), s -> p0.apply(c0), pair.party(1), s -> p1.apply(c1));
    }

    Session session(int p) {
        return pair.party(p);
    }

    /** Every message party p received on this pair's protocol channel since the last {@link #clearViews}. */
    long[] view(int p) {
        return org.securetrain.crypto.ot.ViewStats.concat((p == 0 ? r0 : r1).received("nl." + name), -1);
    }

    void clearViews() {
        r0.clear();
        r1.clear();
    }

    static Prg prg() {
        return Prg.fromSecureRandom(new SecureRandom());
    }

    static long bit(long[] b, int i) {
        return b[i >>> 6] >>> (i & 63) & 1;
    }

    @Override
    public void close() {
        pair.close();
    }
}
