package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;

@Timeout(60)
class InMemorySessionTest {

    static SessionOptions.Builder opts(Role r) {
        return SessionOptions.builder(r).sessionId("t").configHash(SessionOptions.hashConfig("cfg"))
                .maxFrameBytes(64 * 1024).receiveTimeout(Duration.ofSeconds(5));
    }

    @Test
    void concurrentStreamsKeepOrderAndLargeMessagesReassemble() throws Exception {
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER).build(),
                opts(Role.DATA_OWNER).build())) {
            Session a = p.get(0);
            Session b = p.get(1);
            int streams = 4;
            CompletableFuture<?>[] fs = new CompletableFuture<?>[2 * streams];
            for (int s = 0; s < streams; s++) {
                final int sid = s;
                fs[2 * s] = CompletableFuture.runAsync(() -> {
                    Channel c = a.channel("s" + sid);
                    Random rnd = new Random(sid);
                    for (int i = 0; i < 50; i++) {
                        long[] v = new long[i == 7 ? 100_000 : 1 + rnd.nextInt(100)];
                        for (int j = 0; j < v.length; j++) v[j] = rnd.nextLong();
                        c.sendLongs(v);
                    }
                    c.send(new byte[] {1, 2, 3});
                });
                fs[2 * s + 1] = CompletableFuture.runAsync(() -> {
                    Channel c = b.channel("s" + sid);
                    Random rnd = new Random(sid);
                    for (int i = 0; i < 50; i++) {
                        long[] v = new long[i == 7 ? 100_000 : 1 + rnd.nextInt(100)];
                        for (int j = 0; j < v.length; j++) v[j] = rnd.nextLong();
                        assertArrayEquals(v, c.receiveLongs());
                    }
                    assertArrayEquals(new byte[] {1, 2, 3}, c.receive());
                });
            }
            CompletableFuture.allOf(fs).get();
            Traffic ta = a.traffic().total();
            Traffic tb = b.traffic().total();
            assertEquals(ta.bytesSent(), tb.bytesReceived());
            assertEquals(4 * 51, ta.messagesSent());
            assertEquals(4, ta.rounds()); // one flight per stream
        }
    }

    @Test
    void handshakeMismatchesNameTheField() {
        HandshakeException e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                opts(Role.MODEL_OWNER).build(), opts(Role.MODEL_OWNER).build()));
        assertEquals("role", e.field());
        e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                opts(Role.MODEL_OWNER).build(),
                opts(Role.DATA_OWNER).configHash(SessionOptions.hashConfig("other")).build()));
        assertEquals("configHash", e.field());
        e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).protocolVersion(99).build()));
        assertEquals("protocolVersion", e.field());
    }

    @Test
    void killedPeerFailsWaitingReceiver() {
        InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).build());
        Channel c = p.get(1).channel("x");
        var receiver = org.securetrain.runtime.testing.Await.start("receiver", c::receiveLongs);
        org.securetrain.runtime.testing.Await.blocked(receiver.thread()); // the receive waits
        p.kill(0);
        // at once, not by the receive timeout: that would end in a PeerTimeoutException instead
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> org.securetrain.runtime.testing.Await.get(receiver.result()));
        assertInstanceOf(PeerDisconnectedException.class, e.getCause());
    }

    @Test
    void receiveTimeoutFailsSession() {
        InMemoryTransport.Pair p = InMemoryTransport.pair(
                opts(Role.MODEL_OWNER).receiveTimeout(Duration.ofMillis(300)).build(),
                opts(Role.DATA_OWNER).build());
        PeerTimeoutException e = assertThrows(PeerTimeoutException.class, () -> p.get(0).channel("quiet").receive());
        assertTrue(e.getMessage().contains("'quiet'"), e.getMessage());
        assertFalse(p.get(0).isOpen());
    }

    @Test
    void abortReachesPeerWithReason() {
        InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).build());
        p.get(0).abort(AbortReason.of("layer 2", "shape mismatch").withShape("weights", 3, 4).withShape("input", 5));
        PeerAbortedException e = assertThrows(PeerAbortedException.class, () -> p.get(1).channel("x").receive());
        assertTrue(e.getMessage().contains("layer 2"), e.getMessage());
        assertTrue(e.getMessage().contains("weights 3x4, input 5"), e.getMessage());
    }

    @Test
    void wrongMessageTypeOrLengthIsNamed() {
        InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).build());
        p.get(0).channel("y").send(new byte[] {1});
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
                () -> p.get(1).channel("y").receiveLongs());
        assertTrue(e.getMessage().contains("'y'"));
        InMemoryTransport.Pair q = InMemoryTransport.pair(opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).build());
        q.get(0).channel("z").sendLongs(new long[3]);
        e = assertThrows(ProtocolViolationException.class, () -> q.get(1).channel("z").receiveLongs(new long[4], 0, 4));
        assertTrue(e.getMessage().contains("expected a message of 4 longs, peer sent 3"), e.getMessage());
    }

    @Test
    void asyncSendsAndReceivesStayOrdered() throws Exception {
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER).build(), opts(Role.DATA_OWNER).build())) {
            Channel a = p.get(0).channel("async");
            Channel b = p.get(1).channel("async");
            CompletableFuture<long[]> r1 = b.receiveLongsAsync();
            CompletableFuture<long[]> r2 = b.receiveLongsAsync();
            a.sendLongsAsync(new long[] {1});
            a.sendLongs(new long[] {2});
            assertEquals(1, r1.get()[0]);
            assertEquals(2, r2.get()[0]);
        }
    }

    @Test
    void aPeerAbortReachesASenderInTheMiddleOfAMessageWithItsReason() throws Exception {
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(opts(Role.MODEL_OWNER).maxFrameBytes(4096).build(),
                opts(Role.DATA_OWNER).maxFrameBytes(4096).build())) {
            AbortDuringSendScenario.senderGetsThePeersReason(p.party(0), p.party(1));
        }
    }
}
