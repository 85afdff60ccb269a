package org.securetrain.protocols.nonlinear;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;

@Timeout(180)
class MillionaireTest {
    static NlPair p;

    @BeforeAll
    static void setUp() {
        p = NlPair.open("mill", 1 << 16);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    static long[][] compare(ComparisonPlan plan, long[] x, long[] y, long[] s0, long[] s1) {
        int n = x.length;
        var r = p.run(c -> run(c, plan, n, x, s0), c -> run(c, plan, n, y, s1));
        return new long[][] {r.party0()[0], r.party1()[0], r.party0()[1], r.party1()[1], r.party0()[2], r.party1()[2]};
    }

    static long[][] run(CotChannel c, ComparisonPlan plan, int n, long[] v, long[] s) {
        Millionaire m = new Millionaire(c, plan, n);
        m.prepare();
        m.setInputs(v, s);
        StageRunner.run(c, "test.mill", new RunTag(RunTag.Kind.MILLIONAIRE, n, 0), m.stages());
        return new long[][] {m.result(), plan.folded() ? m.rootEq() : null,
            plan.hasLowSubtree() ? m.lowResult() : null};
    }

    @Test
    void lessThanMatchesPlaintext() {
        for (int bits : new int[] {1, 3, 8, 17, 40, 63}) {
            for (int radix : new int[] {1, 2, 4, 5, 6}) {
                ComparisonPlan plan = ComparisonPlan.lessThan(bits, radix);
                int n = 700;
                Prg g = NlPair.prg();
                long mask = bits == 64 ? -1L : (1L << bits) - 1;
                long[] x = g.nextLongs(n);
                long[] y = g.nextLongs(n);
                for (int i = 0; i < n; i++) {
                    x[i] &= mask;
                    y[i] = i % 3 == 0 ? x[i] : i % 3 == 1 ? (x[i] + 1) & mask : y[i] & mask;
                }
                long[][] r = compare(plan, x, y, null, null);
                for (int i = 0; i < n; i++) {
                    long want = Long.compareUnsigned(x[i], y[i]) < 0 ? 1 : 0;
                    assertEquals(want, NlPair.bit(r[0], i) ^ NlPair.bit(r[1], i), plan + " element " + i + " x=" + x[i]
                            + " y=" + y[i]);
                }
            }
        }
    }

    @Test
    void foldedPlanGivesLessOrEqualAndFoldedEquality() {
        for (int low : new int[] {0, 12, 24}) {
            for (int radix : new int[] {2, 4, 5}) {
                ComparisonPlan plan = ComparisonPlan.positive(63, radix, low);
                int n = 1000;
                Prg g = NlPair.prg();
                long[] x = g.nextLongs(n);
                long[] y = g.nextLongs(n);
                long[] s0 = g.nextBits(n);
                long[] s1 = g.nextBits(n);
                for (int i = 0; i < n; i++) {
                    x[i] &= Long.MAX_VALUE;
                    y[i] = i % 4 == 0 ? x[i] : i % 4 == 1 ? (x[i] ^ 1) : y[i] & Long.MAX_VALUE;
                }
                long[][] r = compare(plan, x, y, s0, s1);
                long lm = (1L << low) - 1;
                for (int i = 0; i < n; i++) {
                    long le = x[i] <= y[i] ? 1 : 0;
                    long s = NlPair.bit(s0, i) ^ NlPair.bit(s1, i);
                    long eq = x[i] == y[i] ? s : 0;
                    assertEquals(le, NlPair.bit(r[0], i) ^ NlPair.bit(r[1], i), plan + " le " + i);
                    assertEquals(eq, NlPair.bit(r[2], i) ^ NlPair.bit(r[3], i), plan + " eq " + i);
                    if (low > 0) {
                        long lowLe = (x[i] & lm) <= (y[i] & lm) ? 1 : 0;
                        assertEquals(lowLe, NlPair.bit(r[4], i) ^ NlPair.bit(r[5], i), plan + " low " + i);
                    }
                }
            }
        }
    }
}
