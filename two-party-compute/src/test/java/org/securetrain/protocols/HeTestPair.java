package org.securetrain.protocols;

import java.time.Duration;
import java.util.function.Function;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** Two in-memory parties with HE contexts, for tests. */
final class HeTestPair implements AutoCloseable {
    final InMemoryTransport.Pair pair;
    final HeContext[] ctx = new HeContext[2];

    HeTestPair() {
        this(HeParameters.standard());
    }

    HeTestPair(HeParameters params) {
        this(params, Runtime.getRuntime().availableProcessors());
    }

    /** Parties whose compute pools have {@code computeThreads} threads each. */
    HeTestPair(HeParameters params, int computeThreads) {
        pair = InMemoryTransport.pair(opts(Role.MODEL_OWNER).toBuilder().computeThreads(computeThreads).build(),
                opts(Role.DATA_OWNER).toBuilder().computeThreads(computeThreads).build());
        var r = TwoPartyRunner.run(pair.party(0), s -> HeContext.open(s, params), pair.party(1),
                s -> HeContext.open(s, params));
        ctx[0] = r.party0();
        ctx[1] = r.party1();
    }

    private static SessionOptions opts(Role role) {
        return SessionOptions.builder(role).sessionId("he-test").receiveTimeout(Duration.ofSeconds(120)).build();
    }

    Session session(int i) {
        return pair.party(i);
    }

    <A, B> TwoPartyRunner.Results<A, B> run(Function<Session, A> p0, Function<Session, B> p1) {
        return TwoPartyRunner.run(pair.party(0), p0, pair.party(1), p1);
    }

    /** Both parties run body(session, context, party index). */
    <T> TwoPartyRunner.Results<T, T> both(PartyBody<T> body) {
        return TwoPartyRunner.run(pair.party(0), s -> body.run(s, ctx[0], 0), pair.party(1), s -> body.run(s, ctx[1], 1));
    }

    interface PartyBody<T> {
        T run(Session s, HeContext ctx, int party);
    }

    @Override
    public void close() {
        ctx[0].close();
        ctx[1].close();
        pair.close();
    }
}
