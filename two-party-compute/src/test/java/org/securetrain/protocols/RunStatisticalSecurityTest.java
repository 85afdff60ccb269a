package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.HeMatMulPlan;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.crypto.he.NoiseBudget;
import org.securetrain.crypto.he.StatisticalBudgetExhaustedException;
import org.securetrain.runtime.ProtocolId;

/**
 * Statistical security per run (issue 20, point 2): the per-cross-term flooding follows from the run's bits and
 * its planned cross terms (union bound), the planner blocks products smaller when the flooding grows and the
 * products stay exact, and a session refuses the cross term after its plan at both parties.
 */
@Timeout(180)
class RunStatisticalSecurityTest {

    @Test
    void perCrossTermBitsAreTheRunBitsPlusTheLogOfThePlannedCrossTerms() {
        HeParameters std = HeParameters.standard();
        assertEquals(40, std.runStatisticalSecurity());
        assertEquals(1L << 17, std.plannedCrossTerms());
        assertEquals(57, std.statisticalSecurity());
        assertEquals(40, std.withRunStatisticalSecurity(40, 1).statisticalSecurity());
        assertEquals(58, std.withRunStatisticalSecurity(40, (1L << 17) + 1).statisticalSecurity());
        assertEquals(64, std.withRunStatisticalSecurity(48, 65536).statisticalSecurity());
        // union bound: planned * 2^-(per term) <= 2^-run
        for (long planned : new long[] {1, 2, 3, 1000, 1L << 17, (1L << 17) + 1}) {
            HeParameters p = std.withRunStatisticalSecurity(40, planned);
            assertTrue(Math.log(planned) / Math.log(2) - p.statisticalSecurity() <= -40.0, "planned " + planned);
        }
        assertThrows(IllegalArgumentException.class, () -> std.withRunStatisticalSecurity(19, 10));
        assertThrows(IllegalArgumentException.class, () -> std.withRunStatisticalSecurity(40, 0));
        assertThrows(IllegalArgumentException.class, () -> std.withRunStatisticalSecurity(120, 1L << 20));
        // both parties must agree on the run's choice: it is in the fingerprint agreed at the key exchange
        assertTrue(std.fingerprint() != std.withRunStatisticalSecurity(40, 1L << 18).fingerprint());
        assertTrue(std.fingerprint() != std.withRunStatisticalSecurity(41, 1L << 16).fingerprint());
    }

