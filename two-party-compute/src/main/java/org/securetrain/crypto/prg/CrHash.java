package org.securetrain.crypto.prg;

import java.util.Objects;

/**
 * Correlation-robust hash functions of 128-bit blocks built from fixed-key AES, following Guo, Katz,
 * Wang and Yu, "Efficient and Secure Multiparty Computation from Fixed-Key Block Ciphers" (IEEE S&amp;P
 * 2020). π is AES-128 under a fixed public key, modelled as a random permutation. Three constructions:
 * <ul>
 *   <li>{@link #cr} — MMO: H(x) = π(x) ⊕ x, a correlation-robust (CR) hash;</li>
 *   <li>{@link #ccr} — σ-MMO: H(x) = π(σ(x)) ⊕ σ(x) with the linear orthomorphism
 *       σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L (x_L = high half), a circular correlation-robust (CCR) hash
 *       (what half-gates garbling needs);</li>
 *   <li>{@link #tccr} — TMMO: H(x, i) = π(π(x) ⊕ i) ⊕ π(x), a tweakable circular correlation-robust
 *       (TCCR) hash with a 128-bit tweak i; this is what the OT extension uses (tweak = OT index and
 *       instance id), so no two hash queries of a session share a tweak.</li>
 * </ul>
 * Blocks are pairs of longs (lo, hi) at [2k], [2k+1]; the byte form is lo then hi, little-endian.
 * Every method runs the cipher over buffers of up to 4096 blocks (64 KiB) per JCA call.
 *
 * <p>Not thread-safe (it owns a Cipher and scratch buffers): one instance per thread or protocol instance.
 */
public final class CrHash {
    private static final int CHUNK_BLOCKS = 4096;

    private final FixedKeyAes pi = new FixedKeyAes();
    private final byte[] a = new byte[CHUNK_BLOCKS * 16];
    private final byte[] b = new byte[CHUNK_BLOCKS * 16];
    private final byte[] c = new byte[CHUNK_BLOCKS * 16];

    /** The fixed public key of π (16 bytes), for documentation and cross-checks. */
    public static byte[] fixedKeyBytes() {
        return FixedKeyAes.KEY.clone();
    }

    private static void check(long[] in, int inOff, long[] out, int outOff, int nBlocks, boolean lowOnly) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        if (nBlocks < 0) {
            throw new IllegalArgumentException("nBlocks must be >= 0, got " + nBlocks);
        }
        Objects.checkFromIndexSize(inOff, 2 * nBlocks, in.length);
        Objects.checkFromIndexSize(outOff, lowOnly ? nBlocks : 2 * nBlocks, out.length);
    }

    /** MMO, H(x) = π(x) ⊕ x, for nBlocks blocks from in[inOff] into out[outOff] (may alias exactly). */
    public void cr(long[] in, int inOff, long[] out, int outOff, int nBlocks) {
        check(in, inOff, out, outOff, nBlocks, false);
        for (int done = 0; done < nBlocks; done += CHUNK_BLOCKS) {
            int m = Math.min(CHUNK_BLOCKS, nBlocks - done);
            LongBytes.toBytes(in, inOff + 2 * done, a, 0, 2 * m);
            pi.permute(a, b, m);
            for (int k = 0; k < 2 * m; k++) {
                out[outOff + 2 * done + k] = LongBytes.get(b, k << 3) ^ LongBytes.get(a, k << 3);
            }
        }
    }

    /** σ-MMO, H(x) = π(σ(x)) ⊕ σ(x), σ(hi ‖ lo) = (hi ⊕ lo) ‖ hi; may alias exactly. */
    public void ccr(long[] in, int inOff, long[] out, int outOff, int nBlocks) {
        check(in, inOff, out, outOff, nBlocks, false);
        for (int done = 0; done < nBlocks; done += CHUNK_BLOCKS) {
            int m = Math.min(CHUNK_BLOCKS, nBlocks - done);
            for (int k = 0; k < m; k++) {
                long lo = in[inOff + 2 * (done + k)];
                long hi = in[inOff + 2 * (done + k) + 1];
                LongBytes.put(a, k << 4, hi); // σ: new lo = old hi
                LongBytes.put(a, (k << 4) + 8, hi ^ lo); // σ: new hi = hi ⊕ lo
            }
            pi.permute(a, b, m);
            for (int k = 0; k < 2 * m; k++) {
                out[outOff + 2 * done + k] = LongBytes.get(b, k << 3) ^ LongBytes.get(a, k << 3);
            }
        }
    }

    /**
     * TMMO with tweaks: for k in [0, nBlocks), x_k = in-block k ⊕ (xorLo, xorHi) and tweak
     * i_k = (tweakLo + k, tweakHi), out_k = π(π(x_k) ⊕ i_k) ⊕ π(x_k). The constant XOR lets the OT
     * sender hash q_k ⊕ Δ without materialising it. If {@code lowOnly}, only the low 64 bits of each
     * output are written, to out[outOff + k] (64-bit messages); otherwise to out[outOff + 2k], [2k+1].
     * in and out may alias exactly.
     */
    public void tccr(long[] in, int inOff, long xorLo, long xorHi, long[] out, int outOff, int nBlocks,
            long tweakLo, long tweakHi, boolean lowOnly) {
        check(in, inOff, out, outOff, nBlocks, lowOnly);
        for (int done = 0; done < nBlocks; done += CHUNK_BLOCKS) {
            int m = Math.min(CHUNK_BLOCKS, nBlocks - done);
            int src = inOff + 2 * done;
            for (int k = 0; k < m; k++) {
                LongBytes.put(a, k << 4, in[src + 2 * k] ^ xorLo);
                LongBytes.put(a, (k << 4) + 8, in[src + 2 * k + 1] ^ xorHi);
            }
            pi.permute(a, b, m); // b = π(x)
            long t = tweakLo + done;
            for (int k = 0; k < m; k++) {
                LongBytes.put(a, k << 4, LongBytes.get(b, k << 4) ^ (t + k));
                LongBytes.put(a, (k << 4) + 8, LongBytes.get(b, (k << 4) + 8) ^ tweakHi);
            }
            pi.permute(a, c, m); // c = π(π(x) ⊕ i)
            if (lowOnly) {
                int dst = outOff + done;
                for (int k = 0; k < m; k++) {
                    out[dst + k] = LongBytes.get(c, k << 4) ^ LongBytes.get(b, k << 4);
                }
            } else {
                int dst = outOff + 2 * done;
                for (int k = 0; k < 2 * m; k++) {
                    out[dst + k] = LongBytes.get(c, k << 3) ^ LongBytes.get(b, k << 3);
                }
            }
        }
    }

    /** π itself on one block (lo, hi) → {lo, hi}; for tests and documentation, not for bulk use. */
    public long[] permuteOne(long lo, long hi) {
        byte[] in = LongBytes.block(lo, hi);
        byte[] out = new byte[16];
        pi.permute(in, out, 1);
        return new long[] {LongBytes.get(out, 0), LongBytes.get(out, 8)};
    }
}
