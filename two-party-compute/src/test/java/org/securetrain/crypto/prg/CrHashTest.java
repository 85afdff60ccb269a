package org.securetrain.crypto.prg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CrHashTest {

    @Test
    void bulkMatchesSingleBlockDefinitions() {
        CrHash h = new CrHash();
        SplittableRandom r = new SplittableRandom(9);
        int n = 10000; // spans several 4096-block cipher calls
        long[] in = new long[2 * n];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextLong();
        }
        long[] cr = new long[2 * n], ccr = new long[2 * n], t128 = new long[2 * n], t64 = new long[n];
        h.cr(in, 0, cr, 0, n);
        h.ccr(in, 0, ccr, 0, n);
        long xl = r.nextLong(), xh = r.nextLong(), tw = r.nextLong(), th = r.nextLong();
        h.tccr(in, 0, xl, xh, t128, 0, n, tw, th, false);
        h.tccr(in, 0, xl, xh, t64, 0, n, tw, th, true);
        for (int k = 0; k < n; k++) {
            long lo = in[2 * k], hi = in[2 * k + 1];
            long[] p = h.permuteOne(lo, hi);
            assertEquals(p[0] ^ lo, cr[2 * k]);
            assertEquals(p[1] ^ hi, cr[2 * k + 1]);
            long slo = hi, shi = hi ^ lo;
            long[] ps = h.permuteOne(slo, shi);
            assertEquals(ps[0] ^ slo, ccr[2 * k]);
            assertEquals(ps[1] ^ shi, ccr[2 * k + 1]);
            long[] px = h.permuteOne(lo ^ xl, hi ^ xh);
            long[] pp = h.permuteOne(px[0] ^ (tw + k), px[1] ^ th);
            assertEquals(pp[0] ^ px[0], t128[2 * k]);
            assertEquals(pp[1] ^ px[1], t128[2 * k + 1]);
            assertEquals(t128[2 * k], t64[k]);
        }
        // in-place aliasing gives the same result
        long[] copy = in.clone();
        h.tccr(copy, 0, xl, xh, copy, 0, n, tw, th, true);
        for (int k = 0; k < n; k++) {
            assertEquals(t64[k], copy[k]);
        }
    }

    @Test
    void differentTweaksGiveDifferentOutputs() {
        CrHash h = new CrHash();
        long[] in = {1, 2, 1, 2};
        long[] out = new long[4];
        h.tccr(in, 0, 0, 0, out, 0, 2, 0, 0, false); // same x, tweaks 0 and 1
        assertNotEquals(out[0], out[2]);
    }

    @Test
    void fixedKeyIsStable() {
        assertEquals(16, CrHash.fixedKeyBytes().length);
        assertArrayEquals(new CrHash().permuteOne(5, 6), new CrHash().permuteOne(5, 6));
    }
}