    @Test
    void thePlannerBlocksSmallerWhenTheFloodingGrowsAndStaysWithinTheNoiseBudget() {
        HeParameters perCall40 = HeParameters.standard().withRunStatisticalSecurity(40, 1);
        // {m, k, n, per-cross-term bits}: the first layer of the MLP up to 60 bits, a smaller product up to 62
        for (int[] s : new int[][] {{128, 784, 128, 60}, {64, 784, 64, 62}}) {
            HeParameters strictParams = HeParameters.standard().withRunStatisticalSecurity(40, 1L << (s[3] - 40));
            assertEquals(s[3], strictParams.statisticalSecurity());
            HeMatMulPlan loose = HeMatMulPlan.choose(perCall40, s[0], s[1], s[2]);
            HeMatMulPlan strict = HeMatMulPlan.choose(strictParams, s[0], s[1], s[2]);
            assertTrue(strict.rowBlock < loose.rowBlock, "smaller accumulated blocks: " + loose + " vs " + strict);
            assertTrue(strict.outputCiphertexts() > loose.outputCiphertexts(), loose + " vs " + strict);
            long revealed = (long) s[0] * s[2];
            assertTrue(NoiseBudget.fits(strictParams, strict.plainTerms(), revealed), strict.toString());
            assertEquals(NoiseBudget.floodBits(strictParams, strict.plainTerms(), revealed), strict.floodBits);
        }
        // beyond what row blocks of one row can fit, the product is refused, naming the statistical parameter
        HeParameters run62 = HeParameters.standard().withRunStatisticalSecurity(40, 1L << 22);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeMatMulPlan.choose(run62, 128, 784, 128));
        assertTrue(e.getMessage().contains("exceeds the noise budget") && e.getMessage().contains("62-bit"),
                e.getMessage());
    }

    @Test
    void productsAreExactWithTheLargerFlooding() {
        HeParameters run62 = HeParameters.standard().withRunStatisticalSecurity(40, 1L << 22);
        try (HeTestPair pair = new HeTestPair(run62)) {
            int m = 64;
            int k = 784;
            int n = 64;
            assertEquals(1, HeMatMulPlan.choose(run62, m, k, n).rowBlock);
            SplittableRandom r = new SplittableRandom(9);
            long[] a0 = SecureMatMulTest.random(r, m * k);
            long[] a1 = SecureMatMulTest.random(r, m * k);
            long[] b0 = SecureMatMulTest.random(r, k * n);
            long[] b1 = SecureMatMulTest.random(r, k * n);
            var res = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(m, k, p == 0 ? a0 : a1),
                    MatrixShare.of(k, n, p == 0 ? b0 : b1), ProtocolId.of("strict")));
            long[] want = SecureMatMulTest.plainProduct(MatrixShare.of(m, k, SecureMatMulTest.sum(a0, a1)),
                    MatrixShare.of(k, n, SecureMatMulTest.sum(b0, b1)));
            assertArrayEquals(want, SecureMatMulTest.sum(res.party0(), res.party1()));
        }
    }

    @Test
    void aSessionRefusesTheCrossTermAfterItsPlanAtBothParties() {
        // every cross term its own reply here; the joint products (one reply for both) are counted below
        HeParameters planned5 = HeParameters.standard().withRunStatisticalSecurity(40, 5).withJointProducts(HeParameters.JointProducts.NEVER);
        assertEquals(43, planned5.statisticalSecurity());
        try (HeTestPair pair = new HeTestPair(planned5)) {
            long[] x = {1, 2, 3, 4, 5, 6};
            // two shared products: 2 cross terms each
            for (int i = 0; i < 2; i++) {
                final int call = i;
                var ok = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(2, 3, x),
                        MatrixShare.of(3, 2, x), ProtocolId.of("ok" + call)));
                assertEquals(2 * (1 * 1 + 2 * 3 + 3 * 5) * 2, ok.party0()[0] + ok.party1()[0]);
            }
            assertEquals(4, pair.ctx[0].crossTermsRun());
            assertEquals(4, pair.ctx[1].crossTermsRun());
            // the third shared product needs 2 more: refused at both parties before any data flows
            var refused = pair.both((s, ctx, p) -> {
                try {
                    new SecureMatMul(s, ctx).multiply(MatrixShare.of(2, 3, x), MatrixShare.of(3, 2, x),
                            ProtocolId.of("third"));
                    return "ran";
                } catch (StatisticalBudgetExhaustedException e) {
                    return e.getMessage();
                }
            });
            for (String m : new String[] {refused.party0(), refused.party1()}) {
                assertTrue(m.contains("'third' would be cross term 5-6 of a session planned for 5 cross terms"), m);
                assertTrue(m.contains("40-bit statistical security"), m);
            }
            assertEquals(4, pair.ctx[0].crossTermsRun());
            // a product with a share declared zero has one cross term: it still fits, the count is then full
            var one = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(
                    MatrixShare.of(2, 3, p == 1 ? x : null, ShareKind.ONLY_PARTY1), MatrixShare.of(3, 2, x),
                    ProtocolId.of("fifth")));
            assertEquals(2 * (1 * 1 + 2 * 3 + 3 * 5), one.party0()[0] + one.party1()[0]);
            assertEquals(5, pair.ctx[0].crossTermsRun());
            assertEquals(5, pair.ctx[1].crossTermsRun());
        }
    }

    @Test
    void aJointProductCountsOneReplyAgainstThePlan() {
        HeParameters planned3 = HeParameters.standard().withRunStatisticalSecurity(40, 3);
        try (HeTestPair pair = new HeTestPair(planned3)) {
            long[] x = {1, 2, 3, 4, 5, 6};
            long[] y = {7, -8, 9, 10, -11, 12};
            for (int i = 0; i < 3; i++) {
                final int call = i;
                var ok = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(2, 3, p == 0 ? x : y),
                        MatrixShare.of(3, 2, p == 0 ? y : x), ProtocolId.of("joint" + call)));
                long[] want = SecureMatMulTest.plainProduct(MatrixShare.of(2, 3, SecureMatMulTest.sum(x, y)),
                        MatrixShare.of(3, 2, SecureMatMulTest.sum(y, x)));
                assertArrayEquals(want, SecureMatMulTest.sum(ok.party0(), ok.party1()));
                assertEquals(call + 1, pair.ctx[0].crossTermsRun(), "one flooded reply for both cross terms");
                assertEquals(call + 1, pair.ctx[1].crossTermsRun());
            }
            var refused = pair.both((s, ctx, p) -> {
                try {
                    new SecureMatMul(s, ctx).multiply(MatrixShare.of(2, 3, x), MatrixShare.of(3, 2, y),
                            ProtocolId.of("fourth"));
                    return "ran";
                } catch (StatisticalBudgetExhaustedException e) {
                    return e.getMessage();
                }
            });
            for (String m : new String[] {refused.party0(), refused.party1()}) {
                assertTrue(m.contains("'fourth' would be cross term 4 of a session planned for 3 cross terms"), m);
            }
        }
    }
}
