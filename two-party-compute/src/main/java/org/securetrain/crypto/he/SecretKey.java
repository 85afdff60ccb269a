package org.securetrain.crypto.he;

import java.security.SecureRandom;

/**
 * A party's RLWE secret key s (uniform ternary) and the operations only the key owner performs:
 * seeded symmetric encryption of messages in Z_{2^64}[X]/(X^N+1), decryption at the full modulus q, and
 * decryption of returned results that were modulus-switched to 2^k.
 *
 * <p>Encoding (t = 2^64 does not divide q): a message m with coefficients in [0, 2^64) is encrypted
 * with phase round(q*m/t) + e, i.e. c0 = -a*s + e + round(q*m/t), c1 = a. Multiplying by a plaintext
 * A with |A_i| &lt;= 2^63 gives phase (q/t)*[A*m]_t + q*K + (eps + e)*A with |eps| &lt;= 1/2: the q*K
 * vanishes mod q and the error grows only by the factor ||A||_1. Full analysis in docs/security/he.md.
 */
final class SecretKey {
    final HeParameters params;
    final RnsBase base;
    final long[] s; // ternary coefficients, length N
    final long[] sNtt;
    final long[] sNttShoup;
    final int hammingWeight;
    private final RnsRounding decryptRounding;
    // exact product c1'*s over the integers for switched results: CRT over p0, p1 (p0*p1 > 2^109)
    private final long p0InvModP1;
    private final long p0InvModP1Shoup;
    private final long crtHi;
    private final long crtLo;
    private final long halfHi;
    private final long halfLo;
    private final long[] t64Shoup01 = new long[2];
    private final long[] two80ModP = new long[2];

    SecretKey(HeParameters params, SecureRandom rnd) {
        this.params = params;
        this.base = params.base();
        int n = base.n;
        HePrg prg = HePrg.fresh(rnd);
        s = new long[n];
        prg.ternary(s, 0, n);
        int hw = 0;
        for (long v : s) {
            hw += v != 0 ? 1 : 0;
        }
        hammingWeight = hw;
        sNtt = new long[base.polyLength()];
        base.fromSmall(s, sNtt);
        base.forward(sNtt);
        sNttShoup = new long[sNtt.length];
        for (int i = 0; i < base.count; i++) {
            for (int j = 0; j < n; j++) {
                sNttShoup[i * n + j] = ModArith.shoup(sNtt[i * n + j], base.p[i]);
            }
        }
        decryptRounding = new RnsRounding(base, 64);
        long p0 = base.p[0];
        long p1 = base.p[1];
        p0InvModP1 = ModArith.invMod(p0 % p1, p1);
        p0InvModP1Shoup = ModArith.shoup(p0InvModP1, p1);
        java.math.BigInteger prod = java.math.BigInteger.valueOf(p0).multiply(java.math.BigInteger.valueOf(p1));
        crtLo = prod.longValue();
        crtHi = prod.shiftRight(64).longValue();
        java.math.BigInteger half = prod.add(java.math.BigInteger.ONE).shiftRight(1); // x >= half means negative
        halfLo = half.longValue();
        halfHi = half.shiftRight(64).longValue();
        for (int i = 0; i < 2; i++) {
            t64Shoup01[i] = ModArith.shoup(base.two64ModP[i], base.p[i]);
            two80ModP[i] = java.math.BigInteger.ONE.shiftLeft(params.switchBits())
                    .mod(java.math.BigInteger.valueOf(base.p[i])).longValue();
        }
        if (prod.bitLength() < params.switchBits() + 14 + 2) {
            throw new IllegalStateException("two-prime CRT too small for the exact switched product");
        }
    }

