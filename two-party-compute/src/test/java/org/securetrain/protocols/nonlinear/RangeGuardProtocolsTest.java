package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;

/**
 * The range guard's protocols against plaintext: {@link OutOfRangeCount} per value and summed, and
 * {@link RevealNonZero}, on IKNP random COTs (and once on Ferret's).
 */
@Timeout(300)
class RangeGuardProtocolsTest {
    static NlPair p;

    @BeforeAll
    static void setUp() {
        p = NlPair.open("range", 1 << 18);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    static final long B = 1L << 61;
    static final long[] EDGES = {0, 1, -1, B, -B, B - 1, -B - 1, B + 1, -B + 1, 1L << 62, -(1L << 62),
        Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, (1L << 62) - 1, -(1L << 62) + 1, 2 * B - 1, 3 * B};

    static boolean outside(long x, int bits) {
        return x < -(1L << bits) || x >= 1L << bits;
    }

    /**
     * 10^4 random values of every magnitude plus the edges, each edge at three splits: all at party 0, all at
     * party 1, and a random split (shares that wrap mod 2^64); the random values at random splits.
     */
    static long[][] inputs(Prg g, int n) {
        long[] x = g.nextLongs(n);
        for (int i = 0; i < n; i++) {
            x[i] >>= i % 64;
        }
        long[] x0 = g.nextLongs(n);
        for (int k = 0; k < EDGES.length; k++) {
            x[3 * k] = EDGES[k];
            x0[3 * k] = EDGES[k];
            x[3 * k + 1] = EDGES[k];
            x0[3 * k + 1] = 0;
            x[3 * k + 2] = EDGES[k];
        }
        long[] x1 = new long[n];
        for (int i = 0; i < n; i++) {
            x1[i] = x[i] - x0[i];
        }
        return new long[][] {x, x0, x1};
    }

    @Test
    void everyValueIsClassifiedExactlyAtEveryBoundAndRadix() {
        Prg g = NlPair.prg();
        int n = 10_000;
        long[][] in = inputs(g, n);
        for (int[] c : new int[][] {{61, 32, 4}, {61, 64, 4}, {62, 32, 4}, {57, 20, 6}, {61, 16, 1}, {60, 40, 3}}) {
            int bits = c[0];
            int ring = c[1];
            int radix = c[2];
            var r = p.run(ch -> OutOfRangeCount.outside(ch, in[1], bits, ring, radix),
                    ch -> OutOfRangeCount.outside(ch, in[2], bits, ring, radix));
            long mask = ring == 64 ? -1L : (1L << ring) - 1;
            long expected = 0;
            for (int i = 0; i < n; i++) {
                long want = outside(in[0][i], bits) ? 1 : 0;
                expected += want;
                assertEquals(want, r.party0()[i] + r.party1()[i] & mask,
                        "x = " + in[0][i] + " (share " + in[1][i] + "), bits " + bits + ", ring " + ring + ", radix "
                                + radix);
            }
            long exp = expected;
            var s = p.run(ch -> OutOfRangeCount.count(ch, in[1], bits, ring, radix),
                    ch -> OutOfRangeCount.count(ch, in[2], bits, ring, radix));
            assertEquals(exp & mask, s.party0() + s.party1() & mask, "count, bits " + bits);
            if (ring < 64) {
                assertEquals(0, s.party0() & ~mask, "count shares are reduced mod 2^" + ring);
            }
        }
    }

    @Test
    void theCheckInsideATruncationOrReluRunIsExactAndLeavesTheirResultsExact() {
        Prg g = NlPair.prg();
        int n = 10_000;
        long[][] in = inputs(g, n);
        long[] small = new long[n]; // ReLU and truncation inputs need |x| < 2^62: the large ones are only checked
        long[] s0 = g.nextLongs(n);
        long[] s1 = new long[n];
        for (int i = 0; i < n; i++) {
            small[i] = in[0][i] >> 1;
            s1[i] = small[i] - s0[i];
        }
        long mask = 0xFFFF_FFFFL;
        var t = p.run(ch -> {
            OutOfRangeCount c = OutOfRangeCount.prepared(ch, s0, 61, 32, 4);
            return new Object[] {FaithfulTruncationOt.truncate(ch, s0, 20, c), c.outside()};
        }, ch -> {
            OutOfRangeCount c = OutOfRangeCount.prepared(ch, s1, 61, 32, 4);
            return new Object[] {FaithfulTruncationOt.truncate(ch, s1, 20, c), c.outside()};
        });
        var r = p.run(ch -> {
            OutOfRangeCount c = OutOfRangeCount.prepared(ch, s0, 61, 32, 4);
            return new Object[] {ReluTruncationOt.run(ch, s0, 20, ReluTruncationOt.Mode.EXACT, 4, c), c.outside()};
        }, ch -> {
            OutOfRangeCount c = OutOfRangeCount.prepared(ch, s1, 61, 32, 4);
            return new Object[] {ReluTruncationOt.run(ch, s1, 20, ReluTruncationOt.Mode.EXACT, 4, c), c.outside()};
        });
        for (int i = 0; i < n; i++) {
            long x = small[i];
            long want = outside(x, 61) ? 1 : 0;
            String what = "x = " + x + " (share " + s0[i] + ")";
            assertEquals(want, ((long[]) t.party0()[1])[i] + ((long[]) t.party1()[1])[i] & mask, "with truncation, " + what);
            assertEquals(want, ((long[]) r.party0()[1])[i] + ((long[]) r.party1()[1])[i] & mask, "with ReLU, " + what);
            if (Math.abs(x) < 1L << 62) {
                long err = (x >> 20) - (((long[]) t.party0()[0])[i] + ((long[]) t.party1()[0])[i]);
                assertEquals(true, err == 0 || err == 1, "truncation of " + what + " off by " + err);
                ReluTruncationOt.Result a = (ReluTruncationOt.Result) r.party0()[0];
                ReluTruncationOt.Result b = (ReluTruncationOt.Result) r.party1()[0];
                assertEquals(x > 0 ? x >> 20 : 0, a.yShare()[i] + b.yShare()[i], "ReLU of " + what);
                assertEquals(x > 0 ? 1 : 0, NlPair.bit(a.dBits(), i) ^ NlPair.bit(b.dBits(), i), "ReLU bit of " + what);
            }
        }
    }

    @Test
    void countSharesAreFreshAndSmallInputsWork() {
        long[] x0 = {1, 2, 3};
        long[] x1 = {B, -B, 5};
        var a = p.run(ch -> OutOfRangeCount.count(ch, x0, 61, 32, 4), ch -> OutOfRangeCount.count(ch, x1, 61, 32, 4));
        var b = p.run(ch -> OutOfRangeCount.count(ch, x0, 61, 32, 4), ch -> OutOfRangeCount.count(ch, x1, 61, 32, 4));
        assertEquals(1, a.party0() + a.party1() & 0xFFFF_FFFFL); // B + 1 is out, -B + 2 and 8 are in
        assertEquals(1, b.party0() + b.party1() & 0xFFFF_FFFFL);
        assertNotEquals(a.party0(), b.party0(), "shares must be fresh");
        for (int n : new int[] {0, 1, 63, 65}) {
            long[] z = new long[n];
            var e = p.run(ch -> OutOfRangeCount.count(ch, z, 61, 32, 4), ch -> OutOfRangeCount.count(ch, z, 61, 32, 4));
            assertEquals(0, e.party0() + e.party1() & 0xFFFF_FFFFL, "n = " + n);
        }
    }

    @Test
    void revealNonZeroOpensExactlyTheBitToBoth() {
        Prg g = NlPair.prg();
        for (int k : new int[] {32, 1, 7, 63}) {
            long mask = (1L << k) - 1;
            long[] values = {0, 1, mask, 1L << (k - 1), g.nextLong() & mask, 0};
            for (long v : values) {
                long s0 = g.nextLong();
                long s1 = v - s0;
                var r = p.run(ch -> RevealNonZero.reveal(ch, s0, k), ch -> RevealNonZero.reveal(ch, s1, k));
                assertEquals((v & mask) != 0, r.party0(), "k " + k + ", s " + v);
                assertEquals(r.party0(), r.party1(), "both parties open the same bit");
            }
        }
    }

    @Test
    void ferretCotsGiveTheSameCounts() {
        try (NlPair q = NlPair.openSilent("rangeSilent")) {
            long[][] in = inputs(NlPair.prg(), 2_000);
            long want = 0;
            for (long v : in[0]) {
                want += outside(v, 61) ? 1 : 0;
            }
            var r = q.run(ch -> OutOfRangeCount.count(ch, in[1], 61, 32, 4),
                    ch -> OutOfRangeCount.count(ch, in[2], 61, 32, 4));
            assertEquals(want, r.party0() + r.party1() & 0xFFFF_FFFFL);
            var z = q.run(ch -> RevealNonZero.reveal(ch, r.party0(), 32), ch -> RevealNonZero.reveal(ch, r.party1(), 32));
            assertEquals(want != 0, z.party0());
        }
    }

    @Test
    void badArgumentsFailBothPartiesWithTheCause() {
        try (NlPair q = NlPair.open("rangeBad", 1 << 12)) {
            long[] x = new long[4];
            Throwable e = assertThrows(RuntimeException.class, () -> q.run(
                    ch -> OutOfRangeCount.count(ch, x, 50, 32, 4), ch -> OutOfRangeCount.count(ch, x, 50, 32, 4)));
            assertEquals(true, String.valueOf(rootMessage(e)).contains("range bits must be in [57, 62]"),
                    rootMessage(e));
        }
    }

    static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
