package org.securetrain.crypto.he;

import java.math.BigInteger;

/**
 * NTT tables and CRT constants for q = p_0 ... p_{L-1}. A polynomial mod q is a flat {@code long[L*N]}:
 * the residues mod p_i of all N coefficients at [i*N, (i+1)*N), every value in [0, p_i).
 * Read-only after construction, shared across threads.
 */
final class RnsBase {
    final int n;
    final int count;
    final long[] p;
    final Ntt[] ntt;
    final BigInteger q;

    // reduction of an unsigned 64-bit word: x * 1 mod p via Shoup with w' = floor(2^64 / p)
    final long[] oneShoup;
    final long[] two64ModP;
    // encoding round(q * m / 2^64): q = qHi * 2^64 + qLo
    final long qLo;
    final long[] qHiModP;
    final long[] qHiModPShoup;
    // CRT: y_i = x_i * (q/p_i)^-1 mod p_i
    final long[] qHatInv;
    final long[] qHatInvShoup;

    RnsBase(int n, long[] primes) {
        this.n = n;
        this.count = primes.length;
        this.p = primes.clone();
        this.ntt = new Ntt[count];
        BigInteger qq = BigInteger.ONE;
        for (int i = 0; i < count; i++) {
            ntt[i] = new Ntt(n, p[i]);
            qq = qq.multiply(BigInteger.valueOf(p[i]));
        }
        this.q = qq;
        oneShoup = new long[count];
        two64ModP = new long[count];
        qHiModP = new long[count];
        qHiModPShoup = new long[count];
        qHatInv = new long[count];
        qHatInvShoup = new long[count];
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        qLo = q.longValue();
        BigInteger qHi = q.shiftRight(64);
        for (int i = 0; i < count; i++) {
            BigInteger pi = BigInteger.valueOf(p[i]);
            oneShoup[i] = ModArith.shoup(1, p[i]);
            two64ModP[i] = two64.mod(pi).longValue();
            qHiModP[i] = qHi.mod(pi).longValue();
            qHiModPShoup[i] = ModArith.shoup(qHiModP[i], p[i]);
            qHatInv[i] = q.divide(pi).modInverse(pi).longValue();
            qHatInvShoup[i] = ModArith.shoup(qHatInv[i], p[i]);
        }
    }

    double logQ() {
        return q.bitLength() - 1 + Math.log(q.shiftRight(q.bitLength() - 53).doubleValue() / (1L << 52)) / Math.log(2);
    }

    int polyLength() {
        return count * n;
    }

    /** The residue of the unsigned 64-bit word x mod p_i, in [0, p_i). */
    long reduceUnsigned(long x, int i) {
        long pi = p[i];
        long os = oneShoup[i];
        long r = x - ModArith.umulhi(os, x) * pi - pi;
        return r + ((r >> 63) & pi);
    }

    /** The residue of the signed 64-bit value v mod p_i, in [0, p_i). */
    long reduceSigned(long v, int i) {
        long pi = p[i];
        long r = reduceUnsigned(v, i) - ((v >> 63) & two64ModP[i]);
        return r + ((r >> 63) & pi);
    }

    /**
     * dst (RNS, coefficient domain) = residues of the signed coefficients src[srcOff .. srcOff+n). The same
     * branch-free work for every value: the coefficients are a party's private share, and a shortcut for zero
     * (plaintext blocks are mostly zero) made the running time depend on how sparse that share is. The zeros
     * of the encoding's layout are public and are skipped by {@link #encodeSparse} instead.
     */
    void fromSigned(long[] src, int srcOff, long[] dst) {
        for (int i = 0; i < count; i++) {
            reduceSignedRange(src, srcOff, dst, i, 0, n);
        }
        WorkCounter.add(WorkCounter.ENCODED_COEFFICIENTS, (long) count * n);
    }

    /**
     * dst (RNS, NTT form) = the signed coefficients src[0 .. n), which are zero outside the public granule
     * {@code support} (a coefficient-encoded plaintext block, {@link Ntt#granuleSupport}). Only the support's
     * coefficients are reduced (branch-free, the same work for every value, as {@link #fromSigned}); the rest of
     * dst is zeroed, then the pruned transform {@link Ntt#forwardSparse} runs (the full one when more than half of
     * the granules are marked). The skipped coefficients follow
     * from the plan's public block shape alone, never from the values (docs/security/he.md, "Data-independent
     * work"): for the plan 8x32x32, 256 of the 8192 coefficients are reduced instead of all of them.
     */
    void encodeSparse(long[] src, boolean[] support, long[] dst) {
        if (src.length < n || support.length != Math.max(1, n / Ntt.GRANULE)) {
            throw new IllegalArgumentException("sparse encoding needs " + n + " coefficients and " + n / Ntt.GRANULE
                    + " granule marks, got " + src.length + " and " + support.length);
        }
        final int g = Math.min(Ntt.GRANULE, n);
        long work = 0;
        for (int i = 0; i < count; i++) {
            final int base = i * n;
            int gi = 0;
            while (gi < support.length) {
                // one run of marked (or unmarked) granules at a time
                boolean marked = support[gi];
                int end = gi + 1;
                while (end < support.length && support[end] == marked) {
                    end++;
                }
                int from = gi * g;
                int to = Math.min(n, end * g);
                if (marked) {
                    reduceSignedRange(src, 0, dst, i, from, to);
                    work += to - from;
                } else {
                    java.util.Arrays.fill(dst, base + from, base + to, 0L);
                }
                gi = end;
            }
        }
        WorkCounter.add(WorkCounter.ENCODED_COEFFICIENTS, work);
        if (marked(support) * 2 > support.length) {
            // a dense support gains nothing from pruning and pays its copies (a conv weight gradient's kernel
            // covering 483 of 512 granules: 475-500 us pruned vs 447-487 us full, thread CPU, 4 primes)
            forward(dst);
        } else {
            forwardSparse(dst, support);
        }
    }

