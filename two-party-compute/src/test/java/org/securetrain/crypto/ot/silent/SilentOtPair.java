package org.securetrain.crypto.ot.silent;

import java.security.SecureRandom;
import java.util.function.Function;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** Two parties in one JVM with OT engines and a silent-OT service each (sessions may be wrapped). */
final class SilentOtPair implements AutoCloseable {
    final InMemoryTransport.Pair pair;
    final SilentOt s0;
    final SilentOt s1;
    final OtEngine e0;
    final OtEngine e1;

    private SilentOtPair(InMemoryTransport.Pair pair, Object[] a, Object[] b) {
        this.pair = pair;
        this.e0 = (OtEngine) a[0];
        this.s0 = (SilentOt) a[1];
        this.e1 = (OtEngine) b[0];
        this.s1 = (SilentOt) b[1];
    }

    static SilentOtPair open(FerretParams params) {
        return open(params, s -> s);
    }

    /** {@code wrap} may replace each party's session (e.g. by a recording one) before anything runs. */
    static SilentOtPair open(FerretParams params, Function<Session, Session> wrap) {
        InMemoryTransport.Pair p = OtTestPair.sessions();
        var r = TwoPartyRunner.run(p.party(0), s -> setup(wrap.apply(s), params),
                p.party(1), s -> setup(wrap.apply(s), params));
        return new SilentOtPair(p, r.party0(), r.party1());
    }

    private static Object[] setup(Session s, FerretParams params) {
        OtEngine e = OtEngine.setup(s, new SecureRandom());
        return new Object[] {e, SilentOt.setup(e, new SecureRandom(), params)};
    }

    <A, B> TwoPartyRunner.Results<A, B> run(Function<SilentOt, A> p0, Function<SilentOt, B> p1) {
        return TwoPartyRunner.run(pair.party(0), s -> p0.apply(s0), pair.party(1), s -> p1.apply(s1));
    }

    @Override
    public void close() {
        pair.close();
    }
}
