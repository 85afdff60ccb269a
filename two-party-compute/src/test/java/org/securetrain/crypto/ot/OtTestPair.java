package org.securetrain.crypto.ot;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Function;
import org.securetrain.runtime.AgreementException;
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
        return opts(r, Duration.ofSeconds(2));
    }

    /** Options with the given agreement probe delay (short in the tests of calls that wait for each other). */
    public static SessionOptions opts(Role r, Duration probeDelay) {
        return SessionOptions.builder(r).sessionId("ot-test").receiveTimeout(Duration.ofSeconds(60))
                .agreementProbeDelay(probeDelay).build();
    }

    public static InMemoryTransport.Pair sessions() {
        return InMemoryTransport.pair(opts(Role.MODEL_OWNER), opts(Role.DATA_OWNER));
    }

    public static OtTestPair open(int chunk) {
        return open(chunk, Duration.ofSeconds(2));
    }

    /** A fresh pair whose receives probe after {@code probeDelay}: for tests in which the session fails. */
    public static OtTestPair open(int chunk, Duration probeDelay) {
        InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER, probeDelay),
                opts(Role.DATA_OWNER, probeDelay));
        var r = TwoPartyRunner.run(p.party(0), s -> OtEngine.setup(s, new SecureRandom(), chunk),
                p.party(1), s -> OtEngine.setup(s, new SecureRandom(), chunk));
        return new OtTestPair(p, r.party0(), r.party1());
    }

    public <A, B> TwoPartyRunner.Results<A, B> run(Function<OtEngine, A> p0, Function<OtEngine, B> p1) {
        return TwoPartyRunner.run(pair.party(0), s -> p0.apply(e0), pair.party(1), s -> p1.apply(e1));
    }

    /** Both parties' calls, each with its own arguments: the result or the exception each one threw. */
    public Object[] outcomes(Function<OtEngine, ?> p0, Function<OtEngine, ?> p1) {
        var r = run(e -> attempt(p0, e), e -> attempt(p1, e));
        return new Object[] {r.party0(), r.party1()};
    }

    private static Object attempt(Function<OtEngine, ?> body, OtEngine e) {
        try {
            return body.apply(e);
        } catch (RuntimeException ex) {
            return ex;
        }
    }

    /**
     * Both outcomes are agreement failures in which each party names both views: party 0's message holds
     * "this party " + {@code view0} and "the peer " + {@code view1}, party 1's the reverse.
     */
    public static void assertBothFailNamingBothViews(Object[] outcomes, String view0, String view1) {
        String[] views = {view0, view1};
        for (int p = 0; p < 2; p++) {
            Object o = outcomes[p];
            if (!(o instanceof AgreementException e)) {
                throw new AssertionError("party " + p + " must fail with an AgreementException, got " + o,
                        o instanceof Throwable t ? t : null);
            }
            String m = e.getMessage();
            if (!m.contains("this party " + views[p]) || !m.contains("the peer " + views[1 - p])) {
                throw new AssertionError("party " + p + " must name both views ('" + views[p] + "', '"
                        + views[1 - p] + "'): " + m);
            }
        }
    }

    /** A fresh pair for a test that ends the session: short probe delay. */
    public static OtTestPair forMismatch() {
        return open(1024, Duration.ofMillis(200));
    }

    @Override
    public void close() {
        pair.close();
    }
}
