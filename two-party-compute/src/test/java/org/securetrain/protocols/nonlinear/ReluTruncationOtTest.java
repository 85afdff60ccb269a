package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;

@Timeout(300)
class ReluTruncationOtTest {
    static NlPair p;

    @BeforeAll
    static void setUp() {
        p = NlPair.open("relu", 1 << 18);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    /** Random values of all magnitudes, the edges, and values around the truncation boundaries, split randomly. */
    static long[][] inputs(int n, int f, Prg g) {
        long[] z = g.nextLongs(n);
        long[] sh = g.nextLongs(n);
        int k = 0;
        long[] edges = {0, 1, -1, 2, -2, (1L << 62) - 1, -((1L << 62) - 1), Long.MIN_VALUE, Long.MAX_VALUE,
            Long.MIN_VALUE + 1, 1L << 62, -(1L << 62)};
        for (long e : edges) {
            z[k++] = e;
        }
        for (int j = 0; j < 62 && k + 6 < n; j++) {
            long b = 1L << j;
            z[k++] = b;
            z[k++] = b - 1;
            z[k++] = b + 1;
            z[k++] = -b;
            z[k++] = -b + 1;
            z[k++] = -b - 1;
        }
        for (int j = -3; j <= 3; j++) { // around multiples of 2^f
            z[k++] = (5L << f) + j;
            z[k++] = (-5L << f) + j;
            z[k++] = (1L << f) + j;
        }
        for (int i = k; i < n; i++) { // every magnitude
            z[i] >>= (i % 64);
        }
        long[] z0 = new long[n];
        long[] z1 = new long[n];
        for (int i = 0; i < n; i++) {
            z0[i] = sh[i];
            z1[i] = z[i] - sh[i];
            if (i < 40) { // edge splits: one share zero / the value itself
                z0[i] = (i & 1) == 0 ? 0 : z[i];
                z1[i] = z[i] - z0[i];
            }
        }
        return new long[][] {z, z0, z1};
    }

    static ReluTruncationOt.Result[] run(long[] z0, long[] z1, int f, ReluTruncationOt.Mode mode, int radix) {
        var r = p.run(c -> ReluTruncationOt.run(c, z0, f, mode, radix),
                c -> ReluTruncationOt.run(c, z1, f, mode, radix));
        return new ReluTruncationOt.Result[] {r.party0(), r.party1()};
    }

    static void checkExact(int f, int n) {
        long[][] in = inputs(n, f, NlPair.prg());
        ReluTruncationOt.Result[] r = run(in[1], in[2], f, ReluTruncationOt.Mode.EXACT, 4);
        for (int i = 0; i < n; i++) {
            long z = in[0][i];
            long d = z > 0 ? 1 : 0;
            assertEquals(d, NlPair.bit(r[0].dBits(), i) ^ NlPair.bit(r[1].dBits(), i), "d, f=" + f + ", z=" + z);
            assertEquals(z > 0 ? z >> f : 0, r[0].yShare()[i] + r[1].yShare()[i], "y, f=" + f + ", z=" + z);
        }
    }

    static void checkFaithful(int f, int n) {
        long[][] in = inputs(n, f, NlPair.prg());
        ReluTruncationOt.Result[] r = run(in[1], in[2], f, ReluTruncationOt.Mode.FAITHFUL, 4);
        int low = 0;
        for (int i = 0; i < n; i++) {
            long z = in[0][i];
            assertEquals(z > 0 ? 1 : 0, NlPair.bit(r[0].dBits(), i) ^ NlPair.bit(r[1].dBits(), i), "d, z=" + z);
            long want = z > 0 ? z >> f : 0;
            long got = r[0].yShare()[i] + r[1].yShare()[i];
            assertTrue(got == want || (z > 0 && got == want - 1), "y, f=" + f + ", z=" + z + ": " + got);
            low += got != want ? 1 : 0;
        }
        assertTrue(low < n, "the faithful mode should round down only sometimes");
    }

    /** The edges and every magnitude at several f (10^4 values each; 10^5 each in the slow variant). */
    @Test
    void exactModeIsBitExact() {
        for (int f : new int[] {12, 16, 24, 0, 1, 62}) {
            checkExact(f, 10_000);
        }
    }

    @Test
    @Tag("slow")
    void exactModeIsBitExactOnAHundredThousandValuesPerF() {
        for (int f : new int[] {12, 16, 24}) {
            checkExact(f, 100_000);
        }
    }

    @Test
    void faithfulModeIsWithinOneUlpBelow() {
        for (int f : new int[] {12, 16, 24}) {
            checkFaithful(f, 10_000);
        }
    }

    @Test
    @Tag("slow")
    void faithfulModeIsWithinOneUlpBelowOnAHundredThousandValuesPerF() {
        for (int f : new int[] {12, 16, 24}) {
            checkFaithful(f, 100_000);
        }
    }

    @Test
    void otherRadices() {
        for (int radix : new int[] {1, 2, 3, 5, 6}) {
            int n = 1500;
            long[][] in = inputs(n, 16, NlPair.prg());
            ReluTruncationOt.Result[] r = run(in[1], in[2], 16, ReluTruncationOt.Mode.EXACT, radix);
            for (int i = 0; i < n; i++) {
                long z = in[0][i];
                assertEquals(z > 0 ? 1 : 0, NlPair.bit(r[0].dBits(), i) ^ NlPair.bit(r[1].dBits(), i), "d, z=" + z);
                assertEquals(z > 0 ? z >> 16 : 0, r[0].yShare()[i] + r[1].yShare()[i], "radix " + radix + ", z=" + z);
            }
        }
    }
}
