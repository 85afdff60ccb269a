package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.LeakyPrunedTransform;
import org.securetrain.crypto.he.MatrixView;
import org.securetrain.crypto.he.WorkCounter;
import org.securetrain.runtime.ProtocolId;

/**
 * The work of a secure product must not depend on the values of a party's private input (issue 20): the
 * data owner's pixels are mostly zero, and a shortcut for zero entries or all-zero blocks makes its running
 * time tell the peer how sparse they are. Counts the work units (plaintext coefficients encoded, pruned-NTT
 * granules, plaintext-ciphertext products, local multiply-accumulates) of the same product for an all-zero,
 * a sparse and a dense private input of one shape and requires them equal. Deterministic: counts, not clocks.
 */
@Timeout(120)
class DataIndependentWorkTest {
    static HeTestPair pair;

    @BeforeAll
    static void open() {
        pair = new HeTestPair();
    }

    @AfterAll
    static void close() {
        pair.close();
    }

    /** m x k private matrix: all zero, sparse (about 1 in 20 non-zero, whole zero runs), or dense. */
    static long[] input(String kind, int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] x = new long[len];
        for (int i = 0; i < len; i++) {
            x[i] = switch (kind) {
                case "zero" -> 0;
                case "sparse" -> r.nextInt(20) == 0 ? 1 + r.nextInt(255) : 0;
                default -> r.nextLong() | 1;
            };
        }
        return x;
    }

    /** Work units counted while both parties multiply; checks the product against the plain ring product. */
    static long[] work(int m, int k, int n, long[] x, boolean privateIsA) {
        SplittableRandom r = new SplittableRandom(11);
        long[] other0 = SecureMatMulTest.random(r, privateIsA ? k * n : m * k);
        long[] other1 = SecureMatMulTest.random(r, other0.length);
        long[] before = counters();
        var res = pair.both((s, ctx, p) -> {
            // party 1 (the data owner) holds x in the clear: the sharing (0, x), the first layer's input
            MatrixShare priv = MatrixShare.of(privateIsA ? m : k, privateIsA ? k : n, p == 1 ? x : null,
                    ShareKind.ONLY_PARTY1);
            MatrixShare shared = privateIsA ? MatrixShare.of(k, n, p == 0 ? other0 : other1)
                    : MatrixShare.of(m, k, p == 0 ? other0 : other1);
            return new SecureMatMul(s, ctx).multiply(privateIsA ? priv : shared, privateIsA ? shared : priv,
                    ProtocolId.of("work"));
        });
        long[] after = counters();
        long[] z = SecureMatMulTest.sum(res.party0(), res.party1());
        long[] otherFull = SecureMatMulTest.sum(other0, other1);
        long[] want = new long[m * n];
        SecureMatMul.localProduct(MatrixView.of(privateIsA ? x : otherFull, m, k),
                MatrixView.of(privateIsA ? otherFull : x, k, n), MatrixView.of(want, m, n));
        assertArrayEquals(want, z, "product");
        long[] d = new long[before.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
        }
        return d;
    }

    static long[] counters() {
        long[] he = WorkCounter.snapshot();
        long[] all = Arrays.copyOf(he, he.length + 1);
        all[he.length] = SecureMatMul.localMultiplyAccumulates();
        return all;
    }

    @Test
    void heProductWorkDoesNotDependOnThePrivateValues() {
        for (boolean privateIsA : new boolean[] {true, false}) {
            int m = 24;
            int k = 70;
            int n = 12;
            int len = privateIsA ? m * k : k * n;
            long[] zero = work(m, k, n, input("zero", len, 1), privateIsA);
            long[] sparse = work(m, k, n, input("sparse", len, 2), privateIsA);
            long[] dense = work(m, k, n, input("dense", len, 3), privateIsA);
            String what = privateIsA ? "private A" : "private B";
            assertTrue(zero[WorkCounter.ENCODED_COEFFICIENTS] > 0 && zero[WorkCounter.NTT_GRANULES] > 0
                    && zero[WorkCounter.PRODUCTS] > 0, what + ": the HE kernels ran: " + Arrays.toString(zero));
            assertArrayEquals(dense, zero, what + ": work for an all-zero input");
            assertArrayEquals(dense, sparse, what + ": work for a sparse input");
        }
    }

    /**
     * The joint product (both cross terms in one reply; the multiplier encodes both of its shares): the work of a
     * fully shared product is the same whether both parties' shares of A are all zero, sparse or dense.
     */
    @Test
    void jointProductWorkDoesNotDependOnThePrivateValues() {
        int m = 9;
        int k = 20;
        int n = 40;
        assertTrue(SecureMatMul.describePlan(pair.ctx[0], m, k, n, true).startsWith("joint"));
        long[][] results = new long[3][];
        String[] kinds = {"zero", "sparse", "dense"};
        for (int t = 0; t < 3; t++) {
            long[][] a = {input(kinds[t], m * k, 20 + t), input(kinds[t], m * k, 30 + t)};
            SplittableRandom r = new SplittableRandom(12);
            long[][] b = {SecureMatMulTest.random(r, k * n), SecureMatMulTest.random(r, k * n)};
            long[] before = counters();
            var res = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(m, k, a[p]),
                    MatrixShare.of(k, n, b[p]), ProtocolId.of("jointwork")));
            long[] after = counters();
            long[] want = SecureMatMulTest.plainProduct(MatrixShare.of(m, k, SecureMatMulTest.sum(a[0], a[1])),
                    MatrixShare.of(k, n, SecureMatMulTest.sum(b[0], b[1])));
            assertArrayEquals(want, SecureMatMulTest.sum(res.party0(), res.party1()), "product");
            results[t] = new long[before.length];
            for (int i = 0; i < before.length; i++) {
                results[t][i] = after[i] - before[i];
            }
        }
        assertTrue(results[0][WorkCounter.PRODUCTS] > 0, "the HE kernels ran: " + Arrays.toString(results[0]));
        assertArrayEquals(results[2], results[0], "work for all-zero shares of A");
        assertArrayEquals(results[2], results[1], "work for sparse shares of A");
    }

    @Test
    void localProductWorkDoesNotDependOnTheValues() {
        int m = 9;
        int k = 33;
        int n = 7;
        long[] b = input("dense", k * n, 4);
        for (boolean bTransposed : new boolean[] {false, true}) {
            long[] counts = new long[3];
            String[] kinds = {"zero", "sparse", "dense"};
            for (int c = 0; c < 3; c++) {
                long[] a = input(kinds[c], m * k, 5 + c);
                long before = SecureMatMul.localMultiplyAccumulates();
                MatrixView bv = bTransposed ? MatrixView.of(b, n, k).transpose() : MatrixView.of(b, k, n);
                SecureMatMul.localProduct(MatrixView.of(a, m, k), bv, MatrixView.of(new long[m * n], m, n));
                counts[c] = SecureMatMul.localMultiplyAccumulates() - before;
            }
            assertEquals((long) m * k * n, counts[2], "dense count");
            assertArrayEquals(new long[] {counts[2], counts[2], counts[2]}, counts, "transposed B: " + bTransposed);
        }
    }

    /**
     * Negative control: the counters see a value-dependent shortcut. Marking the pruned transform's granules
     * from the values (what the transform did before) gives different counts for a zero and a dense block.
     */
    @Test
    void countersDetectAValueDependentShortcut() {
        long zero = LeakyPrunedTransform.granuleWork(input("zero", 8 * 32, 6));
        long sparse = LeakyPrunedTransform.granuleWork(input("sparse", 8 * 32, 6));
        long dense = LeakyPrunedTransform.granuleWork(input("dense", 8 * 32, 6));
        assertNotEquals(dense, zero);
        assertNotEquals(dense, sparse);
        assertEquals(LeakyPrunedTransform.publicSupportWork(input("zero", 8 * 32, 6)),
                LeakyPrunedTransform.publicSupportWork(input("dense", 8 * 32, 6)));
    }
}
