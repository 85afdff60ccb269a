package org.securetrain.crypto.he;

import java.util.Arrays;

/**
 * A matrix E (rows x cols) encrypted under the key owner's secret key, in coefficient-encoded blocks of
 * innerBlock x colBlock (block (lb, jb) is one ciphertext). On the multiplying party it holds the
 * ciphertexts (first components in NTT form; second components re-expanded from the 16-byte seed); on the
 * key owner it is a handle with the same shape and id but no ciphertexts.
 */
record EncryptedMatrix(long id, int keyOwner, int rows, int cols, int innerBlock, int colBlock, long[][] c0s,
        long[][] c1s) {
    static final long MAGIC = 0x4845454e43303031L; // "HEENC001"
    static final int HEADER_WORDS = 9;

    /** True on the multiplying party (it holds ciphertexts), false on the key owner's handle. */
    boolean hasCiphertexts() {
        return c0s != null;
    }

    int rowBlocks() {
        return HeMatMulPlan.ceilDiv(rows, innerBlock);
    }

    int colBlocks() {
        return HeMatMulPlan.ceilDiv(cols, colBlock);
    }

    long[] c0(int lb, int jb) {
        return c0s[lb * colBlocks() + jb];
    }

    long[] c1(int lb, int jb) {
        return c1s[lb * colBlocks() + jb];
    }

    /** Bytes held in memory on the multiplying party. */
    long memoryBytes() {
        if (c0s == null) {
            return 0;
        }
        return 16L * c0s.length * c0s[0].length;
    }

    static int ctWords(HeParameters params) {
        RnsBase base = params.base();
        int w = 0;
        for (int i = 0; i < base.count; i++) {
            w += BitPacking.words(base.n, PublicKey.bitsOf(base.p[i]));
        }
        return w;
    }

    static int wireWords(HeParameters params, long count) {
        long w = HEADER_WORDS + count * ctWords(params);
        if (w > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("encrypted matrix of " + count + " ciphertexts is too large for one message");
        }
        return (int) w;
    }

    /**
     * Key owner: encrypts e with blocks (innerBlock x colBlock) under its key; returns the handle and
     * writes the wire message (header, seed, bit-packed first components) to {@code wireOut[0]}.
     */
    static EncryptedMatrix encrypt(HeContext ctx, MatrixView e, int innerBlock, int colBlock, long id, long[][] wireOut,
            java.util.concurrent.ExecutorService helper) {
        HeParameters params = ctx.params();
        RnsBase base = params.base();
        int n = base.n;
        if ((long) innerBlock * colBlock > n) {
            throw new IllegalArgumentException("block " + innerBlock + "x" + colBlock + " exceeds N = " + n);
        }
        int lbs = HeMatMulPlan.ceilDiv(e.rows(), innerBlock);
        int jbs = HeMatMulPlan.ceilDiv(e.cols(), colBlock);
        int count = lbs * jbs;
        long[] wire = new long[wireWords(params, count)];
        byte[] seed = new byte[16];
        ctx.random().nextBytes(seed);
        wire[0] = MAGIC;
        wire[1] = id;
        wire[2] = e.rows();
        wire[3] = e.cols();
        wire[4] = innerBlock;
        wire[5] = colBlock;
        wire[6] = count;
        wire[7] = PublicKey.bytesToLong(seed, 0);
        wire[8] = PublicKey.bytesToLong(seed, 8);
        // ciphertext t = lb * jbs + jb occupies a fixed slot, so halves can be encrypted independently
        java.util.concurrent.Future<?> other = null;
        int split = helper == null || count < 2 ? count : count / 2;
        if (split < count) {
            other = helper.submit(() -> encryptRange(ctx, e, innerBlock, colBlock, jbs, seed, wire, split, count));
        }
        encryptRange(ctx, e, innerBlock, colBlock, jbs, seed, wire, 0, split);
        if (other != null) {
            try {
                other.get();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while encrypting", ie);
            } catch (java.util.concurrent.ExecutionException ee) {
                throw new IllegalStateException("encryption failed: " + ee.getCause(), ee.getCause());
            }
        }
        wireOut[0] = wire;
        return new EncryptedMatrix(id, ctx.party(), e.rows(), e.cols(), innerBlock, colBlock, null, null);
    }

    private static void encryptRange(HeContext ctx, MatrixView e, int innerBlock, int colBlock, int jbs, byte[] seed,
            long[] wire, int from, int to) {
        HeParameters params = ctx.params();
        RnsBase base = params.base();
        int n = base.n;
        int ctWords = ctWords(params);
        HePrg noise = HePrg.fresh(ctx.random());
        long[] msg = new long[n];
        SecretKey sk = ctx.secretKey();
        for (int t = from; t < to; t++) {
            int lb = t / jbs;
            int jb = t % jbs;
            Arrays.fill(msg, 0);
            int l0 = lb * innerBlock;
            int j0 = jb * colBlock;
            int bl = Math.min(innerBlock, e.rows() - l0);
            int bc = Math.min(colBlock, e.cols() - j0);
            for (int j = 0; j < bc; j++) {
                for (int l = 0; l < bl; l++) {
                    msg[l + innerBlock * j] = e.get(l0 + l, j0 + j);
                }
            }
            // the block fills coefficients [0, innerBlock * colBlock) (public layout); the rest is zero
            long[] c0 = sk.encrypt(msg, 0, innerBlock * colBlock, seed, t, noise);
            int off = HEADER_WORDS + t * ctWords;
            for (int i = 0; i < base.count; i++) {
                off += BitPacking.pack(c0, i * n, n, PublicKey.bitsOf(base.p[i]), wire, off);
            }
        }
    }

    /** Multiplier: parses and checks the key owner's message (shape and blocking must be as agreed). */
    static EncryptedMatrix parse(HeContext ctx, long[] wire, int rows, int cols, int innerBlock, int colBlock) {
        HeParameters params = ctx.params();
        RnsBase base = params.base();
        int n = base.n;
        int lbs = HeMatMulPlan.ceilDiv(rows, innerBlock);
        int jbs = HeMatMulPlan.ceilDiv(cols, colBlock);
        int count = lbs * jbs;
        if (wire.length < HEADER_WORDS || wire[0] != MAGIC) {
            throw new IllegalStateException("malformed encrypted-matrix message (" + wire.length + " words)");
        }
        if (wire[2] != rows || wire[3] != cols || wire[4] != innerBlock || wire[5] != colBlock || wire[6] != count) {
            throw new IllegalStateException(String.format(
                    "encrypted matrix from the peer is %dx%d in %dx%d blocks (%d ciphertexts); expected %dx%d in %dx%d "
                            + "blocks (%d)", wire[2], wire[3], wire[4], wire[5], wire[6], rows, cols, innerBlock, colBlock,
                    count));
        }
        if (wire.length != wireWords(params, count)) {
            throw new IllegalStateException("encrypted-matrix message has " + wire.length + " words, expected "
                    + wireWords(params, count));
        }
        byte[] seed = new byte[16];
        PublicKey.longToBytes(wire[7], seed, 0);
        PublicKey.longToBytes(wire[8], seed, 8);
        long[][] c0 = new long[count][];
        long[][] c1 = new long[count][];
        int off = HEADER_WORDS;
        for (int t = 0; t < count; t++) {
            long[] c = new long[base.polyLength()];
            for (int i = 0; i < base.count; i++) {
                off += BitPacking.unpack(wire, off, n, PublicKey.bitsOf(base.p[i]), c, i * n);
                long p = base.p[i];
                for (int j = i * n; j < (i + 1) * n; j++) {
                    if (c[j] >= p) {
                        throw new IllegalStateException("ciphertext residue not reduced mod p_" + i);
                    }
                }
            }
            c0[t] = c;
            long[] a = new long[base.polyLength()];
            SeededUniform.expand(base, seed, t, a);
            c1[t] = a;
        }
        return new EncryptedMatrix(wire[1], 1 - ctx.party(), rows, cols, innerBlock, colBlock, c0, c1);
    }
}
