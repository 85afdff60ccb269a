package org.securetrain.crypto.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.securetrain.protocols.MaxPoolCircuitProtocol;
import org.securetrain.protocols.ReluTruncation;

/** Every generator, evaluated in the clear (bit-sliced), against Java arithmetic; AND counts; folding. */
class CircuitsPlainTest {

    @Test
    void everyGeneratorMatchesJavaArithmetic() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (GeneratorCases.Case c : GeneratorCases.all()) {
            for (int n : new int[] {1, 7, 3000}) {
                long[][] in = c.inputs(rnd, n);
                long[] got = c.circuit().evaluate(in[0], in[1], n);
                assertArrayEquals(c.expected(in[2], in[3], n), got, c.name() + " n=" + n);
            }
        }
    }

    @Test
    void bitPlanesRoundTripAndCopy() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int n : new int[] {0, 1, 63, 64, 65, 1000}) {
            long[] v = GcTestUtil.values(rnd, n, 16);
            long[] p = BitPlanes.fromLongs(v, 64);
            assertArrayEquals(v, BitPlanes.toLongs(p, 0, 64, n));
            for (int i = 0; i < n; i++) {
                for (int bit : new int[] {0, 17, 63}) {
                    assertEquals((int) (v[i] >>> bit) & 1, BitPlanes.bit(p, bit * BitPlanes.words(n) * 64 + i));
                }
            }
        }
        long[] src = {rnd.nextLong(), rnd.nextLong(), rnd.nextLong()};
        for (int sp = 0; sp < 70; sp += 7) {
            for (int dp = 0; dp < 70; dp += 5) {
                for (int len = 0; len + Math.max(sp, dp) <= 190; len += 13) {
                    long[] dst = {rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()};
                    long[] before = dst.clone();
                    BitPlanes.copyBits(src, sp, dst, dp, len);
                    for (int i = 0; i < 256; i++) {
                        int want = i >= dp && i < dp + len ? BitPlanes.bit(src, sp + i - dp) : BitPlanes.bit(before, i);
                        assertEquals(want, BitPlanes.bit(dst, i), "sp=" + sp + " dp=" + dp + " len=" + len + " bit " + i);
                    }
                }
            }
        }
    }

    @Test
    void andCountsOfTheGenerators() {
        assertEquals(63, count(b -> IntegerCircuits.add(b, b.garblerInputs(64), b.evaluatorInputs(64))));
        assertEquals(63, count(b -> IntegerCircuits.sub(b, b.garblerInputs(64), b.evaluatorInputs(64))));
        assertEquals(62, count(b -> IntegerCircuits.negate(b, b.evaluatorInputs(64))));
        assertEquals(64, count(b -> new int[] {IntegerCircuits.lessThanSigned(b, b.garblerInputs(64), b.evaluatorInputs(64))}));
        assertEquals(63, count(b -> new int[] {IntegerCircuits.isZero(b, b.evaluatorInputs(64))}));
        assertEquals(63, count(b -> new int[] {IntegerCircuits.greaterThanZero(b, b.evaluatorInputs(64))}));
        assertEquals(64, count(b -> IntegerCircuits.mux(b, b.evaluatorInput(), b.garblerInputs(64), b.evaluatorInputs(64))));
        assertEquals(0, count(b -> IntegerCircuits.shiftRightArithmetic(b.evaluatorInputs(64), 17)));
        // max of 4 (values as evaluator inputs): 3 x (64 compare + 64 mux) + 4 one-hot merges at the root.
        assertEquals(3 * 128 + 4, count(b -> {
            int[][] v = new int[4][];
            for (int j = 0; j < 4; j++) {
                v[j] = b.evaluatorInputs(64);
            }
            IntegerCircuits.MaxArgmax m = IntegerCircuits.maxArgmax(b, v);
            int[] all = java.util.Arrays.copyOf(m.max(), 68);
            System.arraycopy(m.oneHot(), 0, all, 64, 4);
            return all;
        }));
        assertEquals(4 * 63 + 3 * 128 + 4 + 63, org.securetrain.protocols.MaxPoolCircuitProtocol.circuit(4).andCount());
        for (int f : new int[] {0, 12, 16, 24, 40, 62}) {
            Circuit relu = ReluTruncation.circuit(f);
            assertEquals(252 - f, relu.andCount(), "relu f=" + f + ": " + relu);
            // half-gates: bit 0 of z = zG + zE, bit 0 of y - r, and the f carries of y - r at bits where y is 0
            assertEquals(f + 2, relu.halfAndCount(), relu.toString());
        }
    }

    private static int count(java.util.function.Function<CircuitBuilder, int[]> gen) {
        CircuitBuilder b = new CircuitBuilder();
        b.outputs(gen.apply(b));
        return b.build("count").andCount();
    }

    @Test
    void builderFoldsConstantsAndDuplicates() {
        CircuitBuilder b = new CircuitBuilder();
        int x = b.evaluatorInput();
        int y = b.garblerInput();
        assertEquals(x, b.xor(x, CircuitBuilder.ZERO));
        assertEquals(b.not(x), b.xor(x, CircuitBuilder.ONE));
        assertEquals(CircuitBuilder.ZERO, b.xor(x, x));
        assertEquals(CircuitBuilder.ONE, b.xor(x, b.not(x)));
        assertEquals(CircuitBuilder.ZERO, b.and(x, CircuitBuilder.ZERO));
        assertEquals(x, b.and(x, CircuitBuilder.ONE));
        assertEquals(x, b.and(x, x));
        assertEquals(CircuitBuilder.ZERO, b.and(x, b.not(x)));
        assertEquals(x, b.not(b.not(x)));
        assertEquals(b.and(x, y), b.and(y, x));
        assertEquals(b.xor(x, y), b.xor(y, x));
        int unused = b.and(b.xor(x, y), y);
        b.output(b.and(x, y));
        Circuit c = b.build("fold");
        assertEquals(1, c.andCount(), "dead gates are dropped: " + c);
        assertTrue(unused > 0);
        assertThrows(IllegalStateException.class, () -> b.xor(x, y));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBuilder().and(5, 0));
    }

    @Test
    void fingerprintsDifferAcrossCircuits() {
        assertTrue(ReluTruncation.circuit(12).fingerprint() != ReluTruncation.circuit(13).fingerprint());
        assertTrue(ReluTruncation.circuit(12).fingerprint() != MaxPoolCircuitProtocol.circuit(4).fingerprint());
    }
}
