package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.SessionException;

/** Bit times share, faithful truncation, boolean-to-arithmetic and [z > 0] on IKNP random COTs, against plaintext. */
@Timeout(300)
class SmallProtocolsTest {
    static NlPair p;

    @BeforeAll
    static void setUp() {
        p = NlPair.open("small", 1 << 18);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    static final long[] EDGES = {0, 1, -1, 2, -2, (1L << 62) - 1, -((1L << 62) - 1), Long.MIN_VALUE, Long.MAX_VALUE,
        Long.MIN_VALUE + 1, 1L << 62, -(1L << 62), 1L << 61, -(1L << 61)};

    @Test
    void bitTimesShareIsExact() {
        int n = 100_000;
        Prg g = NlPair.prg();
        long[] d0 = g.nextBits(n), d1 = g.nextBits(n), x0 = g.nextLongs(n), x1 = g.nextLongs(n);
        for (int k = 0; k < EDGES.length; k++) {
            x0[k] = EDGES[k];
            x1[k] = 0;
            x0[100 + k] = EDGES[k];
            x1[100 + k] = EDGES[(k + 3) % EDGES.length];
        }
        var r = p.run(c -> Multiplexer.multiply(c, d0, x0, n), c -> Multiplexer.multiply(c, d1, x1, n));
        for (int i = 0; i < n; i++) {
            long d = NlPair.bit(d0, i) ^ NlPair.bit(d1, i);
            assertEquals(d == 1 ? x0[i] + x1[i] : 0, r.party0()[i] + r.party1()[i], "element " + i);
        }
        var again = p.run(c -> Multiplexer.multiply(c, d0, x0, 1000), c -> Multiplexer.multiply(c, d1, x1, 1000));
        for (int i = 0; i < 1000; i++) {
            assertEquals(r.party0()[i] + r.party1()[i], again.party0()[i] + again.party1()[i]);
            assertNotEquals(r.party0()[i], again.party0()[i], "shares must be fresh");
        }
        for (int n2 : new int[] {0, 1, 63, 65}) {
            long[] e0 = g.nextBits(n2 + 1), e1 = g.nextBits(n2 + 1), y0 = g.nextLongs(n2), y1 = g.nextLongs(n2);
            var s = p.run(c -> Multiplexer.multiply(c, e0, y0, n2), c -> Multiplexer.multiply(c, e1, y1, n2));
            for (int i = 0; i < n2; i++) {
                long d = NlPair.bit(e0, i) ^ NlPair.bit(e1, i);
                assertEquals(d == 1 ? y0[i] + y1[i] : 0, s.party0()[i] + s.party1()[i]);
            }
        }
    }

    @Test
    void faithfulTruncationIsFloorOrFloorMinusOneAndNeverWraps() {
        Prg g = NlPair.prg();
        for (int k : new int[] {1, 12, 16, 24, 40, 61}) {
            int n = k == 24 ? 100_000 : 20_000;
            long[] x = g.nextLongs(n);
            for (int i = 0; i < n; i++) {
                x[i] >>= 2 + i % 62; // |x| < 2^62, every magnitude
            }
            long lim = (1L << 62) - 1;
            long[] edges = {0, 1, -1, lim, -lim, 1L << k, -(1L << k), (1L << k) - 1, -(1L << k) + 1, (1L << k) + 1,
                -(1L << k) - 1, lim - 1, -lim + 1};
            System.arraycopy(edges, 0, x, 0, edges.length);
            long[] x0 = g.nextLongs(n);
            long[] x1 = new long[n];
            for (int i = 0; i < n; i++) {
                if (i < 2 * edges.length) {
                    x0[i] = i < edges.length ? 0 : x[i % edges.length];
                    x[i] = x[i % edges.length];
                }
                x1[i] = x[i] - x0[i];
            }
            var r = p.run(c -> FaithfulTruncationOt.truncate(c, x0, k), c -> FaithfulTruncationOt.truncate(c, x1, k));
            for (int i = 0; i < n; i++) {
                long want = x[i] >> k;
                long got = r.party0()[i] + r.party1()[i];
                assertTrue(got == want || got == want - 1, "k=" + k + " x=" + x[i] + ": " + got + " vs " + want);
            }
        }
    }

    @Test
    void booleanToArithmeticIsExact() {
        int n = 100_000;
        Prg g = NlPair.prg();
        long[] b0 = g.nextBits(n), b1 = g.nextBits(n);
        var r = p.run(c -> BooleanToArithmetic.convert(c, b0, n), c -> BooleanToArithmetic.convert(c, b1, n));
        for (int i = 0; i < n; i++) {
            assertEquals(NlPair.bit(b0, i) ^ NlPair.bit(b1, i), r.party0()[i] + r.party1()[i]);
        }
    }

    @Test
    void positiveBitIsExactAtFullWidthAndWithABound() {
        positiveBit(20_000, 5_000);
    }

    @Test
    @Tag("slow")
    void positiveBitIsExactOnAHundredThousandValues() {
        positiveBit(100_000, 100_000);
    }

    static void positiveBit(int n, int m) {
        Prg g = NlPair.prg();
        long[] z = g.nextLongs(n);
        for (int i = 0; i < n; i++) {
            z[i] >>= i % 64;
        }
        System.arraycopy(EDGES, 0, z, 0, EDGES.length);
        long[] z0 = g.nextLongs(n);
        long[] z1 = new long[n];
        for (int i = 0; i < n; i++) {
            if (i >= EDGES.length && i < 2 * EDGES.length) {
                z[i] = EDGES[i - EDGES.length];
                z0[i] = 0;
            }
            z1[i] = z[i] - z0[i];
        }
        var r = p.run(c -> PositiveBit.compute(c, z0, PositiveBit.FULL, 4),
                c -> PositiveBit.compute(c, z1, PositiveBit.FULL, 4));
        for (int i = 0; i < n; i++) {
            assertEquals(z[i] > 0 ? 1 : 0, NlPair.bit(r.party0(), i) ^ NlPair.bit(r.party1(), i), "z=" + z[i]);
        }
        for (int bound : new int[] {40, 62, 8, 1, 2, 3, 4, 5}) {
            long[] v = g.nextLongs(m);
            long[] v0 = g.nextLongs(m);
            long[] v1 = new long[m];
            long lim = (1L << bound) - 1;
            for (int i = 0; i < m; i++) {
                v[i] = i < 6 ? new long[] {0, 1, -1, lim, -lim, 2}[i] : v[i] % (lim + 1);
                v1[i] = v[i] - v0[i];
            }
            var s = p.run(c -> PositiveBit.compute(c, v0, bound, 4), c -> PositiveBit.compute(c, v1, bound, 4));
            for (int i = 0; i < m; i++) {
                assertEquals(v[i] > 0 ? 1 : 0, NlPair.bit(s.party0(), i) ^ NlPair.bit(s.party1(), i),
                        "bound " + bound + ", z=" + v[i]);
            }
        }
    }

    @Test
    void mismatchedRunsFailOnBothSidesWithBothDescriptions() {
        try (NlPair q = NlPair.open("mismatch", 1 << 12)) {
            long[] a = new long[100];
            long[] b = new long[90];
            Exception e = assertThrows(SessionException.class, () -> q.run(
                    c -> FaithfulTruncationOt.truncate(c, a, 16), c -> FaithfulTruncationOt.truncate(c, b, 16)));
            assertTrue(e.getMessage().contains("n=100") && e.getMessage().contains("n=90"), e.getMessage());
        }
        try (NlPair q = NlPair.open("mismatch2", 1 << 12)) {
            long[] a = new long[100];
            Exception e = assertThrows(IllegalArgumentException.class, () -> q.run(
                    c -> FaithfulTruncationOt.truncate(c, a, 0), c -> FaithfulTruncationOt.truncate(c, a, 16)));
            assertTrue(e.getMessage().contains("[1, 61]"), e.getMessage());
        }
    }
}
