package org.securetrain.crypto.ot.silent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.securetrain.crypto.prg.CrHash;
import org.securetrain.crypto.prg.FixedKeyAes;

/**
 * Correlated GGM ("Half-Tree") trees: Guo, Yang, Wang, Zhang, Xie, Liu, Zhao, "Half-Tree: Halving the
 * Cost of Tree Expansion in COT and DPF", Eurocrypt 2023 (ePrint 2022/1431), Figure 3. The two nodes of
 * level 1 are (s, s ⊕ Δ); every node x at levels 1..depth-1 has children left = H(x), right = x ⊕ H(x),
 * with H = σ-MMO, the circular correlation-robust hash of {@link CrHash#ccr} (same fixed-key π). So the
 * XOR of all nodes of any level is Δ, and the sender only needs to send the XOR of the left nodes of each
 * level, K0_i (one block per level, masked with one COT); the receiver of the punctured tree learns
 * K_{not alpha_i} and rebuilds every node except its path.
 *
 * <p>Leaves are stored with their least significant bit cleared (emp-ot's convention): the sender's
 * leaves have lsb 0 and the receiver's punctured leaf v_alpha ⊕ Δ has lsb 1, so the lsb of a receiver's
 * final COT block is its choice bit. K0 of the leaf level is the XOR of the cleared left leaves.
 *
 * <p>Layout: a batch of B trees is expanded level by level in one array, tree-interleaved: node j of
 * tree b at a level lives at block j * B + b; expanding a level of P parents per tree writes the left
 * children in place and the right children at P * B + j * B + b. So every level of the whole batch is one
 * contiguous run (large AES calls) and, at the leaves, the leaf with path alpha (MSB first) of tree b is
 * block bitReverse(alpha) * B + b. Blocks are (lo, hi) longs at [2i], [2i + 1].
 *
 * <p>Not thread-safe (owns a Cipher and scratch buffers).
 */
final class HalfTree {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int CHUNK = 4096;
    private static final long CLEAR_LSB = ~1L;

    private final FixedKeyAes pi = new FixedKeyAes();
    private final byte[] in = new byte[16 * CHUNK];
    private final byte[] enc = new byte[16 * CHUNK];

    /** Blocks (not longs) a batch of {@code trees} trees of this depth occupies. */
    static int nodes(int depth, int trees) {
        return trees << depth;
    }

    /** bitReverse of the low {@code bits} bits of x. */
    static int bitReverse(int x, int bits) {
        return Integer.reverse(x) >>> (32 - bits);
    }

    /**
     * Sender: builds {@code trees} trees from root seeds (seeds[2 * (seedOff + b)], [+1]) and Δ into
     * {@code nodes} (at least 2 * trees * 2^depth longs) and writes K0 of tree b, level i (1-based) to
     * k0[k0Off + 2 * (b * depth + i - 1)], [+1]. With k0 == null only the leaves are built (no sums);
     * with {@code sumsOnly} only K0 (the leaf level is hashed and summed but not stored, so
     * {@code nodes} needs only trees * 2^depth longs).
     */
    void buildSender(int depth, long deltaLo, long deltaHi, long[] seeds, int seedOff, int trees, long[] nodes,
            long[] k0, int k0Off, boolean sumsOnly) {
        long[] sum = k0 == null ? null : new long[2 * trees];
        for (int b = 0; b < trees; b++) {
            long lo = seeds[2 * (seedOff + b)];
            long hi = seeds[2 * (seedOff + b) + 1];
            nodes[2 * b] = lo;
            nodes[2 * b + 1] = hi;
            nodes[2 * (trees + b)] = lo ^ deltaLo;
            nodes[2 * (trees + b) + 1] = hi ^ deltaHi;
            if (k0 != null) {
                k0[k0Off + 2 * b * depth] = lo;
                k0[k0Off + 2 * b * depth + 1] = hi;
            }
        }
        for (int level = 2; level <= depth; level++) {
            expandLevel(nodes, (1 << (level - 1)) * trees, trees, sum, level == depth, !(sumsOnly && level == depth));
            if (k0 == null) {
                continue;
            }
            for (int b = 0; b < trees; b++) {
                int o = k0Off + 2 * (b * depth + level - 1);
                k0[o] = sum[2 * b];
                k0[o + 1] = sum[2 * b + 1];
            }
        }
    }

