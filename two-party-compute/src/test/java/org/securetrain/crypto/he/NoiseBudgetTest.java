package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The enforced noise budget and the planner's guard. */
class NoiseBudgetTest {
    static final HeParameters P = HeParameters.standard();
    /** 40 bits for a single cross term: the per-call regime the shape bounds below were stated for. */
    static final HeParameters P40 = HeParameters.standard().withRunStatisticalSecurity(40, 1);

    @Test
    void mlpShapesFitWithTheDocumentedFloodWidth() {
        HeMatMulPlan plan = HeMatMulPlan.choose(P, 128, 784, 128);
        assertTrue(plan.rowBlock * plan.innerBlock * plan.colBlock <= P.n());
        // B = 43 * 2^62 * r_w * 784 + ..., revealed 2^14, sigma 40 + ceil(log2 2^17) per cross term
        assertEquals(57, P.statisticalSecurity());
        assertEquals(NoiseBudget.ceilLog2(NoiseBudget.productNoiseBound(P, (long) plan.rowBlock * 784)) + 14 + 57,
                plan.floodBits);
        assertTrue(NoiseBudget.fits(P, plan.plainTerms(), 128 * 128));
    }

    @Test
    void boundIsMonotoneAndLimitsInnerTimesOutputs() {
        long prev = Long.MAX_VALUE;
        for (int logRev = 0; logRev <= 30; logRev += 5) {
            long max = NoiseBudget.maxPlainTerms(P40, 1L << logRev);
            assertTrue(max <= prev);
            assertTrue(NoiseBudget.fits(P40, max, 1L << logRev));
            assertFalse(NoiseBudget.fits(P40, max + 1, 1L << logRev));
            prev = max;
        }
        // about 2^44 for T * revealed (docs/security/he.md): 2^20 outputs leave ~2^24 plaintext terms
        long max20 = NoiseBudget.maxPlainTerms(P40, 1L << 20);
        assertTrue(max20 > 1L << 23 && max20 < 1L << 25, "max terms at 2^20 outputs: " + max20);
    }

    @Test
    void plannerRefusesAnInnerDimensionBeyondTheBudgetWithAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeMatMulPlan.choose(P, 4096, 1 << 29, 4096));
        assertTrue(e.getMessage().contains("exceeds the noise budget"), e.getMessage());
        assertTrue(e.getMessage().contains("4096x536870912 by 536870912x4096"), e.getMessage());
        // and a stricter statistical parameter shrinks the supported shapes
        HeParameters strict = P.withRunStatisticalSecurity(80, 1);
        assertDoesNotThrow(() -> HeMatMulPlan.choose(strict, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> HeMatMulPlan.choose(strict, 3, 5, 7));
    }
}
