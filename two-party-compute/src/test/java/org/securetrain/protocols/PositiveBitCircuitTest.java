package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.gc.GcTestUtil;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.runtime.ProtocolId;

/** PositiveBitCircuit between two parties in one JVM (in-memory transport, real IKNP OT): exact, and its views. */
class PositiveBitCircuitTest {
    private static OtTestPair ot;

    @BeforeAll
    static void setUp() {
        ot = OtTestPair.open(OtEngine.DEFAULT_CHUNK);
    }

    @AfterAll
    static void tearDown() {
        ot.close();
    }

    private static long[][] share(long[] z, SplittableRandom rnd) {
        long[] z0 = new long[z.length];
        long[] z1 = new long[z.length];
        for (int i = 0; i < z.length; i++) {
            z0[i] = rnd.nextLong();
            z1[i] = z[i] - z0[i];
        }
        return new long[][] {z0, z1};
    }

    private static long[][] positive(long[][] shares, String purpose) {
        ProtocolId id = ProtocolId.parse(purpose);
        var r = ot.run(e -> PositiveBitCircuit.run(GcProtocol.open(e.session(), e, id, 0), shares[0]),
                e -> PositiveBitCircuit.run(GcProtocol.open(e.session(), e, id, 0), shares[1]));
        return new long[][] {r.party0(), r.party1()};
    }

    private static void checkExact(long[] z, long[][] d) {
        for (int i = 0; i < z.length; i++) {
            int got = BitPlanes.bit(d[0], i) ^ BitPlanes.bit(d[1], i);
            assertEquals(z[i] > 0 ? 1 : 0, got, "[z > 0] for z = " + z[i] + " (index " + i + ")");
        }
        if (z.length > 0) {
            long pad = ~BitPlanes.lastWordMask(z.length);
            int last = BitPlanes.words(z.length) - 1;
            assertEquals(0, (d[0][last] | d[1][last]) & pad, "bits past n are zero");
        }
    }

    @Test
    void exactOnRandomAndEdgeValues() {
        SplittableRandom rnd = new SplittableRandom(71);
        for (int f : new int[] {0, 16, 24, 48}) {
            long[] z = GcTestUtil.values(rnd, 50_000, f);
            checkExact(z, positive(share(z, rnd), "positive.t" + f));
        }
        long[] edges = {0, 1, -1, 2, -2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 1L << 62, -(1L << 62)};
        checkExact(edges, positive(share(edges, rnd), "positive.edge"));
        assertEquals(0, positive(new long[][] {new long[0], new long[0]}, "positive.empty")[0].length);
    }

    /**
     * Each party's output share alone is a uniform bit whatever z is: all-positive and all-negative inputs give
     * balanced shares at both parties (6 sigma). A share that leaked the sign would be constant here.
     */
    @Test
    void outputSharesAreUniformWhateverZIs() {
        SplittableRandom rnd = new SplittableRandom(72);
        int n = 1 << 14;
        double sigma = Math.sqrt(n) / 2;
        for (long sign : new long[] {1, -1}) {
            long[] z = new long[n];
            for (int i = 0; i < n; i++) {
                z[i] = sign * ((1L << 30) + i);
            }
            long[][] d = positive(share(z, rnd), "positive.uniform");
            checkExact(z, d);
            for (int party = 0; party < 2; party++) {
                int ones = 0;
                for (long w : d[party]) {
                    ones += Long.bitCount(w);
                }
                assertTrue(Math.abs(ones - n / 2.0) < 6 * sigma, "party " + party + " share ones " + ones
                        + " for sign " + sign);
            }
        }
    }
}
