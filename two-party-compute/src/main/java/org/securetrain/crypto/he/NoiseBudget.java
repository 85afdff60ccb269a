package org.securetrain.crypto.he;

import java.math.BigInteger;

/**
 * Worst-case noise accounting of a returned product ciphertext (docs/security/he.md, section 3).
 *
 * <p>Phase of an accumulated product sum_l A_l * ct_l before flooding, with T = sum_l ||A_l||_0 the total
 * number of non-zero plaintext coefficients that reach one output coefficient (T = r_w * k for a block
 * row of the matrix product), |A_i| &lt;= 2^63, |eps| &lt;= 1/2 (encoding rounding), |e| &lt;= eta:
 * <pre>
 *   (q/t) [A m]_t + sum_l (eps_l + e_l) A_l + e_pk u + e2 s        (re-randomisation adds the last two)
 *   |noise| &lt;= B = (eta + 1/2) 2^63 T + eta N + eta N + 1          (+1 covers rounding (q/t)Z in the proof)
 * </pre>
 * Flooding adds e1 uniform in [-2^f, 2^f) with f = ceil(log2 B) + ceil(log2 revealed) + sigma, so over all
 * {@code revealed} coefficients of one product call the statistical distance to a flood that does not
 * depend on the multiplier's plaintext is at most revealed * B / 2^(f+1) &lt;= 2^-(sigma+1).
 * Switching to 2^k adds at most 1/2 (first component) + N/2 (second component times the ternary s) +
 * N 2^-65 (CRT rounding), so decryption (rounding phase / 2^(k-64)) is exact when
 * <pre>
 *   (2^k / q)(B + 2^f) + (N + 2)/2 &lt; 2^(k-65)   i.e.   2^(k+1)(B + 2^f) + (N + 2) q &lt; 2^(k-64) q.
 * </pre>
 */
public final class NoiseBudget {
    private NoiseBudget() {
    }

    /** B: worst-case product noise with T plaintext terms per output coefficient. */
    public static BigInteger productNoiseBound(HeParameters params, long plainTerms) {
        if (plainTerms < 1) {
            throw new IllegalArgumentException("plain terms must be >= 1");
        }
        long eta = params.eta();
        return BigInteger.valueOf(2 * eta + 1).shiftLeft(62).multiply(BigInteger.valueOf(plainTerms))
                .add(BigInteger.valueOf(2 * eta * params.n() + 1));
    }

    static int ceilLog2(BigInteger v) {
        return v.subtract(BigInteger.ONE).bitLength();
    }

    static int ceilLog2(long v) {
        return v <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(v - 1);
    }

    /** Flooding exponent f for T plaintext terms and {@code revealed} decrypted coefficients per call. */
    public static int floodBits(HeParameters params, long plainTerms, long revealed) {
        return ceilLog2(productNoiseBound(params, plainTerms)) + ceilLog2(Math.max(1, revealed))
                + params.statisticalSecurity();
    }

    /** True when decryption after flooding and switching is exact (the inequality above). */
    public static boolean fits(HeParameters params, long plainTerms, long revealed) {
        int f = floodBits(params, plainTerms, revealed);
        if (f + 1 > 191) {
            return false;
        }
        BigInteger b = productNoiseBound(params, plainTerms).add(BigInteger.ONE.shiftLeft(f));
        int k = params.switchBits();
        BigInteger q = params.q();
        BigInteger lhs = b.shiftLeft(k + 1).add(BigInteger.valueOf(params.n() + 2L).multiply(q));
        BigInteger rhs = q.shiftLeft(k - 64);
        return lhs.compareTo(rhs) < 0;
    }

    /**
     * Largest T (plaintext terms per output coefficient, r_w * k in a matrix product) the parameters
     * support when {@code revealed} coefficients are decrypted per call; 0 if none.
     */
    public static long maxPlainTerms(HeParameters params, long revealed) {
        if (!fits(params, 1, revealed)) {
            return 0;
        }
        long lo = 1;
        long hi = 1L << 62;
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (fits(params, mid, revealed)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
