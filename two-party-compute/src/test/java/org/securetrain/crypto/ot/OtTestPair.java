package org.securetrain.crypto.ot;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Function;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** Two parties in one JVM with set-up OT engines, for tests. */
public final class OtTestPair implements AutoCloseable {
    public final InMemoryTransport.Pair pair;
    public final OtEngine e0;
    public final OtEngine e1;

    private OtTestPair(InMemoryTransport.Pair pair, OtEngine e0, OtEngine e1) {
        this.pair = pair;
        this.e0 = e0;
        this.e1 = e1;
    }

    public static SessionOptions opts(Role r) {
        return SessionOptions.builder(r).sessionId("ot-test").receiveTimeout(Duration.ofSeconds(60)).build();
    }

    public static InMemoryTransport.Pair sessions() {
        return InMemoryTransport.pair(opts(Role.MODEL_OWNER), opts(Role.DATA_OWNER));
    }

    public static OtTestPair open(int chunk) {
        InMemoryTransport.Pair p = sessions();
        var r = TwoPartyRunner.run(p.party(0), s -> OtEngine.setup(s, new SecureRandom(), chunk),
                p.party(1), s -> OtEngine.setup(s, new SecureRandom(), chunk));
        return new OtTestPair(p, r.party0(), r.party1());
    }

    public <A, B> TwoPartyRunner.Results<A, B> run(Function<OtEngine, A> p0, Function<OtEngine, B> p1) {
        return TwoPartyRunner.run(pair.party(0), s -> p0.apply(e0), pair.party(1), s -> p1.apply(e1));
    }

    @Override
    public void close() {
        pair.close();
    }
}
