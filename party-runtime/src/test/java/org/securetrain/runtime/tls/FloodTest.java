package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.PeerAbortedException;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionCore;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.spi.Frames;

/**
 * Issue 19, case 1: an authenticated peer floods small valid messages (8-byte long[], 17 wire bytes) on a
 * stream nobody reads. The party must fail at its cap on unread data, naming the cap and the stream, tell the
 * peer, and never run out of memory; an {@link Error} on its network thread must end the session at once.
 */
@Timeout(120)
class FloodTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void saveIdentities() throws Exception {
        ALICE.save(dir.resolve("alice.key.pem"), dir.resolve("alice.crt.pem"));
    }

    /** Frames of one 8-byte long[] message each on {@code stream}, {@code count} of them back to back. */
    static byte[] smallMessages(int stream, int count) {
        ByteBuffer b = ByteBuffer.allocate(count * (Frames.HEADER_BYTES + 8));
        for (int i = 0; i < count; i++) {
            b.putInt(8).putInt(stream).put((byte) (Frames.FLAG_LAST | Frames.FLAG_LONGS)).putLong(i);
        }
        return b.array();
    }

    /** Floods until the connection is closed (or {@code maxMillis} pass); returns the messages written. */
    static long flood(RawTlsPeer raw, int stream, long maxMillis) {
        byte[] batch = smallMessages(stream, 4096);
        long sent = 0;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        try {
            while (System.nanoTime() < end) {
                raw.writeRaw(batch);
                sent += 4096;
            }
        } catch (UncheckedIOException closed) {
            // the victim closed the connection
        }
        return sent;
    }

    private static RawTlsPeer connect(int port) throws Exception {
        RawTlsPeer raw = new RawTlsPeer(new InetSocketAddress("127.0.0.1", port), BOB, ALICE.fingerprint(),
                opts(Role.DATA_OWNER).build());
        raw.handshake();
        return raw;
    }

    /**
     * The default cap (a quarter of the heap) protects a party with a small heap: a child JVM with -Xmx128m
     * ends the session, naming the cap, soon after the flood starts; before the cap it ran out of memory
     * (or spun in GC) and never failed the session.
     */
    @Test
    void floodOnAnUnreadStreamEndsTheSessionAtTheDefaultCap() throws Exception {
        try (ChildJvm victim = new ChildJvm("128m", FloodVictimMain.class, dir.resolve("alice.key.pem").toString(),
                dir.resolve("alice.crt.pem").toString(), BOB.fingerprint())) {
            int port = Integer.parseInt(victim.line("LISTENING ", 30_000).substring("LISTENING ".length()));
            try (RawTlsPeer raw = connect(port)) {
                long t0 = System.nanoTime();
                CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> flood(raw, 77, 60_000));
                String failed = victim.line("VICTIM FAILED", 60_000);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                long messages = sent.get(30, TimeUnit.SECONDS);
                System.out.println("flood: victim failed after " + ms + " ms, " + messages + " messages ("
                        + messages * 17 / (1 << 20) + " MiB on the wire) written: " + failed);
                assertTrue(failed.contains("ProtocolViolationException") && failed.contains("cap"), failed);
                assertTrue(failed.contains("#77 (not opened by this party)"), failed);
                assertEquals(1, victim.exitCode(10_000), victim.output());
                assertTrue(ms < 15_000, "took " + ms + " ms");
                assertFalse(victim.output().contains("OutOfMemoryError"), victim.output());
            }
        }
    }

    /** In process, with a small explicit cap: the message names the stream and the cap, the peer is told. */
    @Test
    void capOnUnreadDataFailsNamingTheStreamAndTellsThePeer() throws Exception {
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).maxBufferedBytes(4 << 20).build()).listen(ANY_LOCAL)) {
            CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
            try (RawTlsPeer raw = connect(l.port()); TlsSession a = server.get(20, TimeUnit.SECONDS)) {
                CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
                flood(raw, 5, 20_000);
                ExecutionException e = assertThrows(ExecutionException.class, () -> rx.get(10, TimeUnit.SECONDS));
                ProtocolViolationException pv = assertInstanceOf(ProtocolViolationException.class, e.getCause());
                assertTrue(pv.getMessage().contains("cap of 4.0 MiB") && pv.getMessage().contains("maxBufferedBytes")
                        && pv.getMessage().contains("stream #5 (not opened by this party)"), pv.getMessage());
                assertTrue(raw.closedByPeer(5000));
                SessionException told = assertThrows(SessionException.class, () -> raw.core().channel("y").receive());
                assertInstanceOf(PeerAbortedException.class, told, told.toString());
                assertTrue(told.getMessage().contains("unread data above its cap"), told.getMessage());
            }
        }
    }

    /** The message-count cap fails the same way, before the byte cap when the messages are tiny. */
    @Test
    void capOnUnreadMessagesFailsNamingTheStream() throws Exception {
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).maxBufferedMessages(10_000).build()).listen(ANY_LOCAL)) {
            CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
            try (RawTlsPeer raw = connect(l.port()); TlsSession a = server.get(20, TimeUnit.SECONDS)) {
                // a stream this party has opened but does not read (yet) counts as well
                a.channel("slow");
                raw.writeRaw(smallMessages(SessionCore.streamId("slow"), 10_001));
                SessionException e = assertThrows(SessionException.class, () -> {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (System.nanoTime() < end) {
                        a.channel("x").send(new byte[1]);
                        Thread.sleep(20);
                    }
                });
                assertTrue(e.getMessage().contains("cap of 10000 messages") && e.getMessage().contains("'slow'"),
                        e.getMessage());
            }
        }
    }

    /**
     * An OutOfMemoryError on the network thread (a child JVM with -Xmx64m whose cap was raised far above its
     * heap) ends the session at once and tells the peer, instead of killing the thread and leaving the session
     * half alive.
     */
    @Test
    void outOfMemoryOnTheNetworkThreadEndsTheSessionAndTellsThePeer() throws Exception {
        try (ChildJvm victim = new ChildJvm("64m", FloodVictimMain.class, dir.resolve("alice.key.pem").toString(),
                dir.resolve("alice.crt.pem").toString(), BOB.fingerprint(), Long.toString(8L << 30),
                Integer.toString(Integer.MAX_VALUE))) {
            int port = Integer.parseInt(victim.line("LISTENING ", 30_000).substring("LISTENING ".length()));
            try (RawTlsPeer raw = connect(port)) {
                long t0 = System.nanoTime();
                CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> flood(raw, 9, 90_000));
                String failed = victim.line("VICTIM FAILED", 90_000);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                sent.get(30, TimeUnit.SECONDS);
                System.out.println("out of memory: victim failed after " + ms + " ms: " + failed);
                assertTrue(failed.contains("OutOfMemoryError on this party's network thread"), failed);
                assertEquals(1, victim.exitCode(20_000), victim.output());
                assertTrue(raw.closedByPeer(10_000));
                SessionException told = assertThrows(SessionException.class, () -> raw.core().channel("y").receive());
                assertInstanceOf(PeerAbortedException.class, told, told.toString());
                assertTrue(told.getMessage().contains("network-thread: OutOfMemoryError"), told.getMessage());
            }
        }
    }
}
