package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionException;

/** The JDK engine (the fallback when BoringSSL cannot load) and mixed JDK/BoringSSL pairs. */
@Timeout(60)
class TlsJdkEngineTest {

    @Test
    void jdkListenerAndBoringSslConnectorExchangeData() throws Exception {
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()).engine(TlsEngine.JDK),
                bob(opts(Role.DATA_OWNER).build()).engine(TlsEngine.AUTO))) {
            assertNull(o.listenerError());
            assertNull(o.connectorError());
            assertEquals("TLSv1.3", o.listener().protocol());
            assertTrue(TlsEngine.CIPHERS.contains(o.listener().cipherSuite()), o.listener().cipherSuite());
            assertEquals("JDK engine", o.listener().engine());
            long[] v = new SplittableRandom(3).longs(3_000_000).toArray();
            CompletableFuture<long[]> rx = CompletableFuture.supplyAsync(() -> o.connector().channel("x").receiveLongs());
            o.listener().channel("x").sendLongs(v);
            assertArrayEquals(v, rx.get(30, TimeUnit.SECONDS));
            o.connector().channel("y").send(new byte[] {9});
            assertArrayEquals(new byte[] {9}, o.listener().channel("y").receive());
        }
    }

    @Test
    void jdkEngineRejectsUnpinnedCertificatesBothWays() throws Exception {
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()).engine(TlsEngine.JDK)
                        .acceptTimeout(Duration.ofMillis(1500)),
                bob(opts(Role.DATA_OWNER).build()).engine(TlsEngine.JDK).pinnedPeer(MALLORY.fingerprint()))) {
            HandshakeException ce = assertInstanceOf(HandshakeException.class, o.connectorError());
            assertEquals("peerCertificate", ce.field());
            assertTrue(ce.getMessage().contains("does not match pinned " + MALLORY.fingerprint()), ce.getMessage());
            assertInstanceOf(PeerTimeoutException.class, o.listenerError());
        }
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()).engine(TlsEngine.JDK)
                        .pinnedPeer(MALLORY.fingerprint()).acceptTimeout(Duration.ofMillis(1500)),
                bob(opts(Role.DATA_OWNER).build()).engine(TlsEngine.JDK))) {
            PeerTimeoutException se = assertInstanceOf(PeerTimeoutException.class, o.listenerError());
            assertTrue(se.getMessage().contains("does not match pinned " + MALLORY.fingerprint()), se.getMessage());
            SessionException ce = assertInstanceOf(SessionException.class, o.connectorError());
            assertTrue(ce.getMessage().contains(BOB.fingerprint()), ce.getMessage());
        }
    }
}
