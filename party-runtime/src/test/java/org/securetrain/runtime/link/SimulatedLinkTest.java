package org.securetrain.runtime.link;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.PeerAbortedException;
import org.securetrain.runtime.PeerDisconnectedException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;

/**
 * The simulated link over both transports: bulk throughput and ping-pong RTT match the profile, order and
 * content survive jitter, close and abort stay prompt under a slow link. Sizes are chosen so that the
 * shaping (seconds) dominates CPU time (milliseconds) even on a loaded 2-core machine.
 */
@Timeout(60)
class SimulatedLinkTest {
    private static final TlsIdentity ALICE = TlsIdentity.generate("alice");
    private static final TlsIdentity BOB = TlsIdentity.generate("bob");

    enum Kind { IN_MEMORY, TLS }

    /** Party 0 and party 1 of one session, both sending over {@code link}. */
    record Ends(Session p0, Session p1) implements AutoCloseable {
        @Override
        public void close() {
            p1.close();
            p0.close();
        }
    }

    static SessionOptions options(Role r, LinkProfile link) {
        return SessionOptions.builder(r).sessionId("link-test").configHash(SessionOptions.hashConfig("cfg"))
                .receiveTimeout(Duration.ofSeconds(20)).idleTimeout(Duration.ofSeconds(10))
                .handshakeTimeout(Duration.ofSeconds(10)).link(link).build();
    }

