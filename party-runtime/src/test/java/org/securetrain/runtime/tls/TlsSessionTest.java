package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.securetrain.runtime.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.Traffic;

@Timeout(600) // a guard against hangs only: the waits inside are for events (a result, a close), never for a time
class TlsSessionTest {

    @Test
    void largeAndSmallMessagesOnConcurrentStreamsArriveInOrder() throws Exception {
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()), bob(opts(Role.DATA_OWNER).build()))) {
            assertNull(o.listenerError());
            assertNull(o.connectorError());
            TlsSession a = o.listener();
            TlsSession b = o.connector();
            assertEquals("TLSv1.3", a.protocol());
            assertTrue(TlsEngine.CIPHERS.contains(a.cipherSuite()), a.cipherSuite());
            assertEquals(BOB.fingerprint(), a.peerFingerprint());
            assertEquals(ALICE.fingerprint(), b.peerFingerprint());
            assertEquals(0, a.party());
            assertEquals(1, b.party());

            int streams = 4;
            CompletableFuture<?>[] fs = new CompletableFuture<?>[2 * streams];
            for (int s = 0; s < streams; s++) {
                final int sid = s;
                // stream 0 carries a 64 MiB long[] each way; the others many small messages
                fs[2 * s] = CompletableFuture.runAsync(() -> exchange(a, sid, true));
                fs[2 * s + 1] = CompletableFuture.runAsync(() -> exchange(b, sid, false));
            }
            Await.get(CompletableFuture.allOf(fs)); // no bound on the time: the load decides it
            Traffic ta = a.traffic().total();
            Traffic tb = b.traffic().total();
            assertEquals(ta.bytesSent(), tb.bytesReceived());
            assertEquals(tb.bytesSent(), ta.bytesReceived());
            assertTrue(ta.bytesSent() > 64L << 20);
        }
    }

    @Test
    void abortAndCloseReachThePeerWithTheirReason() throws Exception {
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()), bob(opts(Role.DATA_OWNER).build()))) {
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> o.connector().channel("x").receive());
            o.listener().abort(org.securetrain.runtime.AbortReason.of("layer 3", "shape mismatch")
                    .withShape("weight", 4, 5).withShape("input", 6));
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> Await.get(rx));
            assertInstanceOf(org.securetrain.runtime.PeerAbortedException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("layer 3: shape mismatch (weight 4x5"),
                    e.getCause().getMessage());
        }
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()), bob(opts(Role.DATA_OWNER).build()))) {
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> o.listener().channel("x").receive());
            o.connector().channel("x").send(new byte[] {5}); // flushed before the goodbye
            o.connector().close();
            assertArrayEquals(new byte[] {5}, Await.get(rx));
            org.securetrain.runtime.PeerDisconnectedException d = assertThrows(
                    org.securetrain.runtime.PeerDisconnectedException.class, () -> o.listener().channel("x").receive());
            assertTrue(d.getMessage().contains("peer closed the session"), d.getMessage());
            assertFalse(o.listener().isOpen());
        }
        // The goodbye overtakes the receiver's first channel() call: what was sent before it is still delivered.
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()), bob(opts(Role.DATA_OWNER).build()))) {
            o.connector().channel("y").send(new byte[] {7});
            o.connector().close();
            // the event is the peer's close arriving, however long the machine's load makes that take
            Await.until("the peer's close to arrive", () -> !o.listener().isOpen());
            assertArrayEquals(new byte[] {7}, o.listener().channel("y").receive());
            assertThrows(org.securetrain.runtime.PeerDisconnectedException.class,
                    () -> o.listener().channel("y").receive());
            assertThrows(org.securetrain.runtime.PeerDisconnectedException.class,
                    () -> o.listener().channel("never-used"));
        }
    }

    /** Party 0 sends first on every stream, party 1 echoes a transformed copy back. */
    private static void exchange(Session s, int sid, boolean first) {
        Channel c = s.channel("s" + sid);
        int n = sid == 0 ? 3 : 200;
        SplittableRandom rnd = new SplittableRandom(sid);
        for (int i = 0; i < n; i++) {
            int len = sid == 0 ? (i == 1 ? 8 << 20 : 1 + rnd.nextInt(10)) : 1 + rnd.nextInt(300);
            long[] v = new long[len];
            for (int j = 0; j < len; j++) {
                v[j] = rnd.nextLong();
            }
            if (first) {
                c.sendLongs(v);
                long[] back = c.receiveLongs();
                for (int j = 0; j < len; j++) {
                    v[j] = ~v[j];
                }
                assertArrayEquals(v, back, "stream " + sid + " message " + i);
            } else {
                long[] got = c.receiveLongs();
                assertArrayEquals(v, got, "stream " + sid + " message " + i);
                for (int j = 0; j < len; j++) {
                    got[j] = ~got[j];
                }
                c.sendLongs(got);
            }
            byte[] bytes = new byte[1 + rnd.nextInt(100)];
            rnd.nextBytes(bytes);
            if (first) {
                c.send(bytes);
            } else {
                assertArrayEquals(bytes, c.receive());
            }
        }
    }
}
