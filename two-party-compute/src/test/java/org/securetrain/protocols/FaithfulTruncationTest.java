package org.securetrain.protocols;

import org.securetrain.layermath.TestShares;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.crypto.ot.ViewStats;
import org.securetrain.runtime.ProtocolId;

@Timeout(120)
class FaithfulTruncationTest {
    static OtTestPair p;

    @BeforeAll
    static void setUp() {
        p = OtTestPair.open(1 << 16);
    }

    @AfterAll
    static void tearDown() {
        p.close();
    }

    long[][] run(long[][] s, int bits, String purpose) {
        ProtocolId id = id(purpose);
        var res = p.run(e -> FaithfulTruncation.truncate(e, e.session().channel("trunc.check"), s[0], bits, id),
                e -> FaithfulTruncation.truncate(e, e.session().channel("trunc.check"), s[1], bits, id));
        return new long[][] {res.party0(), res.party1()};
    }

    @Test
    void withinOneUlpBelowFloorNeverWrapsForFullRange() {
        Random r = new Random(11);
        int n = 100_000;
        for (int bits : new int[] {1, 16, 20, 40, 61}) {
            long[] x = new long[n];
            for (int i = 0; i < n; i++) {
                x[i] = switch (i % 7) {
                    case 0 -> (r.nextLong() >> 2); // full |x| < 2^62 range
                    case 1 -> FaithfulTruncation.MAGNITUDE_LIMIT - 1 - r.nextInt(1000);
                    case 2 -> -FaithfulTruncation.MAGNITUDE_LIMIT + r.nextInt(1000);
                    case 3 -> (long) r.nextInt(3) - 1;
                    case 4 -> ((r.nextLong() >> Math.min(63, bits + 3)) << bits) + r.nextInt(3) - 1; // around multiples of 2^bits
                    default -> (long) (r.nextGaussian() * (1L << 30));
                };
            }
            long[][] t = run(TestShares.split(x, r), bits, "t" + bits);
            int exact = 0, wraps = 0;
            for (int i = 0; i < n; i++) {
                long got = t[0][i] + t[1][i];
                long want = x[i] >> bits;
                long err = want - got;
                if (err != 0 && err != 1) {
                    wraps++;
                }
                if (err == 0) exact++;
            }
            assertEquals(0, wraps, "wrap-around or >1 ulp errors at " + bits + " bits");
            assertTrue(exact > n / 4, "most results are exact floors (" + exact + "/" + n + ")");
        }
    }

    @Test
    void partyOnesReceivedValuesAreUniformWhateverTheInput() {
        Random r = new Random(12);
        int n = 1 << 16;
        long[] zeros = new long[n];
        long[] big = new long[n];
        for (int i = 0; i < n; i++) big[i] = (r.nextLong() >> 3) | (1L << 58);
        long[][] a = run(TestShares.split(zeros, r), 16, "view.a");
        long[][] b = run(TestShares.split(big, r), 16, "view.b");
        ViewStats.assertBitBalanced(a[1], "party 1's output share, x = 0");
        ViewStats.assertBitBalanced(b[1], "party 1's output share, x large");
        ViewStats.assertSameBitDistribution(a[1], b[1], "party 1's output share: x = 0 vs x large");
        ViewStats.assertBitBalanced(a[0], "party 0's output share, x = 0");
    }

    @Test
    void mismatchedShapesFailOnBothSidesWithTheShapes() {
        try (OtTestPair q = OtTestPair.open(1 << 10)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> q.run(
                    e0 -> FaithfulTruncation.truncate(e0, e0.session().channel(id("c")), new long[10], 16, id("m")),
                    e1 -> FaithfulTruncation.truncate(e1, e1.session().channel(id("c")), new long[12], 16, id("m"))));
            assertTrue(e.getMessage().contains("10 values") && e.getMessage().contains("12 values"), e.getMessage());
        }
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