    /**
     * Receiver: rebuilds {@code trees} punctured trees. Tree b's path is alpha[alphaOff + b] (depth bits,
     * level 1 = most significant); it knows K_{not alpha_i} of each level at kn[knOff + 2 * (b * depth + i - 1)].
     * Afterwards every leaf equals the sender's, except the punctured leaf, which holds v_alpha ⊕ Δ
     * (the XOR of all other leaves with lsb set, since the cleared leaves XOR to Δ with lsb cleared).
     */
    void evalReceiver(int depth, int[] alpha, int alphaOff, long[] kn, int knOff, int trees, long[] nodes) {
        long[] sum = new long[2 * trees];
        long[] known = new long[2 * trees]; // XOR of this level's known nodes, per tree
        int[] path = new int[trees]; // on-path node index within the tree at the current level
        for (int b = 0; b < trees; b++) {
            int a1 = alpha[alphaOff + b] >>> (depth - 1) & 1;
            long lo = kn[knOff + 2 * b * depth];
            long hi = kn[knOff + 2 * b * depth + 1];
            int sib = 2 * ((1 - a1) * trees + b);
            int on = 2 * (a1 * trees + b);
            nodes[sib] = lo;
            nodes[sib + 1] = hi;
            nodes[on] = 0;
            nodes[on + 1] = 0;
            known[2 * b] = lo;
            known[2 * b + 1] = hi;
            path[b] = a1;
        }
        for (int level = 2; level <= depth; level++) {
            int parents = 1 << (level - 1);
            boolean leaves = level == depth;
            expandLevel(nodes, parents * trees, trees, sum, leaves, true);
            for (int b = 0; b < trees; b++) {
                int ai = alpha[alphaOff + b] >>> (depth - level) & 1;
                int left = path[b] * trees + b;
                int right = parents * trees + left;
                // The on-path parent was zero: both its children hold the same junk H(0); take it out.
                long leftLo = sum[2 * b] ^ nodes[2 * left];
                long leftHi = sum[2 * b + 1] ^ nodes[2 * left + 1];
                long pLo = leaves ? known[2 * b] & CLEAR_LSB : known[2 * b];
                long pHi = known[2 * b + 1];
                long kLo = kn[knOff + 2 * (b * depth + level - 1)];
                long kHi = kn[knOff + 2 * (b * depth + level - 1) + 1];
                long sLo;
                long sHi;
                if (ai == 1) { // sibling is the left child: K0 = (known lefts) ⊕ sibling
                    sLo = kLo ^ leftLo;
                    sHi = kHi ^ leftHi;
                } else { // sibling is the right child: known rights = known parents ⊕ known lefts
                    sLo = kLo ^ pLo ^ leftLo;
                    sHi = kHi ^ pHi ^ leftHi;
                }
                if (leaves) {
                    sLo &= CLEAR_LSB;
                }
                int sib = ai == 1 ? left : right;
                int on = ai == 1 ? right : left;
                nodes[2 * sib] = sLo;
                nodes[2 * sib + 1] = sHi;
                nodes[2 * on] = 0;
                nodes[2 * on + 1] = 0;
                known[2 * b] = pLo ^ sLo;
                known[2 * b + 1] = pHi ^ sHi;
                path[b] = ai == 1 ? path[b] + parents : path[b];
            }
        }
        for (int b = 0; b < trees; b++) {
            int leaf = 2 * (path[b] * trees + b);
            nodes[leaf] = known[2 * b] ^ 1L;
            nodes[leaf + 1] = known[2 * b + 1];
        }
    }

    /**
     * Expands parents at blocks [0, parents): left child H(x) in place, right child x ⊕ H(x) at
     * parents + j (only if {@code store}). If {@code sum} is non-null it is overwritten with the XOR of
     * the left children of each tree (tree of parent j = j mod trees). With {@code clearLsb} both
     * children are stored (and summed) with lsb 0.
     */
    void expandLevel(long[] nodes, int parents, int trees, long[] sum, boolean clearLsb, boolean store) {
        long mask = clearLsb ? CLEAR_LSB : -1L;
        if (sum != null) {
            java.util.Arrays.fill(sum, 0, 2 * trees, 0L);
        }
        int tree = 0;
        int rightOff = 2 * parents;
        for (int base = 0; base < parents; base += CHUNK) {
            int m = Math.min(CHUNK, parents - base);
            for (int k = 0; k < m; k++) {
                int o = 2 * (base + k);
                long lo = nodes[o];
                long hi = nodes[o + 1];
                LONG_LE.set(in, k << 4, hi); // σ(x) = (hi ⊕ lo) ‖ hi, low half first
                LONG_LE.set(in, (k << 4) + 8, hi ^ lo);
            }
            pi.permute(in, enc, m);
            if (sum == null) {
                for (int k = 0; k < m; k++) {
                    int o = 2 * (base + k);
                    int s = k << 4;
                    long hLo = (long) LONG_LE.get(enc, s) ^ (long) LONG_LE.get(in, s);
                    long hHi = (long) LONG_LE.get(enc, s + 8) ^ (long) LONG_LE.get(in, s + 8);
                    nodes[rightOff + o] = (nodes[o] ^ hLo) & mask;
                    nodes[rightOff + o + 1] = nodes[o + 1] ^ hHi;
                    nodes[o] = hLo & mask;
                    nodes[o + 1] = hHi;
                }
                continue;
            }
            for (int k = 0; k < m; k++) {
                int o = 2 * (base + k);
                int s = k << 4;
                long lLo = ((long) LONG_LE.get(enc, s) ^ (long) LONG_LE.get(in, s)) & mask;
                long hHi = (long) LONG_LE.get(enc, s + 8) ^ (long) LONG_LE.get(in, s + 8);
                if (store) {
                    nodes[rightOff + o] = (nodes[o] & mask) ^ lLo;
                    nodes[rightOff + o + 1] = nodes[o + 1] ^ hHi;
                    nodes[o] = lLo;
                    nodes[o + 1] = hHi;
                }
                sum[2 * tree] ^= lLo;
                sum[2 * tree + 1] ^= hHi;
                if (++tree == trees) {
                    tree = 0;
                }
            }
        }
    }
}
