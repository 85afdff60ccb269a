package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.securetrain.runtime.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionException;

/** A peer that authenticates correctly and then sends bytes the framing forbids. */
@Timeout(60)
class TlsMalformedInputTest {

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long usedDirect() {
        return ((PooledByteBufAllocator) NettySupport.ALLOCATOR).metric().usedDirectMemory();
    }

    /** Opens a real listener and a raw peer that completes TLS and the session handshake. */
    private interface Body {
        void run(TlsSession a, RawTlsPeer raw) throws Exception;
    }

    private static void withHandshakenRawPeer(Body body) throws Exception {
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).build()).listen(ANY_LOCAL)) {
            CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
            try (RawTlsPeer raw = new RawTlsPeer(new InetSocketAddress("127.0.0.1", l.port()), BOB,
                    ALICE.fingerprint(), opts(Role.DATA_OWNER).build())) {
                raw.handshake();
                try (TlsSession a = Await.get(server)) {
                    body.run(a, raw);
                }
            }
        }
    }

    @Test
    void frameClaimingTwoGibibytesFailsFastWithoutAllocating() throws Exception {
        withHandshakenRawPeer((a, raw) -> {
            long heap0 = usedHeap();
            long direct0 = usedDirect();
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
            ByteBuffer h = ByteBuffer.allocate(9 + 64).putInt(Integer.MAX_VALUE).putInt(5).put((byte) 1);
            raw.writeRaw(h.array()); // header plus a few payload bytes; then the peer waits
            // refused on the header, not after waiting for 2 GiB: a wait would end in a timeout, not this violation
            ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(rx));
            ProtocolViolationException pv = assertInstanceOf(ProtocolViolationException.class, e.getCause());
            assertTrue(pv.getMessage().contains("2147483647") && pv.getMessage().contains("limit of "
                    + a.options().maxFrameBytes()), pv.getMessage());
            assertFalse(a.isOpen());
            assertTrue(raw.closedByPeer(5000), "offending connection must be closed");
            long heapGrowth = usedHeap() - heap0;
            long directGrowth = usedDirect() - direct0;
            assertTrue(heapGrowth < 64L << 20, "heap grew by " + heapGrowth);
            assertTrue(directGrowth < 16L << 20, "pooled direct memory grew by " + directGrowth);
            // every later call names the cause
            SessionException later = assertThrows(SessionException.class, () -> a.channel("y").send(new byte[1]));
            assertTrue(later.getMessage().contains("2147483647"), later.getMessage());
        });
    }

    @Test
    void negativeLengthAndUnknownFlagsAreRejected() throws Exception {
        withHandshakenRawPeer((a, raw) -> {
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
            raw.writeRaw(ByteBuffer.allocate(9).putInt(-16).putInt(5).put((byte) 1).array());
            ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(rx));
            assertInstanceOf(ProtocolViolationException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("-16"), e.getCause().getMessage());
        });
        withHandshakenRawPeer((a, raw) -> {
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
            raw.writeRaw(ByteBuffer.allocate(9 + 4).putInt(4).putInt(5).put((byte) 0x81).array());
            ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(rx));
            assertInstanceOf(ProtocolViolationException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("unknown flags 0x81"), e.getCause().getMessage());
        });
    }

    @Test
    void randomGarbageAfterTheHandshakeFailsTheSession() throws Exception {
        withHandshakenRawPeer((a, raw) -> {
            CompletableFuture<long[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receiveLongs());
            byte[] junk = new byte[1 << 20];
            new Random(1).nextBytes(junk);
            try {
                raw.writeRaw(junk);
            } catch (java.io.UncheckedIOException expected) {
                // the session may reject the first bytes and close before the rest is written
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(rx));
            assertInstanceOf(ProtocolViolationException.class, e.getCause());
        });
    }

    @Test
    void garbageInsteadOfTheSessionHandshakeFailsAccept() throws Exception {
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).build()).listen(ANY_LOCAL)) {
            CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
            try (RawTlsPeer raw = new RawTlsPeer(new InetSocketAddress("127.0.0.1", l.port()), BOB,
                    ALICE.fingerprint(), opts(Role.DATA_OWNER).build())) {
                byte[] junk = new byte[4096];
                new Random(2).nextBytes(junk);
                raw.writeRaw(junk);
                ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(server));
                assertInstanceOf(ProtocolViolationException.class, e.getCause());
                assertTrue(raw.closedByPeer(5000));
            }
        }
    }
}
