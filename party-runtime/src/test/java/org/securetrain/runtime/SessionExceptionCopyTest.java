package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one copy of a session failure for a waiting caller keeps the kind, the message and the fields. */
class SessionExceptionCopyTest {

    @Test
    void everyKindIsCopiedAsItselfWithItsMessageAndTheOriginalAsCause() {
        List<SessionException> all = List.of(new SessionException("a"), new PeerTimeoutException("b"),
                new PeerDisconnectedException("c"), new PeerAbortedException("peer aborted the session: d"),
                new ProtocolViolationException("e"), new AgreementException("f"),
                new HandshakeException("configHash", "g"));
        for (SessionException f : all) {
            SessionException c = f.copyForCaller();
            assertNotSame(f, c);
            assertSame(f.getClass(), c.getClass(), f.getClass().getSimpleName());
            assertEquals(f.getMessage(), c.getMessage());
            assertSame(f, c.getCause());
        }
        HandshakeException h = (HandshakeException) new HandshakeException("role", "both claim party 0")
                .copyForCaller();
        assertEquals("role", h.field());
        assertEquals("handshake failed on 'role': both claim party 0", h.getMessage());
    }

    @Test
    void aSubclassWithoutItsOwnCopyKeepsItsKind() {
        class Custom extends PeerAbortedException {
            Custom() {
                super("custom");
            }
        }
        SessionException c = new Custom().copyForCaller();
        assertInstanceOf(Custom.class, c);
    }
}