    static Ends open(Kind kind, LinkProfile link) throws Exception {
        SessionOptions o0 = options(Role.MODEL_OWNER, link);
        SessionOptions o1 = options(Role.DATA_OWNER, link);
        if (kind == Kind.IN_MEMORY) {
            InMemoryTransport.Pair p = InMemoryTransport.pair(o0, o1);
            return new Ends(p.party(0), p.party(1));
        }
        try (TlsListener l = TlsTransport.builder().options(o0).identity(ALICE).pinnedPeer(BOB.fingerprint())
                .acceptTimeout(Duration.ofSeconds(20)).listen(new InetSocketAddress("127.0.0.1", 0))) {
            CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
            TlsSession c = TlsTransport.builder().options(o1).identity(BOB).pinnedPeer(ALICE.fingerprint())
                    .connectTimeout(Duration.ofSeconds(10)).connect(new InetSocketAddress("127.0.0.1", l.port()));
            return new Ends(server.get(30, TimeUnit.SECONDS), c);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void bulkTransferRunsAtTheSetBandwidth(Kind kind) throws Exception {
        long bps = 40_000_000L; // 5 MB/s: ~2 s for the 10 MB below, far above what copying and TLS cost
        try (Ends e = open(kind, LinkProfile.of(bps, Duration.ZERO))) {
            Channel out = e.p0().channel("bulk");
            Channel in = e.p1().channel("bulk");
            int messages = 38;
            int words = 32 * 1024; // 256 KiB per message, ~10 MB in all
            long before = e.p0().traffic().total().bytesSent();
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                long sum = 0;
                for (int m = 0; m < messages; m++) {
                    long[] v = in.receiveLongs();
                    assertEquals(words, v.length);
                    for (long x : v) {
                        sum += x;
                    }
                }
                return sum;
            });
            long expectedSum = 0;
            long t0 = System.nanoTime();
            for (int m = 0; m < messages; m++) {
                long[] v = new long[words];
                for (int i = 0; i < words; i++) {
                    v[i] = (long) m * words + i;
                    expectedSum += v[i];
                }
                out.sendLongs(v);
            }
            assertEquals(expectedSum, received.get(30, TimeUnit.SECONDS));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long wireBytes = e.p0().traffic().total().bytesSent() - before;
            double rate = wireBytes * 8 / seconds;
            assertEquals(1.0, rate / bps, 0.05, () -> kind + ": " + wireBytes + " bytes in " + seconds + " s = "
                    + rate / 1e6 + " Mbit/s, set " + bps / 1e6);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void pingPongRoundTripIsTheSetRtt(Kind kind) throws Exception {
        Duration rtt = Duration.ofMillis(100);
        try (Ends e = open(kind, LinkProfile.of(1_000_000_000L, rtt))) {
            Channel a = e.p0().channel("ping");
            Channel b = e.p1().channel("ping");
            int rounds = 11; // the first one warms up
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < rounds; i++) {
                    b.sendLongs(b.receiveLongs());
                }
            });
            long[] samples = new long[rounds - 1];
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                a.sendLongs(new long[] {i});
                assertEquals(i, a.receiveLongs()[0]);
                if (i > 0) {
                    samples[i - 1] = System.nanoTime() - t0;
                }
            }
            echo.get(10, TimeUnit.SECONDS);
            long[] sorted = samples.clone();
            java.util.Arrays.sort(sorted);
            // Load only ever adds delay (a round trip that waited for a core), so the fastest round trip is the one
            // that measures the link: never below the set RTT (the link holds every frame RTT/2), and within 10 %
            // above it (a link that adds a second half-RTT or a frame's wire time twice lands at 150 % or more).
            // The median is not asserted: at load ~19 it was 125 ms on a correct link.
            double fastestMs = sorted[0] / 1e6;
            String all = java.util.Arrays.toString(java.util.Arrays.stream(samples).map(x -> x / 100_000).toArray());
            assertTrue(sorted[0] >= rtt.toNanos(), kind + ": a round trip took " + fastestMs
                    + " ms, below the set RTT; all (0.1 ms): " + all);
            assertEquals(1.0, fastestMs / rtt.toMillis(), 0.10, kind + ": fastest RTT " + fastestMs + " ms, set " + rtt
                    + "; all (0.1 ms): " + all);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void orderAndContentAreKeptUnderJitter(Kind kind) throws Exception {
        LinkProfile link = LinkProfile.parse("200mbit,6ms,4ms");
        try (Ends e = open(kind, link)) {
            List<CompletableFuture<?>> fs = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                for (int dir = 0; dir < 2; dir++) {
                    Session from = dir == 0 ? e.p0() : e.p1();
                    Session to = dir == 0 ? e.p1() : e.p0();
                    String name = "s" + s + "-" + dir;
                    long seed = 31L * s + dir;
                    fs.add(CompletableFuture.runAsync(() -> {
                        Channel c = from.channel(name);
                        SplittableRandom rnd = new SplittableRandom(seed);
                        for (int i = 0; i < 40; i++) {
                            if (i % 5 == 4) {
                                byte[] bytes = new byte[1 + rnd.nextInt(300)];
                                for (int j = 0; j < bytes.length; j++) {
                                    bytes[j] = (byte) rnd.nextInt();
                                }
                                c.send(bytes);
                            } else {
                                c.sendLongs(rnd.longs(i == 7 ? 200_000 : 1 + rnd.nextInt(200)).toArray());
                            }
                        }
                    }));
                    fs.add(CompletableFuture.runAsync(() -> {
                        Channel c = to.channel(name);
                        SplittableRandom rnd = new SplittableRandom(seed);
                        for (int i = 0; i < 40; i++) {
                            if (i % 5 == 4) {
                                byte[] bytes = new byte[1 + rnd.nextInt(300)];
                                for (int j = 0; j < bytes.length; j++) {
                                    bytes[j] = (byte) rnd.nextInt();
                                }
                                assertArrayEquals(bytes, c.receive(), name + " message " + i);
                            } else {
                                long[] v = rnd.longs(i == 7 ? 200_000 : 1 + rnd.nextInt(200)).toArray();
                                assertArrayEquals(v, c.receiveLongs(), name + " message " + i);
                            }
                        }
                    }));
                }
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
            assertEquals(e.p0().traffic().total().bytesSent(), e.p1().traffic().total().bytesReceived());
            assertEquals(e.p1().traffic().total().bytesSent(), e.p0().traffic().total().bytesReceived());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void abortDoesNotWaitBehindQueuedFrames(Kind kind) throws Exception {
        // 4 Mbit/s: the window (4 MiB) alone needs over 8 s on this link; the 8 MiB message ~17 s
        LinkProfile slow = LinkProfile.parse("4mbit,200ms");
        Ends e = open(kind, slow);
        try {
            Channel out = e.p0().channel("bulk");
            Channel in = e.p1().channel("bulk");
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> out.sendLongs(new long[1 << 20]));
            CompletableFuture<long[]> receiver = CompletableFuture.supplyAsync(in::receiveLongs);
            Thread.sleep(400);
            assertFalse(sender.isDone(), "the sender should be held back by the simulated link's window");
            long t0 = System.nanoTime();
            // a named reason crosses (stage and kind; free text would stay in the aborting party's log)
            e.p0().abort(org.securetrain.runtime.AbortReason.of("link test", "operator stopped the run"));
            double abortSeconds = (System.nanoTime() - t0) / 1e9;
            // one held 512 KiB frame alone needs 1.05 s on this link: an abort behind it could not pass these bounds
            assertTrue(abortSeconds < 0.8, kind + ": abort took " + abortSeconds + " s");
            ExecutionException se = assertThrows(ExecutionException.class, () -> sender.get(2, TimeUnit.SECONDS));
            assertInstanceOf(SessionException.class, se.getCause());
            ExecutionException re = assertThrows(ExecutionException.class, () -> receiver.get(2, TimeUnit.SECONDS));
            assertInstanceOf(PeerAbortedException.class, re.getCause(), re.getCause().toString());
            assertTrue(re.getCause().getMessage().contains("operator stopped the run"), re.getCause().getMessage());
            double seen = (System.nanoTime() - t0) / 1e9;
            assertTrue(seen < 0.8, kind + ": the peer saw the abort after " + seen + " s");
        } finally {
            e.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeDeliversWhatWasSentThenEndsPromptly(Kind kind) throws Exception {
        LinkProfile slow = LinkProfile.parse("4mbit,200ms");
        Ends e = open(kind, slow);
        try {
            long[] v = new SplittableRandom(5).longs(32 * 1024).toArray(); // 256 KiB: ~0.52 s on the wire
            CompletableFuture<long[]> receiver = CompletableFuture.supplyAsync(() -> e.p1().channel("last").receiveLongs());
            long t0 = System.nanoTime();
            e.p0().channel("last").sendLongs(v);
            e.p0().close();
            double closeSeconds = (System.nanoTime() - t0) / 1e9;
            double wire = (v.length * 8.0 + 9) * 8 / 4e6;
            assertTrue(closeSeconds >= wire, kind + ": close returned after " + closeSeconds
                    + " s, before the message can have left the link");
            assertTrue(closeSeconds < wire + 0.1 + 2.5, kind + ": close took " + closeSeconds + " s");
            assertArrayEquals(v, receiver.get(5, TimeUnit.SECONDS));
            assertThrows(PeerDisconnectedException.class, () -> e.p1().channel("last").receiveLongs());
        } finally {
            e.close();
        }
    }
}
