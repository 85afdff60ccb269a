package org.securetrain.runtime.view;

import java.time.Duration;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Runs a two-party program over a fresh pair of in-memory sessions, each party behind a {@link ViewRecorder},
 * and returns both parties' views with their outputs attached. The usual view test:
 *
 * <pre>{@code
 * View a = TwoPartyViews.run((s, p) -> protocol(s, p == 1 ? own : peerInputA)).party(1);
 * View b = TwoPartyViews.run((s, p) -> protocol(s, p == 1 ? own : peerInputB)).party(1);
 * ViewAssert.assertIndistinguishable(a, ForbiddenWords.of("peer input", peerInputA),
 *         b, ForbiddenWords.of("peer input", peerInputB), "protocol, party 1");
 * }</pre>
 */
public final class TwoPartyViews {
    private TwoPartyViews() {
    }

    /** One party's half of the program: runs on the (recording) session and returns its outputs. */
    @FunctionalInterface
    public interface Party {
        Outputs run(Session session, int party);
    }

    /** One party's set-up (e.g. base OTs), whose messages are left out of the view; returns its state. */
    @FunctionalInterface
    public interface Setup<S> {
        S run(Session session, int party);
    }

    /** One party's half of the program after a {@link Setup}, with that party's set-up state. */
    @FunctionalInterface
    public interface Program<S> {
        Outputs run(S state, Session session, int party);
    }

    /** Named outputs of one party, in order. */
    public static final class Outputs {
        final java.util.LinkedHashMap<String, long[]> values = new java.util.LinkedHashMap<>();

        public static Outputs of(String name, long[] words) {
            return new Outputs().and(name, words);
        }

        public static Outputs none() {
            return new Outputs();
        }

        public Outputs and(String name, long[] words) {
            values.put(name, words);
            return this;
        }
    }

    /** Both parties' views of one run. */
    public record Run(View party0, View party1) {
        public View party(int p) {
            return p == 0 ? party0 : party1;
        }
    }

    /** Session options of the test pairs: receive timeout one minute (no test waits that long for a message). */
    public static SessionOptions options(Role role) {
        return SessionOptions.builder(role).sessionId("view-test").receiveTimeout(Duration.ofSeconds(60)).build();
    }

    /**
     * Runs {@code setup} and then {@code program} at both parties over fresh recorded sessions; the set-up's
     * messages are left out of the views (they do not depend on the private inputs the test varies).
     */
    public static <S> Run run(Setup<S> setup, Program<S> program) {
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(options(Role.MODEL_OWNER), options(Role.DATA_OWNER))) {
            ViewRecorder r0 = new ViewRecorder(pair.party(0));
            ViewRecorder r1 = new ViewRecorder(pair.party(1));
            var state = TwoPartyRunner.run(pair.party(0), s -> setup.run(r0, 0), pair.party(1), s -> setup.run(r1, 1));
            r0.reset();
            r1.reset();
            var out = TwoPartyRunner.run(pair.party(0), s -> program.run(state.party0(), r0, 0), pair.party(1),
                    s -> program.run(state.party1(), r1, 1));
            return new Run(withOutputs(r0.view(), out.party0()), withOutputs(r1.view(), out.party1()));
        }
    }

    /** Runs {@code program} at both parties over fresh recorded sessions, with no set-up. */
    public static Run run(Party program) {
        return run((s, p) -> null, (Object state, Session s, int p) -> program.run(s, p));
    }

    private static View withOutputs(View v, Outputs o) {
        View r = v;
        if (o != null) {
            for (var e : o.values.entrySet()) {
                r = r.withOutput(e.getKey(), e.getValue());
            }
        }
        return r;
    }
}
