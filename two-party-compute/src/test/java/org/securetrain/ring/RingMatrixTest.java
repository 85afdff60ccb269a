package org.securetrain.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RingMatrixTest {
    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);

    static long[] rand(Random r, int n) {
        long[] x = new long[n];
        for (int i = 0; i < n; i++) x[i] = r.nextLong();
        return x;
    }

    /** Independent oracle: BigInteger products reduced mod 2^64. */
    static long[] bigMultiply(long[] a, long[] b, int m, int k, int n) {
        long[] c = new long[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                BigInteger s = BigInteger.ZERO;
                for (int p = 0; p < k; p++) {
                    s = s.add(BigInteger.valueOf(a[i * k + p]).multiply(BigInteger.valueOf(b[p * n + j])));
                }
                c[i * n + j] = s.mod(MOD).longValue();
            }
        }
        return c;
    }

    @Test
    void multiplyMatchesBigIntegerInAllTransposeModes() {
        Random r = new Random(1);
        int m = 5, k = 7, n = 3;
        long[] a = rand(r, m * k), b = rand(r, k * n);
        long[] expect = bigMultiply(a, b, m, k, n);
        long[] at = RingMatrix.transpose(a, m, k), bt = RingMatrix.transpose(b, k, n);
        assertArrayEquals(expect, RingMatrix.multiply(a, false, b, false, m, k, n));
        assertArrayEquals(expect, RingMatrix.multiply(at, true, b, false, m, k, n));
        assertArrayEquals(expect, RingMatrix.multiply(a, false, bt, true, m, k, n));
        assertArrayEquals(expect, RingMatrix.multiply(at, true, bt, true, m, k, n));
    }

    @Test
    void sharesMultiplyLinearly() {
        Random r = new Random(2);
        int m = 4, k = 6, n = 5;
        long[] a = rand(r, m * k), b = rand(r, k * n), a0 = rand(r, m * k);
        long[] a1 = RingMatrix.subtract(a, a0);
        long[] sum = RingMatrix.add(RingMatrix.multiply(a0, false, b, false, m, k, n),
                RingMatrix.multiply(a1, false, b, false, m, k, n));
        assertArrayEquals(RingMatrix.multiply(a, false, b, false, m, k, n), sum);
    }

    @Test
    void shapeErrorsNameTheOperand() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RingMatrix.multiply(new long[6], false, new long[5], false, 2, 3, 2));
        assertTrue(e.getMessage().startsWith("B has 5 elements"), e.getMessage());
    }

    @Test
    void fixedPointRoundTripAndRange() {
        FixedPoint fp = FixedPoint.of(16);
        assertEquals(65536, fp.one());
        Random r = new Random(3);
        for (int i = 0; i < 1000; i++) {
            double v = (r.nextDouble() - 0.5) * 1000;
            assertEquals(v, fp.decode(fp.encode(v)), fp.ulp() / 2 + 1e-12);
        }
        assertEquals(-65536, fp.encode(-1.0));
        assertThrows(IllegalArgumentException.class, () -> fp.encode(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> fp.encode(Math.scalb(1.0, 46)));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.of(40));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fp.encode(new double[] {1, Double.POSITIVE_INFINITY}));
        assertTrue(e.getMessage().contains("element 1"), e.getMessage());
    }

    @Test
    void splitUndoesConcat() {
        long[][] parts = {{1, -2, 3}, {}, {Long.MIN_VALUE}, {4, 5}};
        long[] all = RingMatrix.concat(parts);
        assertArrayEquals(new long[] {1, -2, 3, Long.MIN_VALUE, 4, 5}, all);
        long[][] back = RingMatrix.split(all, parts);
        for (int j = 0; j < parts.length; j++) {
            assertArrayEquals(parts[j], back[j]);
            assertNotSame(parts[j], back[j]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RingMatrix.split(new long[7], parts));
        assertTrue(e.getMessage().contains("7 elements into pieces of 6"), e.getMessage());
    }
}
