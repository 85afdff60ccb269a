package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securetrain.crypto.he.MatrixView;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.runtime.AgreementException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

@Timeout(300)
class SecureMatMulTest {
    static HeTestPair pair;

    @BeforeAll
    static void open() {
        pair = new HeTestPair();
    }

    @AfterAll
    static void close() {
        pair.close();
    }

    static long[] random(SplittableRandom r, int len) {
        long[] a = new long[len];
        for (int i = 0; i < len; i++) {
            a[i] = r.nextLong();
        }
        return a;
    }

    static long[] plainProduct(MatrixShare a, MatrixShare b) {
        long[] z = new long[a.rows() * b.cols()];
        SecureMatMul.localProduct(a.view(), b.view(), MatrixView.of(z, a.rows(), b.cols()));
        return z;
    }

    static long[] sum(long[] x, long[] y) {
        long[] z = new long[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] + y[i];
        }
        return z;
    }

    /**
     * Random A (m x k), B (k x n) split into shares; party shares optionally zero (the other then holds
     * the whole matrix) and optionally stored transposed. Checks the reconstruction equals A*B exactly.
     */
    static void check(int m, int k, int n, boolean aT, boolean bT, boolean a0Zero, boolean a1Zero, boolean b0Zero,
            boolean b1Zero, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] aFull = random(r, m * k);
        long[] bFull = random(r, k * n);
        long[][] as = split(r, aFull, a0Zero, a1Zero);
        long[][] bs = split(r, bFull, b0Zero, b1Zero);
        MatrixShare[] a = new MatrixShare[2];
        MatrixShare[] b = new MatrixShare[2];
        ShareKind ak = kind(a0Zero, a1Zero);
        ShareKind bk = kind(b0Zero, b1Zero);
        for (int p = 0; p < 2; p++) {
            a[p] = share(as[p], m, k, aT, ak);
            b[p] = share(bs[p], k, n, bT, bk);
        }
        var res = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(a[p], b[p],
                id("t" + m + "x" + k + "x" + n)));
        long[] z = sum(res.party0(), res.party1());
        long[] want = plainProduct(MatrixShare.of(m, k, aFull), MatrixShare.of(k, n, bFull));
        assertArrayEquals(want, z, m + "x" + k + "x" + n + " aT=" + aT + " bT=" + bT);
    }

    /** Shares of x: zero flags put the whole value on the other party. */
    static long[][] split(SplittableRandom r, long[] x, boolean zero0, boolean zero1) {
        if (zero0 && zero1) {
            return new long[][] {null, null};
        }
        if (zero0) {
            return new long[][] {null, x.clone()};
        }
        if (zero1) {
            return new long[][] {x.clone(), null};
        }
        long[] s0 = random(r, x.length);
        long[] s1 = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            s1[i] = x[i] - s0[i];
        }
        return new long[][] {s0, s1};
    }

    /** Who holds a matrix whose share at party 0 / party 1 is zero. */
    static ShareKind kind(boolean zero0, boolean zero1) {
        return zero0 ? ShareKind.ONLY_PARTY1 : zero1 ? ShareKind.ONLY_PARTY0 : ShareKind.BOTH;
    }

    /** A share of the logical rows x cols matrix given row-major (null: a known zero); stored transposed if asked. */
    static MatrixShare share(long[] rowMajor, int rows, int cols, boolean transposed, ShareKind kind) {
        if (rowMajor == null || !transposed) {
            return MatrixShare.of(rows, cols, rowMajor, kind);
        }
        long[] t = new long[rowMajor.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = rowMajor[i * cols + j];
            }
        }
        return new MatrixShare(rows, cols, t, true, kind);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "17,33,9", "2,1,3", "1,40,1", "10,128,128"})
    void sharedProductIsExact(int m, int k, int n) {
        check(m, k, n, false, false, false, false, false, false, 100 + m * 31 + k * 7 + n);
    }

    @ParameterizedTest
    @CsvSource({"true,false", "false,true", "true,true"})
    void transposedOperandsAreReadThroughStrides(boolean aT, boolean bT) {
        check(17, 33, 9, aT, bT, false, false, false, false, 7);
        check(9, 20, 40, aT, bT, false, false, false, false, 8);
    }

    @Test
    void zeroSharesSkipCrossTerms() {
        // A0 = 0 (A held by party 1): only the cross term A1 B0 runs
        check(12, 30, 7, false, false, true, false, false, false, 21);
        // B1 = 0 (B held by party 0)
        check(12, 30, 7, false, false, false, false, false, true, 22);
        // A0 = 0 and B1 = 0: A1 B0 only
        check(12, 30, 7, false, false, true, false, false, true, 23);
        // A0 = 0 and B0 = 0 (both held by party 1): purely local
        check(12, 30, 7, false, false, true, false, true, false, 24);
        // A1 = 0, B0 = 0 (first layer style: X with party 0, W with party 1)
        check(12, 30, 7, true, false, false, true, true, false, 25);
    }

    @Test
    void zeroShareRunsExactlyOneCrossTerm() {
        SplittableRandom r = new SplittableRandom(5);
        int m = 10;
        int k = 64;
        int n = 16;
        long[] x = random(r, m * k);
        long[] w0 = random(r, k * n);
        long[] w1 = random(r, k * n);
        var before0 = pair.session(0).traffic().snapshot();
        var res = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(
                MatrixShare.of(m, k, p == 0 ? null : x, ShareKind.ONLY_PARTY1), MatrixShare.of(k, n, p == 0 ? w0 : w1),
                id("first")));
        var d0 = pair.session(0).traffic().snapshot().minus(before0);
        long[] z = sum(res.party0(), res.party1());
        assertArrayEquals(plainProduct(MatrixShare.of(m, k, x), MatrixShare.of(k, n, sum(w0, w1))), z);
        // exactly one of the two cross-term channels carried traffic
        boolean p0enc = d0.streams().containsKey("he.first.p0enc");
        boolean p1enc = d0.streams().containsKey("he.first.p1enc");
        assertTrue(p0enc ^ p1enc, "one cross term only: " + d0.streams().keySet());
    }

    /** Both parties' products on a fresh pair (a disagreement ends the session). */
    private static Object[] products(HeTestPair.PartyBody<long[]> body) {
        try (HeTestPair own = new HeTestPair()) {
            Object[] r = new Object[2];
            own.both((s, ctx, p) -> {
                try {
                    r[p] = body.run(s, ctx, p);
                } catch (RuntimeException e) {
                    r[p] = e;
                }
                return null;
            });
            return r;
        }
    }

    @Test
    void mismatchedShapesOrSharingFailBothPartiesNamingBothViews() {
        long[] a = new long[4 * 6];
        long[] b0 = new long[6 * 5];
        long[] b1 = new long[6 * 3];
        long t0 = System.nanoTime();
        Object[] shapes = products((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(4, 6, a),
                p == 0 ? MatrixShare.of(6, 5, b0) : MatrixShare.of(6, 3, b1), id("bad")));
        OtTestPair.assertBothFailNamingBothViews(shapes, "multiplies 4x6 (shared) by 6x5 (shared)",
                "multiplies 4x6 (shared) by 6x3 (shared)");
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "promptly");
        Object[] kinds = products((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(4, 6, a),
                MatrixShare.of(6, 5, b0, p == 0 ? ShareKind.ONLY_PARTY0 : ShareKind.BOTH), id("kinds")));
        OtTestPair.assertBothFailNamingBothViews(kinds, "multiplies 4x6 (shared) by 6x5 (held by party 0)",
                "multiplies 4x6 (shared) by 6x5 (shared)");
        Object[] layouts = products((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(4, 6, a),
                p == 0 ? MatrixShare.of(6, 5, b0) : MatrixShare.transposeOf(5, 6, b0), id("layouts")));
        OtTestPair.assertBothFailNamingBothViews(layouts, "multiplies 4x6 (shared) by 6x5 (shared)",
                "multiplies 4x6 (shared) by 6x5 (shared, stored transposed)");
    }

    @Test
    void differentHeParametersFailBothPartiesAtTheKeyExchange() {
        InMemoryTransport.Pair q = InMemoryTransport.pair(OtTestPair.opts(Role.MODEL_OWNER),
                OtTestPair.opts(Role.DATA_OWNER));
        try (q) {
            Object[] r = new Object[2];
            TwoPartyRunner.run(q.party(0), s -> {
                r[0] = keys(s, HeParameters.standard());
                return null;
            }, q.party(1), s -> {
                r[1] = keys(s, HeParameters.standard().withRunStatisticalSecurity(80, 1));
                return null;
            });
            for (int p = 0; p < 2; p++) {
                assertInstanceOf(AgreementException.class, r[p], "party " + p);
                String m = r[p].toString();
                assertTrue(m.contains("stat=57") && m.contains("stat=80"), m);
            }
        }
    }

    private static Object keys(Session s, HeParameters params) {
        try {
            return HeContext.open(s, params);
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void shapesBeyondTheNoiseBudgetAreRefusedOnBothSides() {
        // 80-bit statistical flooding leaves room only for tiny products: the guard must refuse, not compute
        try (HeTestPair strict = new HeTestPair(org.securetrain.crypto.he.HeParameters.standard()
                .withRunStatisticalSecurity(79, 2))) {
            var ok = strict.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(1, 1, new long[] {2}),
                    MatrixShare.of(1, 1, new long[] {p + 1L}), id("tiny")));
            assertEquals(12, ok.party0()[0] + ok.party1()[0]); // (2+2)*(1+2)
            var res = strict.both((s, ctx, p) -> {
                try {
                    new SecureMatMul(s, ctx).multiply(MatrixShare.of(3, 5, new long[15]),
                            MatrixShare.of(5, 7, new long[35]), id("big"));
                    return "no error";
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            });
            assertTrue(res.party0().contains("exceeds the noise budget"), res.party0());
            assertTrue(res.party1().contains("exceeds the noise budget"), res.party1());
        }
    }

    @Test
    void trafficOfOneProductIsOneRoundTripPerCrossTerm() {
        SplittableRandom r = new SplittableRandom(10);
        int m = 10;
        int k = 128;
        int n = 128;
        long[][] a = {random(r, m * k), random(r, m * k)};
        long[][] b = {random(r, k * n), random(r, k * n)};
        TrafficStats.Snapshot before = pair.session(0).traffic().snapshot();
        pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(m, k, a[p]),
                MatrixShare.of(k, n, b[p]), id("traffic")));
        TrafficStats.Snapshot d = pair.session(0).traffic().snapshot().minus(before);
        assertNull(d.streams().get("he.traffic.hdr"), "no header stream: the product is agreed, not announced");
        assertEquals(2, d.total().messagesSent(), "the ciphertexts of one cross term and the reply of the other");
        assertEquals(1, d.streams().get("he.traffic.p0enc").messagesSent());
        assertEquals(1, d.streams().get("he.traffic.p0enc").messagesReceived());
        assertEquals(1, d.streams().get("he.traffic.p1enc").messagesSent());
        assertEquals(1, d.streams().get("he.traffic.p1enc").messagesReceived());
        assertEquals(1, d.streams().get("he.traffic.p0enc").rounds());
    }

    /**
     * A small fully shared product runs both cross terms in one reply (the planner's choice, asserted): one message
     * each way on the key owner's stream, the other stream silent, the result exact; the key owner alternates with
     * the protocol id; the same product with joint products disabled runs two cross terms with the same result.
     */
    @ParameterizedTest
    @CsvSource({"3,5,7", "17,33,9", "9,20,40"})
    void jointProductIsOneRoundTripOnTheKeyOwnersStream(int m, int k, int n) {
        assertTrue(SecureMatMul.describePlan(pair.ctx[0], m, k, n, true).startsWith("joint"),
                SecureMatMul.describePlan(pair.ctx[0], m, k, n, true));
        SplittableRandom r = new SplittableRandom(m + 100L * k + 10000L * n);
        long[][] a = {random(r, m * k), random(r, m * k)};
        long[][] b = {random(r, k * n), random(r, k * n)};
        long[] want = plainProduct(MatrixShare.of(m, k, sum(a[0], a[1])), MatrixShare.of(k, n, sum(b[0], b[1])));
        boolean[] keyOwnerSeen = new boolean[2];
        for (String name : new String[] {"joint.a", "joint.b", "joint.c", "joint.d"}) {
            TrafficStats.Snapshot before = pair.session(0).traffic().snapshot();
            long terms = pair.ctx[0].crossTermsRun();
            var res = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(m, k, a[p]),
                    MatrixShare.of(k, n, b[p]), id(name)));
            assertArrayEquals(want, sum(res.party0(), res.party1()));
            assertEquals(terms + 1, pair.ctx[0].crossTermsRun(), "one flooded reply");
            TrafficStats.Snapshot d = pair.session(0).traffic().snapshot().minus(before);
            assertEquals(1, d.total().messagesSent(), "the key owner's ciphertexts or the multiplier's reply");
            assertEquals(1, d.total().messagesReceived());
            Traffic p0 = d.streams().get("he." + name + ".p0enc");
            Traffic p1 = d.streams().get("he." + name + ".p1enc");
            boolean p0Used = p0 != null && p0.messagesSent() + p0.messagesReceived() > 0;
            boolean p1Used = p1 != null && p1.messagesSent() + p1.messagesReceived() > 0;
            assertTrue(p0Used ^ p1Used, "one stream: " + d.streams().keySet());
            keyOwnerSeen[p0Used ? 0 : 1] = true;
        }
        assertTrue(keyOwnerSeen[0] && keyOwnerSeen[1], "the key owner alternates with the protocol id");
        try (HeTestPair separate = new HeTestPair(HeParameters.standard().withJointProducts(HeParameters.JointProducts.NEVER))) {
            TrafficStats.Snapshot before = separate.session(0).traffic().snapshot();
            var res = separate.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(m, k, a[p]),
                    MatrixShare.of(k, n, b[p]), id("separate")));
            assertArrayEquals(want, sum(res.party0(), res.party1()));
            assertEquals(2, separate.ctx[0].crossTermsRun());
            assertEquals(2, separate.session(0).traffic().snapshot().minus(before).total().messagesSent());
        }
    }

    @Test
    void mlpLayer128x784x128() {
        // one MLP layer at batch 128; about 2 s on the shared 2-core machine, so it stays in the default suite
        long t0 = System.nanoTime();
        check(128, 784, 128, false, false, false, false, false, false, 77);
        System.out.printf("128x784x128 secure product: %.1f ms, %s%n", (System.nanoTime() - t0) / 1e6,
                SecureMatMul.describePlan(pair.ctx[0], 128, 784, 128));
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
