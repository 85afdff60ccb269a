package org.securetrain.crypto.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The garbling scheme alone (labels handed to the evaluator directly, as block COT would): every
 * generator circuit garbled and evaluated for n in {1, 7, 4096 + 3} must match the plaintext circuit
 * evaluation (itself checked against Java arithmetic in {@link CircuitsPlainTest}).
 */
class HalfGatesSchemeTest {

    @Test
    void everyGeneratorGarblesCorrectly() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (GeneratorCases.Case c : GeneratorCases.all()) {
            for (int n : new int[] {1, 7, 4096 + 3}) {
                long[][] in = c.inputs(rnd, n);
                long[] want = c.expected(in[2], in[3], n);
                long[] got = GcTestUtil.garbleAndEvaluate(c.circuit(), in[0], in[1], n, 4096, rnd);
                assertArrayEquals(want, got, c.name() + " n=" + n);
            }
        }
    }

    @Test
    void keysAreRenewedIdenticallyOnBothSides() {
        // 2^16 points per key, 2m points per chunk: 20 chunks of 4096 cross two key generations.
        GeneratorCases.Case c = GeneratorCases.all().get(0);
        SplittableRandom rnd = new SplittableRandom(12);
        int n = 20 * 4096 + 5;
        long[][] in = c.inputs(rnd, n);
        assertArrayEquals(c.expected(in[2], in[3], n), GcTestUtil.garbleAndEvaluate(c.circuit(), in[0], in[1], n, 4096, rnd));
    }

    @Test
    void tableSizeIsThirtyTwoBytesPerAndAndSixteenPerHalfGate() {
        for (GeneratorCases.Case c : GeneratorCases.all()) {
            Circuit k = c.circuit();
            int m = 100;
            long[] garbled = garbleOnce(k, m, new SplittableRandom(3), 0);
            long tableLongs = garbled.length - (long) k.outputCount() * BitPlanes.words(m);
            assertEquals((long) k.garbledBytesPerElement() * m, tableLongs * 8, c.name());
            assertEquals(4L * k.fullAndCount() + 2L * k.halfAndCount(), tableLongs / m, c.name());
        }
    }

    /**
     * The evaluator's view (garbled tables and decoding bits) must not depend on the garbler's input:
     * garble the ReLU circuit with the garbler's inputs all zero and all one (same evaluator inputs);
     * every bit position of the garbled material is balanced in both runs (6-sigma), and the two runs'
     * per-position one-counts are statistically indistinguishable.
     */
    @Test
    void garbledMaterialDoesNotRevealTheGarblersInput() {
        Circuit c = org.securetrain.protocols.ReluTruncation.circuit(16);
        int m = 4096;
        long[] zeros = garbleOnce(c, m, new SplittableRandom(5), 0);
        long[] ones = garbleOnce(c, m, new SplittableRandom(6), -1L);
        assertEquals(zeros.length, ones.length);
        int tableLongs = zeros.length - c.outputCount() * BitPlanes.words(m);
        // Per long position of the tables (mod 4: T_G lo/hi, T_E lo/hi) count ones per bit.
        for (long[] g : new long[][] {zeros, ones}) {
            long ones1 = 0;
            for (int i = 0; i < tableLongs; i++) {
                ones1 += Long.bitCount(g[i]);
            }
            double total = 64.0 * tableLongs;
            assertTrue(Math.abs(ones1 - total / 2) < 6 * Math.sqrt(total) / 2, "table bits balanced: " + ones1 / total);
            int decodeWords = c.outputCount() * BitPlanes.words(m);
            long dOnes = 0;
            for (int i = tableLongs; i < g.length; i++) {
                dOnes += Long.bitCount(g[i]);
            }
            double dTotal = 64.0 * decodeWords;
            assertTrue(Math.abs(dOnes - dTotal / 2) < 6 * Math.sqrt(dTotal) / 2, "decode bits balanced: " + dOnes / dTotal);
        }
        // Bitwise per table column (which of the 4 longs, which bit): the two inputs give the same distribution.
        for (int col = 0; col < 4; col++) {
            for (int bit = 0; bit < 64; bit += 7) {
                long a = 0;
                long b = 0;
                int cnt = 0;
                for (int i = col; i < tableLongs; i += 4) {
                    a += zeros[i] >>> bit & 1;
                    b += ones[i] >>> bit & 1;
                    cnt++;
                }
                double sigma = Math.sqrt(cnt / 2.0);
                assertTrue(Math.abs(a - b) < 6 * sigma, "column " + col + " bit " + bit + ": " + a + " vs " + b);
            }
        }
        assertNotEquals(zeros[0], ones[0]);
    }

    private static long[] garbleOnce(Circuit c, int m, SplittableRandom rnd, long garblerFill) {
        HalfGatesScheme.Garbler g = new HalfGatesScheme.Garbler(rnd.nextLong() | 1, rnd.nextLong(), rnd.nextLong(),
                rnd.nextLong());
        long[] gb = new long[c.garblerInputCount() * BitPlanes.words(m)];
        java.util.Arrays.fill(gb, garblerFill);
        long[] q = new long[2 * c.evaluatorInputCount() * m];
        for (int i = 0; i < q.length; i++) {
            q[i] = rnd.nextLong();
        }
        return g.garble(c, m, q, gb);
    }

    @Test
    void badArgumentsAreRejected() {
        Circuit c = GeneratorCases.all().get(0).circuit();
        assertThrows(IllegalArgumentException.class, () -> new HalfGatesScheme.Garbler(2, 0, 0, 0));
        HalfGatesScheme.Garbler g = new HalfGatesScheme.Garbler(1, 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> g.garble(c, 0, new long[0], new long[0]));
        assertThrows(IllegalArgumentException.class, () -> g.garble(c, 10, new long[5], new long[64]));
        HalfGatesScheme.Evaluator e = new HalfGatesScheme.Evaluator(0, 0);
        assertThrows(IllegalArgumentException.class, () -> e.evaluate(c, 10, new long[2 * 64 * 10], new long[3]));
    }
}
