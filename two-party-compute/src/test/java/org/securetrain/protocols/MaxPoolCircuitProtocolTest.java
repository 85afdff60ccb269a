package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import org.securetrain.runtime.PeerAbortedException;
import org.securetrain.runtime.ProtocolId;

class MaxPoolCircuitProtocolTest {
    private static OtTestPair ot;

    @BeforeAll
    static void setUp() {
        ot = OtTestPair.open(OtEngine.DEFAULT_CHUNK);
    }

    @AfterAll
    static void tearDown() {
        ot.close();
    }

    private static MaxPoolCircuitProtocol.Result[] pool(long[] values, int k, SplittableRandom rnd, int garbler) {
        long[] s0 = new long[values.length];
        long[] s1 = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            s0[i] = rnd.nextLong();
            s1[i] = values[i] - s0[i];
        }
        var r = ot.run(e -> MaxPoolCircuitProtocol.run(GcProtocol.open(e.session(), e, id("pool"), garbler), s0, k),
                e -> MaxPoolCircuitProtocol.run(GcProtocol.open(e.session(), e, id("pool"), garbler), s1, k));
        return new MaxPoolCircuitProtocol.Result[] {r.party0(), r.party1()};
    }

    private static void check(long[] values, int k, MaxPoolCircuitProtocol.Result[] r) {
        int n = values.length / k;
        assertEquals(n, r[0].maxShare().length);
        for (int i = 0; i < n; i++) {
            long best = values[i * k];
            int arg = 0;
            for (int j = 1; j < k; j++) {
                if (values[i * k + j] > best) {
                    best = values[i * k + j];
                    arg = j;
                }
            }
            assertEquals(best, r[0].maxShare()[i] + r[1].maxShare()[i], "max of window " + i);
            for (int j = 0; j < k; j++) {
                int bit = BitPlanes.bit(r[0].argmaxBits(), i * k + j) ^ BitPlanes.bit(r[1].argmaxBits(), i * k + j);
                assertEquals(j == arg ? 1 : 0, bit, "argmax bit " + j + " of window " + i);
            }
        }
    }

    @Test
    void maxAndOneHotArgmaxAreExact() {
        SplittableRandom rnd = new SplittableRandom(41);
        for (int k : new int[] {1, 2, 4, 9}) {
            int n = k > 4 ? 400 : 1500;
            long[] v = GcTestUtil.values(rnd, n * k, 16);
            for (int i = 0; i < n * k; i += 5) {
                v[i] = rnd.nextInt(3) - 1; // small values: many ties, which go to the lowest index
            }
            check(v, k, pool(v, k, rnd, 0));
        }
        long[] edge = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 5, 5, 5, 5, Long.MIN_VALUE, Long.MIN_VALUE, -1, -2};
        check(edge, 4, pool(edge, 4, rnd, 1));
    }

    // What each party receives and its output shares: GcEngineViewTest.maxPoolWithArgmax (message views, negative control).

    @Test
    void mismatchedWindowSizeFailsBothPartiesNamingBothViews() {
        long[] a = new long[24];
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(
                    e -> MaxPoolCircuitProtocol.run(GcProtocol.open(e.session(), e, id("pool.k")), a, 4),
                    e -> MaxPoolCircuitProtocol.run(GcProtocol.open(e.session(), e, id("pool.k")), a, 3));
            OtTestPair.assertBothFailNamingBothViews(r, "evaluates 'maxpool/v1(w=64,k=4)'",
                    "evaluates 'maxpool/v1(w=64,k=3)'");
        }
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e -> MaxPoolCircuitProtocol.run(GcProtocol.open(e.session(), e, id("pool.bad")),
                    new long[10], 4), e -> MaxPoolCircuitProtocol.run(GcProtocol.open(e.session(), e,
                    id("pool.bad")), new long[12], 4));
            IllegalArgumentException own = assertInstanceOf(IllegalArgumentException.class, r[0]);
            assertTrue(own.getMessage().contains("do not split"), own.getMessage());
            PeerAbortedException peer = assertInstanceOf(PeerAbortedException.class, r[1]);
            assertTrue(peer.getMessage().contains("do not split"), peer.getMessage());
        }
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
