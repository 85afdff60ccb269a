package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.SessionException;

/**
 * The element-wise product and square ({@link ElementwiseProduct}) against plaintext x·y mod 2^64, bit-exact, on
 * random values, the edges of the ring and of its 32-bit halves, under several share splits, on IKNP random COTs;
 * and once on Ferret silent OT (the backend's default source).
 */
@Timeout(300)
class ElementwiseProductTest {
    static final long M62 = (1L << 62) - 1;
    static final long[] EDGES = {0, 1, -1, 2, -2, M62, -M62, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
        1L << 32, (1L << 32) - 1, (1L << 32) + 1, -(1L << 32), -(1L << 32) + 1, 1L << 31, 0xFFFF_FFFFL << 32,
        1L << 62, 1L << 63 >>> 1, 3, 1L << 24, -(1L << 24)};

    static NlPair p;

    @BeforeAll
    static void setUp() {
        p = NlPair.open("product", 1 << 18);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    /** x and y: random, the random values' every magnitude, then every pair of edges. */
    static long[][] values(Prg g, int n) {
        long[] x = g.nextLongs(n);
        long[] y = g.nextLongs(n);
        for (int i = 0; i < n; i++) {
            x[i] >>= i % 64;
            y[i] >>= (i / 64) % 64;
        }
        int k = 0;
        for (long a : EDGES) {
            for (long b : EDGES) {
                x[k] = a;
                y[k] = b;
                k++;
            }
        }
        return new long[][] {x, y};
    }

    /**
     * Party 0's share of v under split {@code s}: 0 random, 1 all of v at party 0, 2 all of v at party 1, 3 the
     * value's negative at party 0 (share 1 = 2v), 4 a random share with the top bit forced.
     */
    static long[] share0(Prg g, long[] v, int s) {
        long[] r = g.nextLongs(v.length);
        for (int i = 0; i < v.length; i++) {
            switch (s) {
                case 1 -> r[i] = v[i];
                case 2 -> r[i] = 0;
                case 3 -> r[i] = -v[i];
                case 4 -> r[i] |= Long.MIN_VALUE;
                default -> {
                }
            }
        }
        return r;
    }

    static long[] minus(long[] v, long[] s0) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] - s0[i];
        }
        return r;
    }

    @Test
    void productIsExactModTwoToTheSixtyFourUnderEverySplit() {
        Prg g = NlPair.prg();
        int n = 100_000;
        long[][] v = values(g, n);
        for (int split = 0; split < 5; split++) {
            int m = split == 0 ? n : 5_000; // the full 10^5 once, every split on 5000 (every edge pair among them)
            long[] x = java.util.Arrays.copyOf(v[0], m);
            long[] y = java.util.Arrays.copyOf(v[1], m);
            long[] x0 = share0(g, x, split);
            long[] y0 = share0(g, y, (split + 2) % 5);
            long[] x1 = minus(x, x0);
            long[] y1 = minus(y, y0);
            var r = p.run(c -> ElementwiseProduct.multiply(c, x0, y0), c -> ElementwiseProduct.multiply(c, x1, y1));
            for (int i = 0; i < m; i++) {
                assertEquals(x[i] * y[i], r.party0()[i] + r.party1()[i],
                        "split " + split + ", element " + i + ": " + x[i] + " * " + y[i]);
            }
        }
    }

    @Test
    void squareIsExactModTwoToTheSixtyFourUnderEverySplit() {
        Prg g = NlPair.prg();
        int n = 100_000;
        long[] v = values(g, n)[0];
        for (int k = 0; k < EDGES.length; k++) {
            v[k] = EDGES[k];
        }
        for (int split = 0; split < 5; split++) {
            int m = split == 0 ? n : 5_001; // odd: the two parties' halves differ by one
            long[] x = java.util.Arrays.copyOf(v, m);
            long[] x0 = share0(g, x, split);
            long[] x1 = minus(x, x0);
            var r = p.run(c -> ElementwiseProduct.square(c, x0), c -> ElementwiseProduct.square(c, x1));
            for (int i = 0; i < m; i++) {
                assertEquals(x[i] * x[i], r.party0()[i] + r.party1()[i], "split " + split + ", x = " + x[i]);
            }
        }
    }

    @Test
    void outputSharesAreFreshAndSmallSizesWork() {
        Prg g = NlPair.prg();
        long[] x0 = g.nextLongs(1000), x1 = g.nextLongs(1000), y0 = g.nextLongs(1000), y1 = g.nextLongs(1000);
        var a = p.run(c -> ElementwiseProduct.multiply(c, x0, y0), c -> ElementwiseProduct.multiply(c, x1, y1));
        var b = p.run(c -> ElementwiseProduct.multiply(c, x0, y0), c -> ElementwiseProduct.multiply(c, x1, y1));
        var s = p.run(c -> ElementwiseProduct.square(c, x0), c -> ElementwiseProduct.square(c, x1));
        var t = p.run(c -> ElementwiseProduct.square(c, x0), c -> ElementwiseProduct.square(c, x1));
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.party0()[i] + a.party1()[i], b.party0()[i] + b.party1()[i]);
            assertEquals(s.party0()[i] + s.party1()[i], t.party0()[i] + t.party1()[i]);
            same += a.party0()[i] == b.party0()[i] ? 1 : 0;
            same += s.party1()[i] == t.party1()[i] ? 1 : 0;
        }
        assertEquals(0, same, "output shares must be fresh");
        for (int m : new int[] {0, 1, 2, 63, 64, 65, 4161, 4162, 8323}) {
            long[] u0 = g.nextLongs(m), u1 = g.nextLongs(m), w0 = g.nextLongs(m), w1 = g.nextLongs(m);
            var r = p.run(c -> ElementwiseProduct.multiply(c, u0, w0), c -> ElementwiseProduct.multiply(c, u1, w1));
            var q = p.run(c -> ElementwiseProduct.square(c, u0), c -> ElementwiseProduct.square(c, u1));
            assertEquals(m, r.party0().length);
            for (int i = 0; i < m; i++) {
                long u = u0[i] + u1[i];
                assertEquals(u * (w0[i] + w1[i]), r.party0()[i] + r.party1()[i], "n = " + m);
                assertEquals(u * u, q.party0()[i] + q.party1()[i], "square, n = " + m);
            }
        }
    }

    @Test
    void silentCotsGiveTheSameExactProduct() {
        try (NlPair s = NlPair.openSilent("product-silent")) {
            Prg g = NlPair.prg();
            int n = 1 << 14;
            long[][] v = values(g, n);
            long[] x0 = g.nextLongs(n), y0 = g.nextLongs(n);
            long[] x1 = minus(v[0], x0), y1 = minus(v[1], y0);
            var r = s.run(c -> ElementwiseProduct.multiply(c, x0, y0), c -> ElementwiseProduct.multiply(c, x1, y1));
            var q = s.run(c -> ElementwiseProduct.square(c, x0), c -> ElementwiseProduct.square(c, x1));
            for (int i = 0; i < n; i++) {
                assertEquals(v[0][i] * v[1][i], r.party0()[i] + r.party1()[i], "element " + i);
                assertEquals(v[0][i] * v[0][i], q.party0()[i] + q.party1()[i], "square, element " + i);
            }
        }
    }

    @Test
    void mismatchedLengthsFailBothPartiesNamingTheCause() {
        try (NlPair q = NlPair.open("product-bad", 1 << 12)) {
            long[] a = new long[10];
            Exception e = assertThrows(IllegalArgumentException.class, () -> q.run(
                    c -> ElementwiseProduct.multiply(c, a, new long[9]), c -> ElementwiseProduct.multiply(c, a, a)));
            assertTrue(e.getMessage().contains("x has 10 shares, y has 9"), e.getMessage());
        }
        try (NlPair q = NlPair.open("product-shape", 1 << 12)) {
            long[] a = new long[10];
            long[] b = new long[11];
            Exception e = assertThrows(SessionException.class, () -> q.run(
                    c -> ElementwiseProduct.multiply(c, a, a), c -> ElementwiseProduct.multiply(c, b, b)));
            assertTrue(e.getMessage().contains("n=10") && e.getMessage().contains("n=11"), e.getMessage());
        }
        try (NlPair q = NlPair.open("product-kind", 1 << 12)) {
            long[] a = new long[10];
            Exception e = assertThrows(SessionException.class, () -> q.run(
                    c -> ElementwiseProduct.multiply(c, a, a), c -> ElementwiseProduct.square(c, a)));
            assertTrue(e.getMessage().contains("product") && e.getMessage().contains("square"), e.getMessage());
        }
    }
}
