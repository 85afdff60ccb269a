package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;

@Timeout(300)
class MaxPoolOtTest {
    static NlPair p;

    @BeforeAll
    static void setUp() {
        p = NlPair.open("max", 1 << 18);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    /** Window values with |v| < 2^62: every magnitude, ties, edges. */
    static long[] values(int windows, int k, Prg g) {
        long[] v = g.nextLongs(windows * k);
        for (int i = 0; i < v.length; i++) {
            v[i] >>= 2 + (i / k) % 62; // all magnitudes below 2^62
            int w = i / k;
            if (w % 7 == 0) {
                v[i] = v[w * k]; // all tied: the first must win
            } else if (w % 7 == 1) {
                v[i] = (i % k) % 2 == 0 ? 5 : 3; // ties among maxima
            } else if (w % 7 == 2) {
                long[] e = {0, 1, -1, (1L << 62) - 1, -((1L << 62) - 1), 2, -2};
                v[i] = e[(i * 3 + w) % e.length];
            }
        }
        return v;
    }

    static void check(int windows, int k, int bound, int radix, long[] v) {
        Prg g = NlPair.prg();
        long[] v0 = g.nextLongs(v.length);
        long[] v1 = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            v1[i] = v[i] - v0[i];
        }
        var r = p.run(c -> MaxPoolOt.run(c, v0, k, bound, radix), c -> MaxPoolOt.run(c, v1, k, bound, radix));
        for (int w = 0; w < windows; w++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (v[w * k + j] > v[w * k + best]) {
                    best = j;
                }
            }
            assertEquals(v[w * k + best], r.party0().maxShare()[w] + r.party1().maxShare()[w], "max of window " + w);
            for (int j = 0; j < k; j++) {
                int idx = w * k + j;
                assertEquals(j == best ? 1 : 0, NlPair.bit(r.party0().argmaxBits(), idx)
                        ^ NlPair.bit(r.party1().argmaxBits(), idx),
                        "argmax bit " + j + " of window " + w + " (k=" + k + ")");
            }
        }
    }

    @Test
    void twoByTwoWindowsMatchPlaintext() {
        int windows = 5_000;
        check(windows, 4, PositiveBit.FULL, 4, values(windows, 4, NlPair.prg()));
    }

    /** 25,000 windows: 10^5 values and 75,000 comparisons. */
    @Test
    @Tag("slow")
    void twoByTwoWindowsMatchPlaintextOnAHundredThousandValues() {
        int windows = 25_000;
        check(windows, 4, PositiveBit.FULL, 4, values(windows, 4, NlPair.prg()));
    }

    @Test
    void otherWindowSizes() {
        for (int k : new int[] {1, 2, 3, 5, 9}) {
            int windows = 1000;
            check(windows, k, PositiveBit.FULL, 4, values(windows, k, NlPair.prg()));
        }
    }

    @Test
    void fewerBitsWhenTheValuesAreBounded() {
        int windows = 2000;
        int k = 4;
        long[] v = values(windows, k, NlPair.prg());
        for (int i = 0; i < v.length; i++) {
            v[i] >>= 24; // |v| < 2^38, so |difference| < 2^39
        }
        check(windows, k, 39, 4, v);
    }
}
