package org.securetrain.protocols;

import org.securetrain.layermath.TestShares;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.OtTestPair;
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
        var res = p.run(e -> FaithfulTruncation.truncate(e, s[0], bits, id),
                e -> FaithfulTruncation.truncate(e, s[1], bits, id));
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

    // What each party receives: GcEngineViewTest.faithfulTruncation (message views, negative control).

    @Test
    void mismatchedShapesOrBitsFailBothPartiesNamingBothViews() {
        try (OtTestPair q = OtTestPair.forMismatch()) {
            Object[] r = q.outcomes(e0 -> FaithfulTruncation.truncate(e0, new long[10], 16, id("m")),
                    e1 -> FaithfulTruncation.truncate(e1, new long[12], 16, id("m")));
            OtTestPair.assertBothFailNamingBothViews(r, "truncates 10 values by 16 bits",
                    "truncates 12 values by 16 bits");
        }
        try (OtTestPair q = OtTestPair.forMismatch()) {
            Object[] r = q.outcomes(e0 -> FaithfulTruncation.truncate(e0, new long[4096], 24, id("m")),
                    e1 -> FaithfulTruncation.truncate(e1, new long[4096], 20, id("m")));
            OtTestPair.assertBothFailNamingBothViews(r, "truncates 4096 values by 24 bits",
                    "truncates 4096 values by 20 bits");
        }
    }

    /** A sequence of agreed truncations sends only the ring-COT messages: one each way per call. */
    @Test
    void agreedCallsSendOnlyTheOtMessages() {
        Random r = new Random(13);
        var before = p.pair.party(0).traffic().snapshot();
        for (int call = 0; call < 3; call++) {
            run(TestShares.split(new long[1000], r), 24, "seq");
        }
        var d = p.pair.party(0).traffic().snapshot().minus(before);
        assertEquals(3, d.total().messagesSent(), "party 0 (COT sender) sends the corrections only");
        assertEquals(3, d.total().messagesReceived(), "and receives the u columns only");
        assertFalse(d.steps().containsKey("agreement"), "no control message");
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
