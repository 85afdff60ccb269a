package org.securetrain.crypto.ot;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BitMatrixTest {

    @Test
    void transpose64MatchesNaive() {
        SplittableRandom r = new SplittableRandom(1);
        long[] a = new long[64];
        for (int i = 0; i < 64; i++) {
            a[i] = r.nextLong();
        }
        long[] t = a.clone();
        BitMatrix.transpose64(t, 0);
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                assertEquals(a[i] >>> j & 1, t[j] >>> i & 1, "element (" + i + "," + j + ")");
            }
        }
    }

    @Test
    void transpose128MatchesNaiveForOddSizes() {
        SplittableRandom r = new SplittableRandom(2);
        for (int m : new int[] {1, 63, 64, 65, 200, 1000}) {
            int w = (m + 63) >>> 6;
            long[] cols = new long[128 * w];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = r.nextLong();
            }
            long[] rows = new long[2 * m + 4];
            rows[2 * m + 2] = 77; // sentinel past the end must stay untouched
            BitMatrix.transpose128(cols, w, m, rows, 2);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < 128; j++) {
                    long colBit = cols[j * w + (i >>> 6)] >>> (i & 63) & 1;
                    long rowBit = rows[2 + 2 * i + (j >>> 6)] >>> (j & 63) & 1;
                    assertEquals(colBit, rowBit, "m=" + m + " row " + i + " col " + j);
                }
            }
            assertEquals(77, rows[2 * m + 2]);
        }
    }
}
