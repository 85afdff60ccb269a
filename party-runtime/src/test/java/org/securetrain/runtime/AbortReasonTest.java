package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Issue 20, point 3: what an abort tells the peer is the stage, the kind of failure and shapes, never a value.
 * One rule ({@link AbortReason}) that every abort goes through.
 */
@Timeout(60)
class AbortReasonTest {

    private static InMemoryTransport.Pair pair() {
        return InMemoryTransport.pair(InMemorySessionTest.opts(Role.MODEL_OWNER).build(),
                InMemorySessionTest.opts(Role.DATA_OWNER).build());
    }

    /** A failing party whose exception message quotes a private value: the peer learns the class, not the value. */
    @Test
    void aFailureWhoseMessageHoldsAValueDoesNotSendIt() {
        try (InMemoryTransport.Pair p = pair()) {
            AtomicReference<RuntimeException> peerSaw = new AtomicReference<>();
            RuntimeException e = assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                    p.party(0), s -> {
                        throw new IllegalStateException("weight 0.7315402 at row 3 is out of range; pixel 211");
                    },
                    p.party(1), s -> {
                        try {
                            return s.channel("x").receiveLongs();
                        } catch (RuntimeException seen) {
                            peerSaw.set(seen);
                            throw seen;
                        }
                    }));
            assertTrue(e.getMessage().contains("0.7315402"), "the failing party keeps its own message: " + e);
            RuntimeException seen = peerSaw.get();
            assertInstanceOf(PeerAbortedException.class, seen, String.valueOf(seen));
            for (String value : new String[] {"0.7315402", "211", "row 3", "out of range"}) {
                assertFalse(seen.getMessage().contains(value), "'" + value + "' crossed: " + seen.getMessage());
            }
            assertTrue(seen.getMessage().contains("party 0 (MODEL_OWNER) failed at two-party-run: IllegalStateException"),
                    seen.getMessage());
        }
    }

    /** Free text passed to abort(String) stays local: the peer learns only that the party aborted. */
    @Test
    void freeTextAbortReasonsStayLocal() {
        try (InMemoryTransport.Pair p = pair()) {
            p.get(0).abort("label 7 of example 12 disagrees with loss 0.25");
            PeerAbortedException e = assertThrows(PeerAbortedException.class, () -> p.get(1).channel("x").receive());
            assertTrue(e.getMessage().contains("party 0 (MODEL_OWNER) aborted the session"), e.getMessage());
            assertFalse(e.getMessage().matches(".*\\d.*(7|12|0\\.25).*"), e.getMessage());
            SessionException local = assertThrows(SessionException.class, () -> p.get(0).channel("x").receive());
            assertTrue(local.getMessage().contains("label 7 of example 12"), "the text stays in the local failure");
        }
    }

    /** The parts are validated when a reason is made: no digits in a kind, no free punctuation in a stage. */
    @Test
    void reasonsAreMadeOfStageKindAndShapesOnly() {
        assertThrows(IllegalArgumentException.class, () -> AbortReason.of("layer1", "value 42 too large"));
        assertThrows(IllegalArgumentException.class, () -> AbortReason.of("loss=0.25", "bad loss"));
        assertThrows(IllegalArgumentException.class, () -> AbortReason.of("layer1", "ok").withShape("x=1", 2));
        AbortReason r = AbortReason.of("he.layer1.dense.fwd", "shape mismatch").withShape("weights", 784, 64);
        assertEquals("party 1 (DATA_OWNER) failed at he.layer1.dense.fwd: shape mismatch (weights 784x64)",
                r.wireText(Role.DATA_OWNER));
        // a failure keeps the exception class, never its message; an invalid stage is replaced, not sent
        AbortReason f = AbortReason.failure("loss=0.25", new ArithmeticException("loss 0.25"));
        assertEquals("unnamed stage: ArithmeticException", f.toString());
    }

    /** A header mismatch repeats only what both parties exchanged: such an exception's message may cross. */
    @Test
    void aMismatchOfExchangedParametersIsRepeatedToThePeer() {
        final class HeaderMismatch extends ProtocolViolationException implements AbortReason.ExchangedParameters {
            HeaderMismatch(String m) {
                super(m);
            }
        }
        AbortReason r = AbortReason.failure("ot.x", new HeaderMismatch("batch length mismatch: n=10 vs n=12"));
        assertEquals("party 0 (MODEL_OWNER) failed at ot.x: HeaderMismatch: batch length mismatch: n=10 vs n=12",
                r.wireText(Role.MODEL_OWNER));
        AbortReason plain = AbortReason.failure("ot.x", new ProtocolViolationException("share 12345 out of step"));
        assertEquals("party 0 (MODEL_OWNER) failed at ot.x: ProtocolViolationException", plain.wireText(Role.MODEL_OWNER));
        assertTrue(plain.localText().contains("share 12345"), "the message stays in the local text");
    }

    /** An Error on a session thread (here an async send) ends the session at once, and the peer is told. */
    @Test
    void anErrorOnASessionThreadEndsTheSessionAndTellsThePeer() {
        try (InMemoryTransport.Pair p = pair()) {
            SessionCore core = (SessionCore) p.get(0);
            assertThrows(OutOfMemoryError.class, () -> core.guard("send thread", () -> {
                throw new OutOfMemoryError("simulated");
            }));
            assertFalse(core.isOpen());
            PeerAbortedException e = assertThrows(PeerAbortedException.class, () -> p.get(1).channel("x").receive());
            assertTrue(e.getMessage().contains("failed at send-thread: OutOfMemoryError"), e.getMessage());
            SessionException local = assertThrows(SessionException.class, () -> core.channel("x").receive());
            assertTrue(local.getMessage().contains("OutOfMemoryError on this party's send thread"), local.getMessage());
        }
    }
}
