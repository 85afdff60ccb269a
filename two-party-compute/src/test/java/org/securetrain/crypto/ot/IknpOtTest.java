package org.securetrain.crypto.ot;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.ProtocolId;

/** Correctness of every OT flavour against the plain definition, for odd sizes and across chunks. */
@Timeout(120)
class IknpOtTest {
    static OtTestPair ot; // default chunk 2^20
    static OtTestPair small; // chunk 1024: exercises multi-chunk paths cheaply

    @BeforeAll
    static void setUp() {
        ot = OtTestPair.open(OtEngine.DEFAULT_CHUNK);
        small = OtTestPair.open(1024);
    }

    @AfterAll
    static void tearDown() {
        ot.close();
        small.close();
    }

    static long bit(long[] b, int i) {
        return b[i >>> 6] >>> (i & 63) & 1;
    }

    static long[] bits(int n, long seed) {
        return new Prg(seedBytes(seed)).nextBits(n);
    }

    static byte[] seedBytes(long seed) {
        byte[] s = new byte[16];
        new SplittableRandom(seed).nextBytes(s);
        return s;
    }

    static void checkBlockCot(long[] q, long dLo, long dHi, long[] t, long[] b, int n) {
        assertEquals(2 * n, q.length);
        assertEquals(2 * n, t.length);
        assertEquals(1, dLo & 1, "delta lsb must be 1");
        for (int i = 0; i < n; i++) {
            long m = -bit(b, i);
            if ((q[2 * i] ^ t[2 * i]) != (dLo & m) || (q[2 * i + 1] ^ t[2 * i + 1]) != (dHi & m)) {
                fail("block COT correlation broken at i=" + i + " of n=" + n);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 65, 1000, 1000003})
    void blockCotCorrelationHolds(int n) {
        long[] b = bits(n, n);
        ProtocolId purpose = id("test.block." + n);
        var r = ot.run(e -> {
            BlockCotSender s = e.cotSender(purpose);
            return new Object[] {s.sendBlockCot(n), s.deltaLo(), s.deltaHi()};
        }, e -> e.cotReceiver(purpose).receiveBlockCot(b, n));
        Object[] s = r.party0();
        checkBlockCot((long[]) s[0], (long) s[1], (long) s[2], r.party1(), b, n);
    }

    @Test
    void blockCotAcrossChunksAndRepeatedCallsBothDirections() {
        int n = 5000; // 5 chunks of 1024, last partial
        for (int call = 0; call < 2; call++) {
            long[] b = bits(n, 100 + call);
            // party 1 as sender this time
            var r = small.run(e -> e.cotReceiver(id("test.block.rev")).receiveBlockCot(b, n), e -> {
                BlockCotSender s = e.cotSender(id("test.block.rev"));
                return new Object[] {s.sendBlockCot(n), s.deltaLo(), s.deltaHi()};
            });
            Object[] s = r.party1();
            checkBlockCot((long[]) s[0], (long) s[1], (long) s[2], r.party0(), b, n);
            long[] q = (long[]) s[0];
            // rows are not all equal/zero (PRG expansion ran)
            assertNotEquals(q[0], q[2]);
        }
    }

    @Test
    void receiverRunsAtMostTwoChunksAheadOfTheSender() {
        int n = 5 * 1024 + 1; // 6 chunks of 1024: the sender acknowledges chunks 0..3
        var before = small.pair.party(0).traffic().snapshot();
        var r = small.run(e -> e.cotSender(id("test.window")).sendBlockCot(n),
                e -> e.cotReceiver(id("test.window")).receiveBlockCot(new long[(n + 63) / 64], n));
        assertEquals(2 * n, r.party0().length);
        Traffic t = small.pair.party(0).traffic().snapshot().minus(before).streams().get("ot.test.window");
        assertEquals(4, t.messagesSent(), "4 acks");
        assertEquals(6, t.messagesReceived(), "6 u messages");
    }

    @Test
    void deltaIsTheSameForAllInstancesOfADirectionAndDiffersAcrossDirections() {
        var r = ot.run(e -> {
            BlockCotSender a = e.cotSender(id("test.delta.a"));
            a.sendBlockCot(1);
            BlockCotSender b = e.cotSender(id("test.delta.b"));
            b.sendBlockCot(1);
            e.cotReceiver(id("test.delta.c")).receiveBlockCot(new long[1], 1);
            return new long[] {a.deltaLo(), a.deltaHi(), b.deltaLo(), b.deltaHi()};
        }, e -> {
            e.cotReceiver(id("test.delta.a")).receiveBlockCot(new long[1], 1);
            e.cotReceiver(id("test.delta.b")).receiveBlockCot(new long[1], 1);
            BlockCotSender c = e.cotSender(id("test.delta.c"));
            c.sendBlockCot(1);
            return new long[] {c.deltaLo(), c.deltaHi()};
        });
        assertEquals(r.party0()[0], r.party0()[2]);
        assertEquals(r.party0()[1], r.party0()[3]);
        assertNotEquals(r.party0()[0], r.party1()[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 63, 65, 1000003})
    void randomOt64And128(int n) {
        long[] b = bits(n, 7 + n);
        ProtocolId p = id("test.rot." + n);
        var r = ot.run(e -> {
            RandomOtSender s = e.rotSender(p);
            long[] m0 = new long[n], m1 = new long[n], w0 = new long[2 * n], w1 = new long[2 * n];
            s.send64(n, m0, m1);
            s.send128(n, w0, w1);
            return new long[][] {m0, m1, w0, w1};
        }, e -> {
            RandomOtReceiver rc = e.rotReceiver(p);
            return new long[][] {rc.receive64(b, n), rc.receive128(b, n)};
        });
        long[][] s = r.party0();
        long[] got64 = r.party1()[0];
        long[] got128 = r.party1()[1];
        int equalPairs = 0;
        for (int i = 0; i < n; i++) {
            int c = (int) bit(b, i);
            assertEquals(s[c][i], got64[i], "64-bit ROT at " + i);
            assertEquals(s[2 + c][2 * i], got128[2 * i], "128-bit ROT lo at " + i);
            assertEquals(s[2 + c][2 * i + 1], got128[2 * i + 1], "128-bit ROT hi at " + i);
            if (s[0][i] == s[1][i]) {
                equalPairs++;
            }
        }
        assertEquals(0, equalPairs, "m0 == m1 should never happen");
    }

    @Test
    void randomOtAcrossChunks() {
        int n = 3000;
        long[] b = bits(n, 5);
        var r = small.run(e -> {
            long[] m0 = new long[n], m1 = new long[n];
            e.rotSender(id("test.rot.chunks")).send64(n, m0, m1);
            return new long[][] {m0, m1};
        }, e -> e.rotReceiver(id("test.rot.chunks")).receive64(b, n));
        for (int i = 0; i < n; i++) {
            assertEquals(r.party0()[(int) bit(b, i)][i], r.party1()[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 63, 65, 1000003})
    void ringCotCorrelationHoldsModTwoTo64(int n) {
        long[] b = bits(n, 11 + n);
        long[] delta = new Prg(seedBytes(n)).nextLongs(n);
        if (n > 4) {
            delta[0] = 0;
            delta[1] = -1;
            delta[2] = Long.MAX_VALUE;
            delta[3] = Long.MIN_VALUE;
        }
        ProtocolId p = id("test.ring." + n);
        var r = ot.run(e -> e.ringCotSender(p).send(delta, n), e -> e.ringCotReceiver(p).receive(b, n));
        long[] x = r.party0();
        long[] y = r.party1();
        for (int i = 0; i < n; i++) {
            assertEquals(x[i] + bit(b, i) * delta[i], y[i], "ring COT at " + i);
        }
    }

    @Test
    void ringCotAcrossChunksPartyOneSends() {
        int n = 4097;
        long[] b = bits(n, 3);
        long[] delta = new Prg(seedBytes(4)).nextLongs(n);
        var r = small.run(e -> e.ringCotReceiver(id("test.ring.chunks")).receive(b, n),
                e -> e.ringCotSender(id("test.ring.chunks")).send(delta, n));
        for (int i = 0; i < n; i++) {
            assertEquals(r.party1()[i] + bit(b, i) * delta[i], r.party0()[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 63, 65, 1000003})
    void chosenOt64And128(int n) {
        long[] b = bits(n, 21 + n);
        Prg g = new Prg(seedBytes(22 + n));
        long[] m0 = g.nextLongs(n), m1 = g.nextLongs(n), w0 = g.nextLongs(2 * n), w1 = g.nextLongs(2 * n);
        ProtocolId p = id("test.chosen." + n);
        var r = ot.run(e -> {
            ChosenOtSender s = e.chosenOtSender(p);
            s.send64(m0, m1, n);
            s.send128(w0, w1, n);
            return 0;
        }, e -> {
            ChosenOtReceiver rc = e.chosenOtReceiver(p);
            return new long[][] {rc.receive64(b, n), rc.receive128(b, n)};
        });
        long[] g64 = r.party1()[0], g128 = r.party1()[1];
        for (int i = 0; i < n; i++) {
            boolean c = bit(b, i) == 1;
            assertEquals(c ? m1[i] : m0[i], g64[i], "chosen 64 at " + i);
            assertEquals(c ? w1[2 * i] : w0[2 * i], g128[2 * i]);
            assertEquals(c ? w1[2 * i + 1] : w0[2 * i + 1], g128[2 * i + 1]);
        }
    }

    @Test
    void chosenOtAcrossChunks() {
        int n = 2049;
        long[] b = bits(n, 31);
        Prg g = new Prg(seedBytes(32));
        long[] m0 = g.nextLongs(2 * n), m1 = g.nextLongs(2 * n);
        var r = small.run(e -> {
            e.chosenOtSender(id("test.chosen.chunks")).send128(m0, m1, n);
            return 0;
        }, e -> e.chosenOtReceiver(id("test.chosen.chunks")).receive128(b, n));
        for (int i = 0; i < n; i++) {
            long[] m = bit(b, i) == 1 ? m1 : m0;
            assertEquals(m[2 * i], r.party1()[2 * i]);
            assertEquals(m[2 * i + 1], r.party1()[2 * i + 1]);
        }
    }

    @Test
    void concurrentInstancesInBothDirections() {
        int n = 20000;
        long[] b0 = bits(n, 41), b1 = bits(n, 42);
        long[] d0 = new Prg(seedBytes(43)).nextLongs(n), d1 = new Prg(seedBytes(44)).nextLongs(n);
        var r = ot.run(e -> {
            var f = e.session().threads().beside(() -> e.ringCotReceiver(id("test.conc.p1s")).receive(b1, n));
            long[] x = e.ringCotSender(id("test.conc.p0s")).send(d0, n);
            return new long[][] {x, org.securetrain.runtime.PartyThreads.join(f)};
        }, e -> {
            var f = e.session().threads().beside(() -> e.ringCotSender(id("test.conc.p1s")).send(d1, n));
            long[] y = e.ringCotReceiver(id("test.conc.p0s")).receive(b0, n);
            return new long[][] {y, org.securetrain.runtime.PartyThreads.join(f)};
        });
        for (int i = 0; i < n; i++) {
            assertEquals(r.party0()[0][i] + bit(b0, i) * d0[i], r.party1()[0][i]);
            assertEquals(r.party1()[1][i] + bit(b1, i) * d1[i], r.party0()[1][i]);
        }
    }

    @Test
    void trafficIsSixteenBytesPerBlockCotAndOneFlight() {
        int n = 1 << 16;
        var before0 = ot.pair.party(0).traffic().snapshot();
        var before1 = ot.pair.party(1).traffic().snapshot();
        ot.run(e -> e.cotSender(id("test.traffic")).sendBlockCot(n),
                e -> e.cotReceiver(id("test.traffic")).receiveBlockCot(new long[n / 64], n));
        Traffic recv = ot.pair.party(1).traffic().snapshot().minus(before1).streams().get("ot.test.traffic");
        Traffic send = ot.pair.party(0).traffic().snapshot().minus(before0).streams().get("ot.test.traffic");
        assertEquals(recv.bytesSent(), send.bytesReceived());
        double perOt = (double) recv.bytesSent() / n;
        assertTrue(perOt >= 16 && perOt < 16.1, "bytes per block COT from receiver: " + perOt);
        assertEquals(0, send.bytesSent(), "the block-COT sender sends nothing (the call is agreed, not announced)");
        assertEquals(1, recv.rounds());
    }

    @Test
    void mismatchedLengthsFailBothPartiesNamingBothViews() {
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e0 -> e0.ringCotSender(id("test.mismatch")).send(new long[10], 10),
                    e1 -> e1.ringCotReceiver(id("test.mismatch")).receive(new long[1], 12));
            OtTestPair.assertBothFailNamingBothViews(r, "runs ring COT of 10 OTs from party 0 to party 1",
                    "runs ring COT of 12 OTs from party 0 to party 1");
        }
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e0 -> e0.ringCotSender(id("test.kind")).send(new long[8], 8),
                    e1 -> e1.chosenOtReceiver(id("test.kind")).receive64(new long[1], 8));
            OtTestPair.assertBothFailNamingBothViews(r, "runs ring COT of 8 OTs",
                    "runs chosen-message OT (64-bit) of 8 OTs");
        }
    }

    /**
     * A call that only sends (random OT's receiver: one flight) returns before the peer has checked its stamp;
     * its session fails right after, so the next call fails naming both views.
     */
    @Test
    void aSendOnlyCallLearnsOfTheMismatchOnItsNextCall() {
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e0 -> e0.ringCotSender(id("test.oneway")).send(new long[8], 8), e1 -> {
                e1.rotReceiver(id("test.oneway")).receive64(new long[1], 8); // returns: it waits for nothing
                return e1.session().channel("next").receiveLongs();
            });
            OtTestPair.assertBothFailNamingBothViews(r, "runs ring COT of 8 OTs", "runs random OT (64-bit) of 8 OTs");
        }
    }

