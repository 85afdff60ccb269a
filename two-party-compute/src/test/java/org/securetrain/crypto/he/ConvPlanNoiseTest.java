package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The noise accounting of the direct correlation: T = outBlock inCh kh kw kernel terms per output coefficient
 * (all kernel coefficients of an output block, summed over the channel blocks) must fit the budget of
 * {@link NoiseBudget} for the outputs revealed per call, the flood exponent is the budget's, and a
 * correlation whose per-output term count alone exceeds the budget is refused (the layer then uses im2col,
 * whose planner splits or refuses likewise). Decryption at the largest magnitudes is checked in
 * {@code SecureConv2dTest}.
 */
class ConvPlanNoiseTest {
    static final HeParameters PARAMS = HeParameters.standard();

    @Test
    void lenetPlansFitTheBudgetWithTheBudgetsFlooding() {
        ConvShape[] shapes = {
            ConvShape.valid(6, 128, 1, 28, 28, 5, 5, 1, 1), // conv1 forward
            new ConvShape(6, 1, 128, 28, 28, 24, 24, 1, 1, 5, 5), // conv1 weight gradient, T = 128 * 576
            ConvShape.valid(16, 128, 6, 12, 12, 5, 5, 1, 1), // conv2 forward
            new ConvShape(16, 6, 128, 12, 12, 8, 8, 1, 1, 5, 5), // conv2 weight gradient
            new ConvShape(6, 128, 16, 16, 16, 5, 5, 1, 1, 12, 12), // conv2 input gradient
        };
        for (ConvShape s : shapes) {
            ConvPlan p = ConvPlan.choose(PARAMS, s);
            long revealed = s.outputLength();
            assertEquals((long) p.outBlock * s.inCh() * s.kh() * s.kw(), p.plainTerms(), p::toString);
            assertTrue(p.plainTerms() <= NoiseBudget.maxPlainTerms(PARAMS, revealed), p::toString);
            assertTrue(NoiseBudget.fits(PARAMS, p.plainTerms(), revealed), p::toString);
            assertEquals(NoiseBudget.floodBits(PARAMS, p.plainTerms(), revealed), p.floodBits, p::toString);
            assertTrue((long) p.outBlock * p.slotStride() <= PARAMS.n(), p::toString);
        }
    }

    @Test
    void kernelPolynomialsLieInsideThePlansSupportAndEncodeAsTheFullTransform() {
        ConvShape[] shapes = {
            ConvShape.valid(6, 128, 1, 28, 28, 5, 5, 1, 1),
            new ConvShape(6, 1, 128, 28, 28, 24, 24, 1, 1, 5, 5),
            ConvShape.valid(16, 128, 6, 12, 12, 5, 5, 1, 1),
            new ConvShape(16, 6, 128, 12, 12, 8, 8, 1, 1, 5, 5),
            new ConvShape(6, 128, 16, 16, 16, 5, 5, 1, 1, 12, 12),
            ConvShape.valid(5, 3, 7, 11, 13, 3, 2, 2, 3), // odd shape, strides 2 and 3
            ConvShape.valid(3, 2, 2, 9, 9, 1, 1, 2, 2), // 1x1 kernel
        };
        RnsBase base = PARAMS.base();
        for (ConvShape s : shapes) {
            ConvPlan p = ConvPlan.choose(PARAMS, s);
            boolean[] support = p.kernelSupport(base.n);
            long[] kernel = new long[s.outCh() * s.inCh() * s.kh() * s.kw()];
            java.util.Arrays.fill(kernel, Long.MIN_VALUE); // every entry non-zero, the largest magnitude
            for (int ob = 0; ob < p.outBlocks(); ob++) {
                for (int cb = 0; cb < p.chBlocks(); cb++) {
                    long[] poly = new long[base.n];
                    p.encodeKernel(kernel, ob, cb, poly);
                    for (int j = 0; j < poly.length; j++) {
                        if (poly[j] != 0) {
                            assertTrue(support[j / Ntt.GRANULE], p + ": coefficient " + j + " outside the support");
                        }
                    }
                    long[] want = new long[base.polyLength()];
                    base.fromSigned(poly, 0, want);
                    base.forward(want);
                    long[] got = new long[base.polyLength()];
                    base.encodeSparse(poly, support, got);
                    assertArrayEquals(want, got, p::toString);
                }
            }
        }
    }

    @Test
    void correlationBeyondTheBudgetIsRefusedNamingTheCause() {
        ConvShape s = ConvShape.valid(16, 128, 6, 12, 12, 5, 5, 1, 1);
        long revealed = s.outputLength();
        long max = NoiseBudget.maxPlainTerms(PARAMS, revealed);
        assertFalse(NoiseBudget.fits(PARAMS, max + 1, revealed));
        // 128-bit flooding leaves no room under the 218-bit modulus: 2^(log2 B + log2 revealed + 128) > q 2^-65
        HeParameters tooSmall = PARAMS.withRunStatisticalSecurity(128, 1);
        assertEquals(0, NoiseBudget.maxPlainTerms(tooSmall, revealed));
        var e = assertThrows(IllegalArgumentException.class, () -> ConvPlan.choose(tooSmall, s));
        assertTrue(e.getMessage().contains("noise budget"), e::getMessage);
        assertNull(ConvPlan.chooseOrNull(tooSmall, s));
        assertFalse(ConvPlan.directPreferred(tooSmall, s));
    }

    @Test
    void rowTooWideForOnePolynomialIsRefused() {
        ConvShape s = ConvShape.valid(1, 1, 1, 3, 5000, 3, 3, 1, 1); // 3 rows of 5000 > N = 8192
        var e = assertThrows(IllegalArgumentException.class, () -> ConvPlan.choose(PARAMS, s));
        assertTrue(e.getMessage().contains("must fit N"), e::getMessage);
        assertFalse(ConvPlan.directPreferred(PARAMS, s));
    }
}
