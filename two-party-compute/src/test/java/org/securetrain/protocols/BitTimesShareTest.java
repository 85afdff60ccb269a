package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.ProtocolId;

@Timeout(120)
class BitTimesShareTest {
    static OtTestPair ot;

    @BeforeAll
    static void setUp() {
        ot = OtTestPair.open(OtEngine.DEFAULT_CHUNK);
    }

    @AfterAll
    static void tearDown() {
        ot.close();
    }

    static long bit(long[] b, int i) {
        return b[i >>> 6] >>> (i & 63) & 1;
    }

    static long[][] run(OtTestPair p, long[] d0, long[] d1, long[] x0, long[] x1, int n, String purpose) {
        ProtocolId id = id(purpose);
        var r = p.run(e -> BitTimesShare.multiply(e, d0, x0, n, id),
                e -> BitTimesShare.multiply(e, d1, x1, n, id));
        return new long[][] {r.party0(), r.party1()};
    }

    @Test
    void exactForRandomAndEdgeValues() {
        int n = 100_000;
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        long[] d0 = g.nextBits(n), d1 = g.nextBits(n);
        long[] x0 = g.nextLongs(n), x1 = g.nextLongs(n);
        long[] edges = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1};
        // edge values as the secret x (x1 = 0 and x0 = 0 splits) and as the shares themselves
        for (int k = 0; k < edges.length; k++) {
            for (int bits = 0; bits < 4; bits++) {
                int i = 8 * k + bits;
                x0[i] = edges[k];
                x1[i] = 0;
                d0[i >>> 6] = d0[i >>> 6] & ~(1L << (i & 63)) | (long) (bits & 1) << (i & 63);
                d1[i >>> 6] = d1[i >>> 6] & ~(1L << (i & 63)) | (long) (bits >> 1) << (i & 63);
                int j = 100 + i;
                x0[j] = edges[k];
                x1[j] = edges[(k + 1) % edges.length];
            }
        }
        long[][] z = run(ot, d0, d1, x0, x1, n, "test.bts");
        for (int i = 0; i < n; i++) {
            long d = bit(d0, i) ^ bit(d1, i);
            long want = d == 1 ? x0[i] + x1[i] : 0;
            assertEquals(want, z[0][i] + z[1][i], "element " + i);
        }
        // Repeated call with the same purpose (instances reused) stays exact.
        long[][] z2 = run(ot, d0, d1, x0, x1, 1000, "test.bts");
        for (int i = 0; i < 1000; i++) {
            assertEquals(z[0][i] + z[1][i], z2[0][i] + z2[1][i]);
            assertNotEquals(z[0][i], z2[0][i], "shares must be fresh");
        }
    }

    @Test
    void smallAndOddSizes() {
        for (int n : new int[] {0, 1, 63, 65}) {
            Prg g = Prg.fromSecureRandom(new SecureRandom());
            long[] d0 = g.nextBits(Math.max(n, 1)), d1 = g.nextBits(Math.max(n, 1));
            long[] x0 = g.nextLongs(n), x1 = g.nextLongs(n);
            long[][] z = run(ot, d0, d1, x0, x1, n, "test.bts.small." + n);
            assertEquals(n, z[0].length);
            for (int i = 0; i < n; i++) {
                assertEquals((bit(d0, i) ^ bit(d1, i)) * (x0[i] + x1[i]), z[0][i] + z[1][i]);
            }
        }
    }

    // What each party receives and its output share: GcEngineViewTest.bitTimesShare (message views, negative control).

    @Test
    void mismatchedLengthsFailBothPartiesNamingBothViews() {
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e0 -> BitTimesShare.multiply(e0, new long[1], new long[10], 10, id("test.mis")),
                    e1 -> BitTimesShare.multiply(e1, new long[1], new long[12], 12, id("test.mis")));
            OtTestPair.assertBothFailNamingBothViews(r, "multiplies 10 boolean-shared bits by arithmetic shares",
                    "multiplies 12 boolean-shared bits by arithmetic shares");
        }
    }

    @Test
    void badLocalArgumentsFailBothSidesFast() {
        try (OtTestPair p = OtTestPair.open(1024)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> p.run(
                    e0 -> BitTimesShare.multiply(e0, new long[1], new long[5], 10, id("test.badarg")),
                    e1 -> BitTimesShare.multiply(e1, new long[1], new long[10], 10, id("test.badarg"))));
            assertTrue(e.getMessage().contains("arithmetic shares have length 5"), e.getMessage());
            org.securetrain.runtime.testing.Failures.assertNotATimeout(e, "bad local arguments"); // fails fast
        }
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