    @Test
    void bothSendersFailBothPartiesPromptlyInsteadOfHanging() {
        try (OtTestPair p = OtTestPair.forMismatch()) {
            long t0 = System.nanoTime();
            Object[] r = p.outcomes(e0 -> e0.cotSender(id("test.roles")).sendBlockCot(5),
                    e1 -> e1.cotSender(id("test.roles")).sendBlockCot(5));
            OtTestPair.assertBothFailNamingBothViews(r, "runs block COT of 5 OTs from party 0 to party 1",
                    "runs block COT of 5 OTs from party 1 to party 0");
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "fails through the probe, not the timeout");
        }
    }

    @Test
    void badArgumentsNameTheCause() {
        try (OtTestPair p = OtTestPair.open(1024)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> p.run(
                    e0 -> e0.cotSender(id("test.bad")).sendBlockCot(100),
                    e1 -> e1.cotReceiver(id("test.bad")).receiveBlockCot(new long[1], 100)));
            assertTrue(e.getMessage().contains("choice bits"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.e0.cotSender(id("")));
            assertThrows(IllegalArgumentException.class, () -> p.e0.cotSender(id("base.x")));
        }
    }

    @Test
    void purposeReusedForAnotherFlavourIsRejected() {
        ot.e0.rotSender(id("test.reuse"));
        assertSame(ot.e0.rotSender(id("test.reuse")), ot.e0.rotSender(id("test.reuse")));
        assertThrows(IllegalStateException.class, () -> ot.e0.ringCotSender(id("test.reuse")));
    }

    @Test
    void setupRejectsBadChunk() {
        assertThrows(IllegalArgumentException.class,
                () -> OtEngine.setup(ot.pair.party(0), new SecureRandom(), 100));
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