    /** A fresh public key (b = -a*s + e, a from a random public seed). */
    PublicKey makePublicKey(SecureRandom rnd) {
        byte[] seed = new byte[16];
        rnd.nextBytes(seed);
        long[] a = new long[base.polyLength()];
        SeededUniform.expand(base, seed, PublicKey.PK_STREAM, a);
        long[] e = new long[base.n];
        HePrg.fresh(rnd).centeredBinomial(params.eta(), e, 0, e.length);
        long[] b = new long[base.polyLength()];
        base.fromSmall(e, b);
        base.forward(b);
        subtractProductWithS(a, b);
        return new PublicKey(seed, a, b);
    }

    /** acc (NTT) -= a (NTT) * s, pointwise, values kept in [0, p). */
    private void subtractProductWithS(long[] a, long[] acc) {
        int n = base.n;
        for (int i = 0; i < base.count; i++) {
            final long p = base.p[i];
            final int off = i * n;
            for (int j = off; j < off + n; j++) {
                long prod = ModArith.mulShoup(a[j], sNtt[j], sNttShoup[j], p);
                long r = acc[j] - prod;
                acc[j] = r + ((r >> 63) & p);
            }
        }
    }

    /**
     * Symmetric seeded encryption: returns c0 in NTT form (L*N words); c1 = a is the seed's stream
     * {@code index} (see {@link SeededUniform}). msg[msgOff .. msgOff+N) are unsigned 64-bit coefficients.
     * {@code noise} supplies the private error.
     */
    long[] encrypt(long[] msg, int msgOff, byte[] seed, long index, HePrg noise) {
        return encrypt(msg, msgOff, base.n, seed, index, noise);
    }

    /**
     * As above for a message whose coefficients from {@code msgLen} on are zero by its public layout (an E block
     * fills the first k_w c_w coefficients): the encoding of those zeros is zero and is not computed
     * ({@link RnsBase#addEncodedMessage(long[], int, int, long[])}). The error and the uniform part cover all N
     * coefficients as before, so the ciphertext is distributed exactly as with the full-length call.
     */
    long[] encrypt(long[] msg, int msgOff, int msgLen, byte[] seed, long index, HePrg noise) {
        if (index < 0) {
            throw new IllegalArgumentException("ciphertext index must be >= 0");
        }
        int n = base.n;
        long[] e = new long[n];
        noise.centeredBinomial(params.eta(), e, 0, n);
        long[] c0 = new long[base.polyLength()];
        base.fromSmall(e, c0);
        base.addEncodedMessage(msg, msgOff, msgLen, c0);
        base.forward(c0);
        long[] a = new long[base.polyLength()];
        SeededUniform.expand(base, seed, index, a);
        subtractProductWithS(a, c0);
        return c0;
    }

    /** The phase c0 + c1*s in coefficient form (both inputs NTT form, unchanged). */
    long[] phase(long[] c0Ntt, long[] c1Ntt) {
        int n = base.n;
        long[] x = new long[base.polyLength()];
        for (int i = 0; i < base.count; i++) {
            final long p = base.p[i];
            final int off = i * n;
            for (int j = off; j < off + n; j++) {
                long r = c0Ntt[j] + ModArith.mulShoup(c1Ntt[j], sNtt[j], sNttShoup[j], p) - p;
                x[j] = r + ((r >> 63) & p);
            }
        }
        base.inverse(x);
        return x;
    }

    /** BFV decryption at modulus q: round(t * phase / q) mod t, t = 2^64. */
    long[] decryptAtQ(long[] c0Ntt, long[] c1Ntt) {
        long[] x = phase(c0Ntt, c1Ntt);
        long[] m = new long[base.n];
        decryptRounding.round(x, null, m, null, 0);
        return m;
    }

    /**
     * Decrypts one modulus-switched result (wire form of {@link ProductEvaluator#finish}) whose first
     * component holds the listed output positions: writes round(phase / 2^(k-64)) mod 2^64 of output t to
     * out[outOff + t]. The phase at those positions needs c1'*s mod 2^k, computed exactly over the
     * integers (|c1'*s| &lt; N * 2^(k-1)) with a two-prime NTT and CRT. Returns the words consumed.
     */
    int decryptSwitched(long[] in, int inOff, int[] positions, long[] out, int outOff) {
        return decryptSwitched(in, inOff, positions, out, outOff, null);
    }

