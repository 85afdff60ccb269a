package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.spi.Frames;

/**
 * Issue 19, case 2: a peer that sends one byte per second after the handshake (slowloris) used to hold the
 * other party for the whole receive timeout, because every byte reset the idle timer. Liveness now counts
 * complete frames, and frames that do not end a message must carry at least 1 KiB, so a trickling peer is
 * dropped within the idle timeout.
 */
@Timeout(60)
class TrickleTest {
    private static final long IDLE_MS = 2000;

    private interface Body {
        void run(TlsSession a, RawTlsPeer raw) throws Exception;
    }

    private static void withPeer(Body body) throws Exception {
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).idleTimeout(Duration.ofMillis(IDLE_MS))
                .receiveTimeout(Duration.ofSeconds(30)).build()).listen(ANY_LOCAL)) {
            CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
            try (RawTlsPeer raw = new RawTlsPeer(new InetSocketAddress("127.0.0.1", l.port()), BOB,
                    ALICE.fingerprint(), opts(Role.DATA_OWNER).build())) {
                raw.handshake();
                try (TlsSession a = server.get(20, TimeUnit.SECONDS)) {
                    body.run(a, raw);
                }
            }
        }
    }

    @Test
    void peerSendingOneBytePerSecondIsDroppedWithinTheIdleTimeout() throws Exception {
        withPeer((a, raw) -> {
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
            byte[] frame = ByteBuffer.allocate(Frames.HEADER_BYTES + 64).putInt(64).putInt(5).put((byte) 1).array();
            long t0 = System.nanoTime();
            Thread trickler = new Thread(() -> {
                try {
                    for (byte b : frame) {
                        raw.writeRaw(new byte[] {b});
                        Thread.sleep(1000);
                    }
                } catch (Exception stopped) {
                    // dropped by the party, as it should be
                }
            }, "trickler");
            trickler.setDaemon(true);
            trickler.start();
            ExecutionException e = assertThrows(ExecutionException.class, () -> rx.get(20, TimeUnit.SECONDS));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            PeerTimeoutException te = assertInstanceOf(PeerTimeoutException.class, e.getCause(), e.getCause().toString());
            System.out.println("1 byte/s peer dropped after " + ms + " ms: " + te.getMessage());
            assertTrue(te.getMessage().contains("completed no frame") && te.getMessage().contains("trickles"),
                    te.getMessage());
            assertTrue(ms < IDLE_MS + 2500, "took " + ms + " ms with an idle timeout of " + IDLE_MS + " ms");
            assertTrue(raw.closedByPeer(5000));
        });
    }

    /** Whole but tiny frames that never end a message do not count as progress: they are refused. */
    @Test
    void tinyFramesThatNeverEndAMessageAreRefused() throws Exception {
        withPeer((a, raw) -> {
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
            raw.writeRaw(ByteBuffer.allocate(Frames.HEADER_BYTES + 1).putInt(1).putInt(5).put((byte) 0).array());
            ExecutionException e = assertThrows(ExecutionException.class, () -> rx.get(10, TimeUnit.SECONDS));
            ProtocolViolationException pv = assertInstanceOf(ProtocolViolationException.class, e.getCause());
            assertTrue(pv.getMessage().contains("not the last of its message (at least 1024 required)"), pv.getMessage());
        });
    }
}