    private static int marked(boolean[] support) {
        int c = 0;
        for (boolean b : support) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /** dst[i*n + j] = src[srcOff + j] mod p_i for j in [from, to), src signed 64-bit; branch-free. */
    private void reduceSignedRange(long[] src, int srcOff, long[] dst, int i, int from, int to) {
        final long pi = p[i];
        final long os = oneShoup[i];
        final long osSign = os >> 63;
        final long t64 = two64ModP[i];
        final int base = i * n;
        for (int j = from; j < to; j++) {
            long v = src[srcOff + j];
            // v as unsigned times 1 via Shoup: [0, 2p)
            long r = v - (Math.multiplyHigh(os, v) + (osSign & v) + ((v >> 63) & os)) * pi - pi;
            r += (r >> 63) & pi;
            r -= (v >> 63) & t64;
            dst[base + j] = r + ((r >> 63) & pi);
        }
    }

    /** dst (RNS, coefficient domain) = residues of small signed coefficients (|v| < p). */
    void fromSmall(long[] src, long[] dst) {
        for (int i = 0; i < count; i++) {
            final long pi = p[i];
            final int base = i * n;
            for (int j = 0; j < n; j++) {
                long v = src[j];
                dst[base + j] = v + ((v >> 63) & pi);
            }
        }
    }

    /**
     * Adds the BFV encoding round(q * m_j / 2^64) of the unsigned 64-bit message coefficients m to the RNS
     * polynomial acc (coefficient domain, values kept in [0, p)).
     */
    void addEncodedMessage(long[] m, int mOff, long[] acc) {
        addEncodedMessage(m, mOff, n, acc);
    }

    /**
     * As {@link #addEncodedMessage(long[], int, long[])} for a message that is zero at and beyond coefficient
     * {@code len} by its public layout (an E block of k_w x c_w entries fills the first k_w c_w coefficients):
     * round(q * 0 / 2^64) = 0, so the coefficients from {@code len} on are left as they are. {@code len} comes
     * from the plan's block shape, never from the values.
     */
    void addEncodedMessage(long[] m, int mOff, int len, long[] acc) {
        if (len < 0 || len > n) {
            throw new IllegalArgumentException("message prefix " + len + " outside [0, " + n + "]");
        }
        final long qlo = qLo;
        for (int i = 0; i < count; i++) {
            final long pi = p[i];
            final long w = qHiModP[i];
            final long ws = qHiModPShoup[i];
            final long os = oneShoup[i];
            final int base = i * n;
            for (int j = 0; j < len; j++) {
                long mj = m[mOff + j];
                long lowProd = qlo * mj;
                long c = ModArith.umulhi(qlo, mj) + (lowProd >>> 63); // floor((qLo*m + 2^63) / 2^64)
                long r1 = w * mj - ModArith.umulhi(ws, mj) * pi; // [0, 2p)
                long r2 = c - ModArith.umulhi(os, c) * pi; // [0, 2p)
                long r = r1 + r2 + acc[base + j]; // [0, 5p)
                r -= 4 * pi;
                r += (r >> 63) & (2 * pi);
                r += (r >> 63) & (2 * pi);
                r -= pi;
                r += (r >> 63) & pi;
                r -= pi;
                r += (r >> 63) & pi;
                acc[base + j] = r;
            }
        }
    }

    void forward(long[] poly) {
        for (int i = 0; i < count; i++) {
            ntt[i].forward(poly, i * n);
        }
    }

    /** Forward NTT of a polynomial that is zero outside a public granule support (see {@link Ntt#forwardSparse}). */
    void forwardSparse(long[] poly, boolean[] support) {
        for (int i = 0; i < count; i++) {
            ntt[i].forwardSparse(poly, i * n, support);
        }
    }

    void inverse(long[] poly) {
        for (int i = 0; i < count; i++) {
            ntt[i].inverse(poly, i * n);
        }
    }
}
