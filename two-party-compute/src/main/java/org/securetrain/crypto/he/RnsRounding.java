package org.securetrain.crypto.he;

import java.math.BigInteger;

/**
 * Exact scaled rounding from RNS to a power of two: for x in [0, q) given by its residues x_i,
 * computes round(2^k * x / q) mod 2^k (64 <= k <= 127) without big integers.
 *
 * <p>By CRT, x = sum_i y_i * (q/p_i) - v*q with y_i = x_i * (q/p_i)^-1 mod p_i and an integer v, so
 * 2^k x / q = sum_i y_i * 2^k / p_i - v * 2^k, and mod 2^k the v term vanishes. Each 2^k / p_i is held
 * as a fixed-point number with 128 fractional bits, W_i = floor(2^(k+128) / p_i) (four limbs of 56 bits); the
 * sum of y_i * W_i is accumulated exactly, carry-free, in five base-2^56 columns. The truncation of W_i costs less than
 * sum_i y_i < 2^63 units of 2^-128, i.e. an absolute error below 2^-65, so the result is the exact
 * rounding unless the true value is within 2^-65 of a half-integer (then it may be off by one, which
 * every caller's error budget absorbs; see docs/security/he.md).
 *
 * <p>Used with k = 64 (BFV decryption: t = 2^64) and k = switchBits (modulus switching to 2^k).
 */
final class RnsRounding {
    private final RnsBase base;
    final int k;
    private final long hiMask;
    private static final long LOW56 = (1L << 56) - 1;
    // W_i = floor(2^(k+128) / p_i) in base 2^56: w56[a][i] is limb a (a = 0..3; W_i < 2^191 < 2^224)
    private final long[][] w56;

    RnsRounding(RnsBase base, int k) {
        if (k < 64 || k > 127) {
            throw new IllegalArgumentException("rounding target bits must be in [64, 127], got " + k);
        }
        this.base = base;
        this.k = k;
        int c = base.count;
        for (int i = 0; i < c; i++) {
            BigInteger w = BigInteger.ONE.shiftLeft(k + 128).divide(BigInteger.valueOf(base.p[i]));
            if (w.bitLength() > 191) {
                throw new IllegalStateException("fixed-point constant too wide for prime " + base.p[i]);
            }
        }
        hiMask = k == 64 ? 0 : (1L << (k - 64)) - 1;
        w56 = new long[4][c];
        for (int i = 0; i < c; i++) {
            BigInteger w = BigInteger.ONE.shiftLeft(k + 128).divide(BigInteger.valueOf(base.p[i]));
            for (int a = 0; a < 4; a++) {
                w56[a][i] = w.shiftRight(56 * a).longValue() & LOW56;
            }
        }
    }

    /**
     * For each listed coefficient index j (all 0..N-1 if positions is null), writes the low 64 bits of
     * round(2^k x_j / q) mod 2^k to lo[outOff + t] and the high (k - 64) bits to hi[outOff + t] (hi may be
     * null when k = 64), where t runs over the list. x is an RNS polynomial in coefficient form.
     *
     * <p>The sum of y_i W_i is accumulated in five columns of base 2^56 (each product y_i w_a &lt; 2^111 split
     * into a low 56-bit part and a high part &lt; 2^55, as in {@link ProductEvaluator}); the columns stay below
     * 2^59 over four primes, so no carry is propagated until one shift-and-mask pass at the end. Why: the
     * former three-word accumulation took a carry after every addition through
     * {@code Long.compareUnsigned(..) < 0 ? 1 : 0}, which the JIT compiled either to a set-on-carry or to a
     * branch mispredicted about half the time on these pseudorandom words: 290 or 450-500 us per 8192
     * coefficients depending on the JVM run (docs/PROFILING.md). The arithmetic is the same exact sum.
     */
    void round(long[] x, int[] positions, long[] lo, long[] hi, int outOff) {
        final int n = base.n;
        final int c = base.count;
        final long[] p = base.p;
        final long[] qi = base.qHatInv;
        final long[] qis = base.qHatInvShoup;
        final long[] l0 = w56[0];
        final long[] l1 = w56[1];
        final long[] l2 = w56[2];
        final long[] l3 = w56[3];
        final long m = LOW56;
        final int total = positions == null ? n : positions.length;
        for (int t = 0; t < total; t++) {
            final int j = positions == null ? t : positions[t];
            long c0 = 0;
            long c1 = 0;
            long c2 = 1L << 15; // + 1/2: 2^127 is bit 15 of column 2 (bits 112..167)
            long c3 = 0;
            long c4 = 0;
            for (int i = 0; i < c; i++) {
                final long pi = p[i];
                long xi = x[i * n + j];
                long y = qi[i] * xi - ModArith.umulhi(qis[i], xi) * pi - pi;
                y += (y >> 63) & pi; // y in [0, p_i), < 2^55
                long a = l0[i];
                long pl = y * a;
                c0 += pl & m;
                c1 += (Math.multiplyHigh(y, a) << 8) | (pl >>> 56);
                a = l1[i];
                pl = y * a;
                c1 += pl & m;
                c2 += (Math.multiplyHigh(y, a) << 8) | (pl >>> 56);
                a = l2[i];
                pl = y * a;
                c2 += pl & m;
                c3 += (Math.multiplyHigh(y, a) << 8) | (pl >>> 56);
                a = l3[i];
                pl = y * a;
                c3 += pl & m;
                c4 += (Math.multiplyHigh(y, a) << 8) | (pl >>> 56);
            }
            // normalise to 56-bit columns (carries by shifts), then take bits [128, 128 + k)
            c1 += c0 >>> 56;
            c2 += c1 >>> 56;
            c3 += c2 >>> 56;
            long n2 = c2 & m;
            c4 += c3 >>> 56;
            long n3 = c3 & m;
            long r2 = (n2 >>> 16) | (n3 << 40);
            long r3 = (n3 >>> 24) | (c4 << 32);
            lo[outOff + t] = r2;
            if (hi != null) {
                hi[outOff + t] = r3 & hiMask;
            }
        }
    }
}
