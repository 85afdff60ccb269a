package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.securetrain.crypto.prg.CrHash;

/** The batched Half-Tree expansion against a recursive one-tree-at-a-time reference. */
class HalfTreeTest {
    static final CrHash H = new CrHash();

    /** H(x) = σ-MMO of one block. */
    static long[] h(long lo, long hi) {
        long[] out = new long[2];
        H.ccr(new long[] {lo, hi}, 0, out, 0, 1);
        return out;
    }

    /**
     * Reference sender tree: leaves[path] in natural path order (path bits MSB first = level 1), lsb cleared;
     * k0[i - 1] = XOR of the left nodes of level i (cleared at the leaf level).
     */
    static long[][] referenceTree(int depth, long sLo, long sHi, long dLo, long dHi, long[] k0) {
        long[][] level = {{sLo, sHi}, {sLo ^ dLo, sHi ^ dHi}};
        k0[0] = sLo;
        k0[1] = sHi;
        for (int i = 2; i <= depth; i++) {
            long[][] next = new long[2 * level.length][];
            long kLo = 0;
            long kHi = 0;
            for (int j = 0; j < level.length; j++) {
                long[] x = level[j];
                long[] l = h(x[0], x[1]);
                long[] r = {x[0] ^ l[0], x[1] ^ l[1]};
                if (i == depth) {
                    l[0] &= ~1L;
                    r[0] &= ~1L;
                }
                next[2 * j] = l;
                next[2 * j + 1] = r;
                kLo ^= l[0];
                kHi ^= l[1];
            }
            k0[2 * (i - 1)] = kLo;
            k0[2 * (i - 1) + 1] = kHi;
            level = next;
        }
        return level;
    }

    @Test
    void senderAndPuncturedReceiverMatchTheReference() {
        Random rnd = new Random(11);
        for (int[] c : new int[][] {{2, 1}, {3, 1}, {5, 3}, {7, 8}, {9, 5}}) {
            int depth = c[0];
            int trees = c[1];
            long dLo = rnd.nextLong() | 1L;
            long dHi = rnd.nextLong();
            long[] seeds = rnd.longs(2L * trees + 4).toArray();
            int seedOff = 2;
            long[] nodes = new long[2 * HalfTree.nodes(depth, trees)];
            long[] k0 = new long[2 * trees * depth];
            HalfTree ht = new HalfTree();
            ht.buildSender(depth, dLo, dHi, seeds, seedOff, trees, nodes, k0, 0, false);

            int[] alpha = new int[trees];
            long[] kn = new long[2 * trees * depth];
            long[][][] ref = new long[trees][][];
            for (int b = 0; b < trees; b++) {
                long[] rk0 = new long[2 * depth];
                ref[b] = referenceTree(depth, seeds[2 * (seedOff + b)], seeds[2 * (seedOff + b) + 1], dLo, dHi, rk0);
                for (int i = 0; i < 2 * depth; i++) {
                    assertEquals(rk0[i], k0[2 * b * depth + i], "K0 of tree " + b + ", long " + i);
                }
                for (int path = 0; path < 1 << depth; path++) {
                    int at = 2 * (HalfTree.bitReverse(path, depth) * trees + b);
                    assertEquals(ref[b][path][0], nodes[at], "leaf lo, tree " + b + " path " + path);
                    assertEquals(ref[b][path][1], nodes[at + 1], "leaf hi, tree " + b + " path " + path);
                    assertEquals(0L, nodes[at] & 1, "sender leaves have lsb 0");
                }
                alpha[b] = rnd.nextInt(1 << depth);
                // what the receiver learns per level: the sum of the side off its path, K_{1 - alpha_i}
                for (int i = 1; i <= depth; i++) {
                    int notAlpha = 1 - (alpha[b] >>> (depth - i) & 1);
                    long lo = rk0[2 * (i - 1)] ^ (notAlpha == 1 ? dLo : 0);
                    long hi = rk0[2 * (i - 1) + 1] ^ (notAlpha == 1 ? dHi : 0);
                    kn[2 * (b * depth + i - 1)] = lo;
                    kn[2 * (b * depth + i - 1) + 1] = hi;
                }
            }
            long[] rnodes = new long[nodes.length];
            java.util.Arrays.fill(rnodes, 0x5A5A5A5AL); // garbage must not matter
            ht.evalReceiver(depth, alpha, 0, kn, 0, trees, rnodes);
            for (int b = 0; b < trees; b++) {
                for (int path = 0; path < 1 << depth; path++) {
                    int at = 2 * (HalfTree.bitReverse(path, depth) * trees + b);
                    long wantLo = ref[b][path][0] ^ (path == alpha[b] ? dLo : 0);
                    long wantHi = ref[b][path][1] ^ (path == alpha[b] ? dHi : 0);
                    assertEquals(wantLo, rnodes[at], "receiver leaf lo, depth " + depth + " tree " + b + " path " + path
                            + (path == alpha[b] ? " (punctured: must be v ⊕ Δ)" : ""));
                    assertEquals(wantHi, rnodes[at + 1], "receiver leaf hi, tree " + b + " path " + path);
                }
            }
        }
    }

    @Test
    void expandLevelIsSigmaMmo() {
        Random rnd = new Random(12);
        long[] nodes = new long[2 * 2 * 5000];
        for (int i = 0; i < 2 * 5000; i++) {
            nodes[i] = rnd.nextLong();
        }
        long[] parents = java.util.Arrays.copyOf(nodes, 2 * 5000);
        long[] sums = new long[2 * 3];
        new HalfTree().expandLevel(nodes, 5000, 3, sums, false, true);
        long[] want = new long[2 * 3];
        for (int j = 0; j < 5000; j++) {
            long[] l = h(parents[2 * j], parents[2 * j + 1]);
            assertEquals(l[0], nodes[2 * j]);
            assertEquals(l[1], nodes[2 * j + 1]);
            assertEquals(parents[2 * j] ^ l[0], nodes[2 * (5000 + j)]);
            assertEquals(parents[2 * j + 1] ^ l[1], nodes[2 * (5000 + j) + 1]);
            want[2 * (j % 3)] ^= l[0];
            want[2 * (j % 3) + 1] ^= l[1];
        }
        assertArrayEquals(want, sums);
    }
}
