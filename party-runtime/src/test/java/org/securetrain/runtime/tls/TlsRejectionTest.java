package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.securetrain.runtime.testing.Await;
import org.securetrain.runtime.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;

@Timeout(60)
class TlsRejectionTest {

    @Test
    void clientRejectsServerWithUnpinnedCertificate() throws Exception {
        // Bob expects Mallory's certificate, Alice presents her own
        TlsTransport.Builder a = alice(opts(Role.MODEL_OWNER).build()).acceptTimeout(Duration.ofMillis(1500));
        TlsTransport.Builder b = bob(opts(Role.DATA_OWNER).build()).pinnedPeer(MALLORY.fingerprint());
        try (Outcome o = open(a, b)) {
            HandshakeException ce = assertInstanceOf(HandshakeException.class, o.connectorError());
            assertEquals("peerCertificate", ce.field());
            assertTrue(ce.getMessage().contains("peer certificate fingerprint " + ALICE.fingerprint()), ce.getMessage());
            assertTrue(ce.getMessage().contains("does not match pinned " + MALLORY.fingerprint()), ce.getMessage());
            // the listener saw a failed TLS handshake, kept listening, then gave up naming the rejection
            PeerTimeoutException se = assertInstanceOf(PeerTimeoutException.class, o.listenerError());
            assertTrue(se.getMessage().contains("rejected connections"), se.getMessage());
        }
    }

    @Test
    void serverRejectsClientWithUnpinnedCertificate() throws Exception {
        TlsTransport.Builder a = alice(opts(Role.MODEL_OWNER).build()).pinnedPeer(MALLORY.fingerprint())
                .acceptTimeout(Duration.ofMillis(1500));
        TlsTransport.Builder b = bob(opts(Role.DATA_OWNER).build());
        try (Outcome o = open(a, b)) {
            PeerTimeoutException se = assertInstanceOf(PeerTimeoutException.class, o.listenerError());
            assertTrue(se.getMessage().contains("peer certificate fingerprint " + BOB.fingerprint()), se.getMessage());
            assertTrue(se.getMessage().contains("does not match pinned " + MALLORY.fingerprint()), se.getMessage());
            // TLS 1.3: the client finishes first and learns of the rejection from the server's alert/close
            SessionException ce = assertInstanceOf(SessionException.class, o.connectorError());
            assertTrue(ce.getMessage().contains(BOB.fingerprint()), ce.getMessage());
        }
    }

    @Test
    void listenerDropsPlainTcpAndWrongCertificateClientsThenAcceptsThePeer() throws Exception {
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).build()).listen(ANY_LOCAL)) {
            CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", l.port());
            // 1. a plain TCP client writing garbage: the TLS handler refuses it and closes the socket
            try (Socket raw = new Socket(addr.getAddress(), addr.getPort())) {
                raw.setSoTimeout((int) Await.HANG_GUARD.toMillis()); // the event is the server closing the socket
                OutputStream out = raw.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = raw.getInputStream();
                int r;
                do {
                    r = in.read();
                } while (r >= 0); // the server may send an alert first; then EOF
            }
            // 2. Mallory, who is not the pinned peer, completes her side of TLS 1.3 but is rejected
            SessionOptions mo = opts(Role.DATA_OWNER).build();
            SessionException me = assertThrows(SessionException.class, () -> TlsTransport.builder().options(mo)
                    .identity(MALLORY).pinnedPeer(ALICE.fingerprint()).connectTimeout(Duration.ofSeconds(5))
                    .connect(addr));
            assertTrue(me.getMessage().contains(MALLORY.fingerprint()), me.getMessage());
            assertFalse(server.isDone());
            // 3. the real peer still gets in
            try (TlsSession b = bob(opts(Role.DATA_OWNER).build()).connect(addr);
                    TlsSession a = Await.get(server)) {
                a.channel("x").send(new byte[] {42});
                assertArrayEquals(new byte[] {42}, b.channel("x").receive());
            }
            // listening has stopped
            assertThrows(java.io.IOException.class, () -> new Socket(addr.getAddress(), addr.getPort()).close());
        }
    }

    @Test
    void configHashMismatchFailsBothSidesNamingTheField() throws Exception {
        assertBothFail(opts(Role.MODEL_OWNER).build(),
                opts(Role.DATA_OWNER).configHash(SessionOptions.hashConfig("other cfg")).build(), "configHash");
    }

    @Test
    void sameRoleOnBothSidesFailsBothSides() throws Exception {
        assertBothFail(opts(Role.DATA_OWNER).build(), opts(Role.DATA_OWNER).build(), "role");
    }

    @Test
    void versionMismatchFailsBothSides() throws Exception {
        assertBothFail(opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).protocolVersion(99).build(),
                "protocolVersion");
    }

    @Test
    void sessionIdMismatchFailsBothSides() throws Exception {
        assertBothFail(opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).sessionId("other").build(), "sessionId");
    }

    private static void assertBothFail(SessionOptions a, SessionOptions b, String field) throws Exception {
        try (Outcome o = open(alice(a), bob(b))) {
            HandshakeException le = assertInstanceOf(HandshakeException.class, o.listenerError());
            HandshakeException ce = assertInstanceOf(HandshakeException.class, o.connectorError());
            assertEquals(field, le.field(), le.getMessage());
            assertEquals(field, ce.field(), ce.getMessage());
        }
    }

    @Test
    void unreachablePeerFailsWithinTheConnectTimeout() {
        try (Ports.Held held = Ports.refusing()) { // bound, not listening: refused, and nobody else can take it
            int port = held.port();
            long t0 = System.nanoTime();
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class, () -> bob(opts(Role.DATA_OWNER).build())
                    .connectTimeout(Duration.ofMillis(1500)).connect(new InetSocketAddress("127.0.0.1", port)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(e.getMessage().contains("could not reach peer at 127.0.0.1:" + port + " within 1.5 s"),
                    e.getMessage());
            // it kept retrying for the whole connect timeout (a lower bound only: load can only make it longer)
            assertTrue(ms >= 1200, "took " + ms + " ms");
        }
    }

    @Test
    void connectRetriesUntilTheListenerStarts() throws Exception {
        Ports.Held held = Ports.forLaterListener(); // refused until the listener binds it; nobody else takes it
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", held.port());
        CompletableFuture<TlsSession> client = CompletableFuture.supplyAsync(() -> bob(opts(Role.DATA_OWNER).build())
                .connect(addr));
        Thread.sleep(700); // let it try a few times (no listener yet: it cannot have connected, whatever the load)
        assertFalse(client.isDone());
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).build()).listen(addr);
                TlsSession a = l.accept();
                TlsSession b = Await.get(client)) {
            held.close();
            b.channel("x").sendLong(7);
            assertEquals(7, a.channel("x").receiveLong());
        }
    }

    @Test
    void portInUseIsReportedClearly() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            SessionException e = assertThrows(SessionException.class, () -> alice(opts(Role.MODEL_OWNER).build())
                    .listen(new InetSocketAddress("127.0.0.1", s.getLocalPort())));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + s.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("in use"), e.getMessage());
        }
    }
}
