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

/** ReluTruncation between two parties in one JVM (in-memory transport, real IKNP OT). */
class ReluTruncationTest {
    private static OtTestPair ot;

    @BeforeAll
    static void setUp() {
        ot = OtTestPair.open(OtEngine.DEFAULT_CHUNK);
    }

    @AfterAll
    static void tearDown() {
        ot.close();
    }

    /** z at party 0 and party 1 as random shares of the given values. */
    private static long[][] share(long[] z, SplittableRandom rnd) {
        long[] z0 = new long[z.length];
        long[] z1 = new long[z.length];
        for (int i = 0; i < z.length; i++) {
            z0[i] = rnd.nextLong();
            z1[i] = z[i] - z0[i];
        }
        return new long[][] {z0, z1};
    }

    private static ReluTruncation.Result[] relu(long[][] shares, int f, String purpose, int garbler) {
        ProtocolId id = id(purpose);
        var r = ot.run(e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id, garbler), shares[0], f),
                e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id, garbler), shares[1], f));
        return new ReluTruncation.Result[] {r.party0(), r.party1()};
    }

    private static void checkExact(long[] z, ReluTruncation.Result[] r, int f) {
        for (int i = 0; i < z.length; i++) {
            long d = z[i] > 0 ? 1 : 0;
            long y = d == 1 ? z[i] >> f : 0; // >> is floor division by 2^f in two's complement
            int gotD = BitPlanes.bit(r[0].dBits(), i) ^ BitPlanes.bit(r[1].dBits(), i);
            assertEquals(d, gotD, "d for z = " + z[i] + " (index " + i + ")");
            assertEquals(y, r[0].yShare()[i] + r[1].yShare()[i], "y for z = " + z[i] + ", f = " + f);
        }
        int words = BitPlanes.words(z.length);
        assertEquals(words, r[0].dBits().length);
        long pad = ~BitPlanes.lastWordMask(z.length);
        assertEquals(0, (r[0].dBits()[words - 1] | r[1].dBits()[words - 1]) & pad, "bits past n are zero");
    }

    @Test
    void bitExactOnHundredThousandValuesAtSeveralScales() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int f : new int[] {0, 12, 16, 24, 40}) {
            long[] z = GcTestUtil.values(rnd, 100_000, f);
            checkExact(z, relu(share(z, rnd), f, "relu.t" + f, 0), f);
        }
    }

    @Test
    void edgeValuesSmallBatchesAndPartyOneGarbling() {
        SplittableRandom rnd = new SplittableRandom(32);
        for (int f : new int[] {0, 1, 16, 62}) {
            long[] z = GcTestUtil.edgeValues(f);
            checkExact(z, relu(share(z, rnd), f, "relu.edge", 1), f);
            checkExact(z, relu(share(z, rnd), f, "relu.edge0", 0), f);
        }
        for (long v : new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            long[] z = {v};
            checkExact(z, relu(share(z, rnd), 16, "relu.one", 0), 16);
        }
        ReluTruncation.Result[] empty = relu(new long[][] {new long[0], new long[0]}, 16, "relu.empty", 0);
        assertEquals(0, empty[0].yShare().length);
        assertEquals(0, empty[1].dBits().length);
    }

    // What each party receives and its output shares: GcEngineViewTest.reluWithTruncation (message views, negative control).

    @Test
    void mismatchedParametersFailBothPartiesNamingBothViews() {
        long[] a = new long[100];
        long[] b = new long[101];
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id("relu.n")), a, 16),
                    e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id("relu.n")), b, 16));
            OtTestPair.assertBothFailNamingBothViews(r, "evaluates 'relu-trunc/v1(w=64,f=16)'",
                    "evaluates 'relu-trunc/v1(w=64,f=16)'");
            assertTrue(r[0].toString().contains("over 100 elements") && r[0].toString().contains("over 101 elements"),
                    r[0].toString());
        }
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id("relu.f")), a, 16),
                    e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id("relu.f")), a, 12));
            OtTestPair.assertBothFailNamingBothViews(r, "evaluates 'relu-trunc/v1(w=64,f=16)'",
                    "evaluates 'relu-trunc/v1(w=64,f=12)'");
        }
        try (OtTestPair p = OtTestPair.forMismatch()) {
            Object[] r = p.outcomes(e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id("relu.bad")), a, 63),
                    e -> ReluTruncation.run(GcProtocol.open(e.session(), e, id("relu.bad")), a, 16));
            IllegalArgumentException own = assertInstanceOf(IllegalArgumentException.class, r[0]);
            assertTrue(own.getMessage().contains("f = 63"), own.getMessage());
            PeerAbortedException peer = assertInstanceOf(PeerAbortedException.class, r[1]);
            assertTrue(peer.getMessage().contains("f = 63"), peer.getMessage());
        }
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
