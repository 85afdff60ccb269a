package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.crypto.ot.RecordingSession;
import org.securetrain.crypto.ot.ViewStats;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.ProtocolId;

@Timeout(120)
class BitTimesShareTest {
    static OtTestPair ot;

    @BeforeAll
    static void setUp() {
        ot = OtTestPair.open(OtEngine.DEFAULT_CHUNK);
    }

    @AfterAll
    static void tearDown() {
        ot.close();
    }

    static long bit(long[] b, int i) {
        return b[i >>> 6] >>> (i & 63) & 1;
    }

    static long[][] run(OtTestPair p, long[] d0, long[] d1, long[] x0, long[] x1, int n, String purpose) {
        ProtocolId id = id(purpose);
        var r = p.run(e -> BitTimesShare.multiply(e, d0, x0, n, id),
                e -> BitTimesShare.multiply(e, d1, x1, n, id));
        return new long[][] {r.party0(), r.party1()};
    }

    @Test
    void exactForRandomAndEdgeValues() {
        int n = 100_000;
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        long[] d0 = g.nextBits(n), d1 = g.nextBits(n);
        long[] x0 = g.nextLongs(n), x1 = g.nextLongs(n);
        long[] edges = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1};
        // edge values as the secret x (x1 = 0 and x0 = 0 splits) and as the shares themselves
        for (int k = 0; k < edges.length; k++) {
            for (int bits = 0; bits < 4; bits++) {
                int i = 8 * k + bits;
                x0[i] = edges[k];
                x1[i] = 0;
                d0[i >>> 6] = d0[i >>> 6] & ~(1L << (i & 63)) | (long) (bits & 1) << (i & 63);
                d1[i >>> 6] = d1[i >>> 6] & ~(1L << (i & 63)) | (long) (bits >> 1) << (i & 63);
                int j = 100 + i;
                x0[j] = edges[k];
                x1[j] = edges[(k + 1) % edges.length];
            }
        }
        long[][] z = run(ot, d0, d1, x0, x1, n, "test.bts");
        for (int i = 0; i < n; i++) {
            long d = bit(d0, i) ^ bit(d1, i);
            long want = d == 1 ? x0[i] + x1[i] : 0;
            assertEquals(want, z[0][i] + z[1][i], "element " + i);
        }
        // Repeated call with the same purpose (instances reused) stays exact.
        long[][] z2 = run(ot, d0, d1, x0, x1, 1000, "test.bts");
        for (int i = 0; i < 1000; i++) {
            assertEquals(z[0][i] + z[1][i], z2[0][i] + z2[1][i]);
            assertNotEquals(z[0][i], z2[0][i], "shares must be fresh");
        }
    }

    @Test
    void smallAndOddSizes() {
        for (int n : new int[] {0, 1, 63, 65}) {
            Prg g = Prg.fromSecureRandom(new SecureRandom());
            long[] d0 = g.nextBits(Math.max(n, 1)), d1 = g.nextBits(Math.max(n, 1));
            long[] x0 = g.nextLongs(n), x1 = g.nextLongs(n);
            long[][] z = run(ot, d0, d1, x0, x1, n, "test.bts.small." + n);
            assertEquals(n, z[0].length);
            for (int i = 0; i < n; i++) {
                assertEquals((bit(d0, i) ^ bit(d1, i)) * (x0[i] + x1[i]), z[0][i] + z[1][i]);
            }
        }
    }

    @Test
    void outputSharesLookUniformWhateverTheInputs() {
        int n = 1 << 16;
        long[] ones = new long[n / 64];
        Arrays.fill(ones, -1L);
        long[] zeroBits = new long[n / 64];
        long[] x = new long[n];
        Arrays.fill(x, 12345);
        // d = 1 everywhere (d0 = 1, d1 = 0), x = 12345 + 0: each share alone must still look uniform
        long[][] z = run(ot, ones, zeroBits, x, new long[n], n, "test.bts.uniform.a");
        ViewStats.assertBitBalanced(z[0], "party 0's output share");
        ViewStats.assertBitBalanced(z[1], "party 1's output share");
        // d = 0 everywhere, x = 0: same distribution
        long[][] w = run(ot, zeroBits, zeroBits, new long[n], new long[n], n, "test.bts.uniform.b");
        ViewStats.assertBitBalanced(w[1], "party 1's output share (d=0, x=0)");
        ViewStats.assertSameBitDistribution(z[1], w[1], "party 1's output share: d=1,x=12345 vs d=0,x=0");
        ViewStats.assertSameBitDistribution(z[0], w[0], "party 0's output share: d=1,x=12345 vs d=0,x=0");
    }

    @Test
    void receivedMessagesDoNotDependOnPeerInputs() {
        int n = 1 << 15;
        try (InMemoryTransport.Pair p = OtTestPair.sessions()) {
            RecordingSession r0 = new RecordingSession(p.party(0));
            RecordingSession r1 = new RecordingSession(p.party(1));
            var eng = TwoPartyRunner.run(p.party(0), s -> OtEngine.setup(r0, new SecureRandom()),
                    p.party(1), s -> OtEngine.setup(r1, new SecureRandom()));
            long[][] views = new long[2][];
            for (int run = 0; run < 2; run++) {
                Prg g = Prg.fromSecureRandom(new SecureRandom());
                long[] myBits1 = g.nextBits(n), myX1 = g.nextLongs(n);
                // party 0's private inputs: all zero vs random
                long[] bits0 = run == 0 ? new long[n / 64] : g.nextBits(n);
                long[] x0 = run == 0 ? new long[n] : g.nextLongs(n);
                ProtocolId purpose = id("test.bts.view." + run);
                TwoPartyRunner.run(p.party(0), s -> BitTimesShare.multiply(eng.party0(), bits0, x0, n, purpose),
                        p.party(1), s -> BitTimesShare.multiply(eng.party1(), myBits1, myX1, n, purpose));
                long[] u = ViewStats.concat(r1.received("ot." + purpose + ".p1s"), 3); // party 0 as OT receiver
                long[] c = ViewStats.concat(r1.received("ot." + purpose + ".p0s"), 3); // party 0 as OT sender
                long[] all = new long[u.length + c.length];
                System.arraycopy(u, 0, all, 0, u.length);
                System.arraycopy(c, 0, all, u.length, c.length);
                ViewStats.assertBitBalanced(all, "party 1's view");
                views[run] = all;
            }
            ViewStats.assertSameBitDistribution(views[0], views[1], "party 1's view: party 0 inputs zero vs random");
        }
    }

    @Test
    void mismatchedLengthsFailOnBothSides() {
        try (OtTestPair p = OtTestPair.open(1024)) {
            Throwable[] seen = new Throwable[2];
            RuntimeException e = assertThrows(RuntimeException.class, () -> p.run(e0 -> {
                try {
                    return BitTimesShare.multiply(e0, new long[1], new long[10], 10, id("test.mis"));
                } catch (RuntimeException ex) {
                    seen[0] = ex;
                    throw ex;
                }
            }, e1 -> {
                try {
                    return BitTimesShare.multiply(e1, new long[1], new long[12], 12, id("test.mis"));
                } catch (RuntimeException ex) {
                    seen[1] = ex;
                    throw ex;
                }
            }));
            assertTrue(e.getMessage().contains("mismatch"), e.getMessage());
            for (int i = 0; i < 2; i++) {
                assertNotNull(seen[i], "party " + i + " must fail");
                assertTrue(seen[i].getMessage().contains("mismatch") && seen[i].getMessage().contains("n=10")
                        && seen[i].getMessage().contains("n=12"), "party " + i + ": " + seen[i].getMessage());
            }
        }
    }

    @Test
    void badLocalArgumentsFailBothSidesFast() {
        try (OtTestPair p = OtTestPair.open(1024)) {
            long t = System.nanoTime();
            RuntimeException e = assertThrows(RuntimeException.class, () -> p.run(
                    e0 -> BitTimesShare.multiply(e0, new long[1], new long[5], 10, id("test.badarg")),
                    e1 -> BitTimesShare.multiply(e1, new long[1], new long[10], 10, id("test.badarg"))));
            assertTrue(e.getMessage().contains("arithmetic shares have length 5"), e.getMessage());
            assertTrue(System.nanoTime() - t < 10_000_000_000L, "must not wait for a timeout");
        }
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
