package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** The agreement mechanism over the in-memory transport (see {@code TlsAgreementTest} for TLS). */
@Timeout(60)
class AgreementTest {

    static InMemoryTransport.Pair pair() {
        return InMemoryTransport.pair(opts(Role.MODEL_OWNER), opts(Role.DATA_OWNER));
    }

    static SessionOptions opts(Role r) {
        return SessionOptions.builder(r).sessionId("agree").receiveTimeout(Duration.ofSeconds(30))
                .agreementProbeDelay(Duration.ofMillis(200)).build();
    }

    @Test
    void differentShapesFailBothNamingBothViews() throws Exception {
        try (InMemoryTransport.Pair p = pair()) {
            AgreementScenarios.differentShapesFailBothNamingBothViews(p.party(0), p.party(1));
        }
    }

    @Test
    void bothWaitingFailThroughTheProbe() throws Exception {
        try (InMemoryTransport.Pair p = pair()) {
            AgreementScenarios.bothWaitingFailThroughTheProbe(p.party(0), p.party(1));
        }
    }

    @Test
    void bothWaitingOnDifferentStreamsFailThroughTheProbe() throws Exception {
        try (InMemoryTransport.Pair p = pair()) {
            AgreementScenarios.bothWaitingOnDifferentStreamsFailThroughTheProbe(p.party(0), p.party(1));
        }
    }

    @Test
    void aPartyACallAheadFailsBoth() throws Exception {
        try (InMemoryTransport.Pair p = pair()) {
            AgreementScenarios.aPartyACallAheadFailsBoth(p.party(0), p.party(1));
        }
    }

    @Test
    void agreedCallsAddNoMessage() throws Exception {
        try (InMemoryTransport.Pair p = pair()) {
            AgreementScenarios.agreedCallsAddNoMessage(p.party(0), p.party(1), false);
            AgreementScenarios.agreedCallsAddNoMessage(p.party(0), p.party(1), true);
        }
    }

    @Test
    void aStampLeadsOnlyTheFirstFrameOfALargeMessage() throws Exception {
        SessionOptions.Builder small = SessionOptions.builder(Role.MODEL_OWNER).maxFrameBytes(1024);
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(small.build(),
                SessionOptions.builder(Role.DATA_OWNER).maxFrameBytes(1024).build())) {
            long[] v = new long[1000]; // 8000 bytes: 8 frames
            for (int i = 0; i < v.length; i++) {
                v[i] = i * 0x9E3779B97F4A7C15L;
            }
            Object[] r = AgreementScenarios.outcomes(p.party(0), s -> {
                Channel c = s.channel("big");
                c.agree("sends 1000 values");
                c.sendLongs(v);
                return null;
            }, p.party(1), s -> {
                Channel c = s.channel("big");
                c.agree("sends 1000 values");
                return c.receiveLongs();
            });
            assertArrayEquals(v, (long[]) r[1]);
            Traffic t = p.party(0).traffic().snapshot().streams().get("big");
            assertEquals(8000 + 8 + 9L * 8, t.bytesSent(), "the stamp once, in a frame that still fits the limit");
        }
    }

    /** A reveal's sender may send and close before the receiver even agreed: what it sent is still read. */
    @Test
    void whatAPeerSentBeforeClosingIsStillReadUnderTheAgreement() {
        InMemoryTransport.Pair p = pair();
        Channel c0 = p.party(0).channel("last");
        c0.agree("reveals 3 values to party 1");
        c0.sendLongs(new long[] {1, 2, 3});
        p.party(0).close();
        Channel c1 = p.party(1).channel("last");
        c1.agree("reveals 3 values to party 1");
        assertArrayEquals(new long[] {1, 2, 3}, c1.receiveLongs());
        p.close();
    }

    @Test
    void theMismatchMessageNamesTheFirstDifferingCall() {
        SessionCore core = new SessionCore(opts(Role.MODEL_OWNER));
        SessionCore.Inbox box = core.new Inbox(7, "s");
        String m = SessionCore.describeMismatch(box, List.of("#1 a", "#2 b", "#3 c"), List.of("#2 b", "#3 d"), 0);
        assertTrue(m.contains("call #3: this party c; the peer d"), m);
        String ahead = SessionCore.describeMismatch(box, List.of("#1 a"), List.of("#1 a", "#2 b"), 0);
        assertTrue(ahead.contains("this party is at call #1 (a), the peer at call #2 (b)"), ahead);
        String silent = SessionCore.describeMismatch(box, List.of("#1 a"), null, 500);
        assertTrue(silent.contains("did not send its view within 500 ms") && silent.contains("#1 a"), silent);
    }
}
