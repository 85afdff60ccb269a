package org.securetrain.crypto.he;

import java.math.BigInteger;

/**
 * Exact scaled rounding from RNS to a power of two: for x in [0, q) given by its residues x_i,
 * computes round(2^k * x / q) mod 2^k (64 <= k <= 127) without big integers.
 *
 * <p>By CRT, x = sum_i y_i * (q/p_i) - v*q with y_i = x_i * (q/p_i)^-1 mod p_i and an integer v, so
 * 2^k x / q = sum_i y_i * 2^k / p_i - v * 2^k, and mod 2^k the v term vanishes. Each 2^k / p_i is held
 * as a fixed-point number with 128 fractional bits, W_i = floor(2^(k+128) / p_i) (three words); the
 * sum of y_i * W_i is accumulated exactly in four words. The truncation of W_i costs less than
 * sum_i y_i < 2^63 units of 2^-128, i.e. an absolute error below 2^-65, so the result is the exact
 * rounding unless the true value is within 2^-65 of a half-integer (then it may be off by one, which
 * every caller's error budget absorbs; see docs/security/he.md).
 *
 * <p>Used with k = 64 (BFV decryption: t = 2^64) and k = switchBits (modulus switching to 2^k).
 */
final class RnsRounding {
    private final RnsBase base;
    final int k;
    private final long[] w0;
    private final long[] w1;
    private final long[] w2;
    private final long hiMask;

    RnsRounding(RnsBase base, int k) {
        if (k < 64 || k > 127) {
            throw new IllegalArgumentException("rounding target bits must be in [64, 127], got " + k);
        }
        this.base = base;
        this.k = k;
        int c = base.count;
        w0 = new long[c];
        w1 = new long[c];
        w2 = new long[c];
        for (int i = 0; i < c; i++) {
            BigInteger w = BigInteger.ONE.shiftLeft(k + 128).divide(BigInteger.valueOf(base.p[i]));
            if (w.bitLength() > 191) {
                throw new IllegalStateException("fixed-point constant too wide for prime " + base.p[i]);
            }
            w0[i] = w.longValue();
            w1[i] = w.shiftRight(64).longValue();
            w2[i] = w.shiftRight(128).longValue();
        }
        hiMask = k == 64 ? 0 : (1L << (k - 64)) - 1;
    }

    /**
     * For each listed coefficient index j (all 0..N-1 if positions is null), writes the low 64 bits of
     * round(2^k x_j / q) mod 2^k to lo[outOff + t] and the high (k - 64) bits to hi[outOff + t] (hi may be
     * null when k = 64), where t runs over the list. x is an RNS polynomial in coefficient form.
     */
    void round(long[] x, int[] positions, long[] lo, long[] hi, int outOff) {
        final int n = base.n;
        final int c = base.count;
        final long[] p = base.p;
        final long[] qi = base.qHatInv;
        final long[] qis = base.qHatInvShoup;
        final int total = positions == null ? n : positions.length;
        for (int t = 0; t < total; t++) {
            final int j = positions == null ? t : positions[t];
            long s0 = 0;
            long s1 = 0;
            long s2 = 0;
            long s3 = 0;
            for (int i = 0; i < c; i++) {
                final long pi = p[i];
                long xi = x[i * n + j];
                long y = qi[i] * xi - ModArith.umulhi(qis[i], xi) * pi - pi;
                y += (y >> 63) & pi; // y in [0, p_i), positive, < 2^61
                long a0 = w0[i];
                long a1 = w1[i];
                long lo0 = y * a0;
                long hi0 = Math.multiplyHigh(y, a0) + ((a0 >> 63) & y);
                long lo1 = y * a1;
                long hi1 = Math.multiplyHigh(y, a1) + ((a1 >> 63) & y);
                long a2 = w2[i];
                long lo2 = y * a2;
                long hi2 = Math.multiplyHigh(y, a2) + ((a2 >> 63) & y);
                // word 0
                long u = s0 + lo0;
                long cy = Long.compareUnsigned(u, lo0) < 0 ? 1 : 0;
                s0 = u;
                // word 1 += hi0 + lo1 + cy
                u = s1 + hi0;
                long cy1 = Long.compareUnsigned(u, hi0) < 0 ? 1 : 0;
                long v = u + lo1;
                cy1 += Long.compareUnsigned(v, lo1) < 0 ? 1 : 0;
                u = v + cy;
                cy1 += Long.compareUnsigned(u, v) < 0 ? 1 : 0;
                s1 = u;
                // word 2 += hi1 + lo2 + cy1
                u = s2 + hi1;
                long cy2 = Long.compareUnsigned(u, hi1) < 0 ? 1 : 0;
                v = u + lo2;
                cy2 += Long.compareUnsigned(v, lo2) < 0 ? 1 : 0;
                u = v + cy1;
                cy2 += Long.compareUnsigned(u, v) < 0 ? 1 : 0;
                s2 = u;
                // word 3 (mod 2^64)
                s3 += hi2 + cy2;
            }
            // + 1/2 (2^127 in fixed point), then take bits [128, 128 + k)
            long u = s1 + Long.MIN_VALUE;
            long cy = Long.compareUnsigned(u, s1) < 0 ? 1 : 0;
            long r2 = s2 + cy;
            long cy2 = Long.compareUnsigned(r2, s2) < 0 ? 1 : 0;
            long r3 = s3 + cy2;
            lo[outOff + t] = r2;
            if (hi != null) {
                hi[outOff + t] = r3 & hiMask;
            }
        }
    }
}