    /**
     * As above; if {@code noise} is not null it also receives, per output, the decryption noise
     * phase - 2^(k-64) * message as a signed value (|noise| &lt; 2^(k-65) when decryption is correct).
     */
    int decryptSwitched(long[] in, int inOff, int[] positions, long[] out, int outOff, long[] noise) {
        final int k = params.switchBits();
        final int d = k - 64;
        final int n = base.n;
        final int s = positions.length;
        int off = inOff;
        long[] lo = new long[n];
        long[] hi = new long[n];
        System.arraycopy(in, off, lo, 0, n);
        off += n;
        off += BitPacking.unpack(in, off, n, d, hi, 0);
        // residues mod p0, p1 of the centered value c1' in [-2^(k-1), 2^(k-1))
        long[] r = new long[2 * n];
        for (int i = 0; i < 2; i++) {
            final long p = base.p[i];
            final long t64 = base.two64ModP[i];
            final long t64s = t64Shoup01[i];
            final long t80 = two80ModP[i];
            for (int j = 0; j < n; j++) {
                long h = hi[j];
                long v = base.reduceUnsigned(lo[j], i) + ModArith.mulShoup(h, t64, t64s, p) - p;
                v += (v >> 63) & p;
                long neg = -(h >>> (d - 1)); // all ones if bit k-1 is set
                v -= neg & t80;
                r[i * n + j] = v + ((v >> 63) & p);
            }
            base.ntt[i].forward(r, i * n);
            final int o = i * n;
            for (int j = o; j < o + n; j++) {
                r[j] = ModArith.mulShoup(r[j], sNtt[j], sNttShoup[j], p);
            }
            base.ntt[i].inverse(r, i * n);
        }
        final long p0 = base.p[0];
        final long p1 = base.p[1];
        final long hiMask = (1L << d) - 1;
        long[] lo0 = new long[s];
        long[] hi0 = new long[s];
        System.arraycopy(in, off, lo0, 0, s);
        off += s;
        off += BitPacking.unpack(in, off, s, d, hi0, 0);
        for (int t = 0; t < s; t++) {
            int j = positions[t];
            long r0 = r[j];
            long r1 = r[n + j];
            long diff = r1 - r0 % p1;
            diff += (diff >> 63) & p1;
            long v = ModArith.mulShoup(diff, p0InvModP1, p0InvModP1Shoup, p1);
            // x = r0 + p0 * v in [0, p0 p1), as two words
            long xl = p0 * v;
            long xh = Math.multiplyHigh(p0, v);
            long l = xl + r0;
            xh += Long.compareUnsigned(l, xl) < 0 ? 1 : 0;
            xl = l;
            boolean negative = xh > halfHi || (xh == halfHi && Long.compareUnsigned(xl, halfLo) >= 0);
            if (negative) { // x - p0 p1 in two's complement
                long nl = xl - crtLo;
                long borrow = Long.compareUnsigned(xl, crtLo) < 0 ? 1 : 0;
                xh = xh - crtHi - borrow;
                xl = nl;
            }
            // phase = c0' + c1'*s mod 2^k
            long pl = xl + lo0[t];
            long ph = xh + hi0[t] + (Long.compareUnsigned(pl, xl) < 0 ? 1 : 0);
            if (noise != null) { // low d bits of the phase, centered: phase - 2^d * round(phase / 2^d)
                long low = pl & ((1L << d) - 1);
                noise[t] = low >= (1L << (d - 1)) ? low - (1L << d) : low;
            }
            // + 2^(d-1), then bits [d, d + 64)
            long rl = pl + (1L << (d - 1));
            ph += Long.compareUnsigned(rl, pl) < 0 ? 1 : 0;
            ph &= hiMask;
            out[outOff + t] = (rl >>> d) | (ph << (64 - d));
        }
        return off - inOff;
    }
}
