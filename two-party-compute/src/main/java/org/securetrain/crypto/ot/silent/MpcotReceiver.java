package org.securetrain.crypto.ot.silent;

/**
 * Receiver of the regular multi-point COT of one Ferret iteration (see {@link MpcotSender}). Its
 * puncture points are not chosen: the path of tree g is fixed by the random choice bits of the tree's
 * base COTs, alpha_{g,i} = 1 - b_{g,i} (b = lsb of the base block, which is the choice bit by the
 * lsb convention), so no message goes from the receiver to the sender (emp-ot does the same).
 *
 * <p>Output: the leaves of every tree; they equal the sender's except at the punctured leaf of each
 * tree, which is the sender's leaf ⊕ Δ (lsb 1). The regular noise vector e of the iteration is 1
 * exactly there. Memory: the t paths and t * depth recovered level sums.
 */
final class MpcotReceiver {
    private final FerretParams p;
    private final HalfTree tree = new HalfTree();
    private final int[] alpha;
    private final long[] kn;

    MpcotReceiver(FerretParams p) {
        this.p = p;
        this.alpha = new int[p.trees()];
        this.kn = new long[2 * p.trees() * p.depth()];
    }

    /** Starts an iteration from the sender's corrections (msg[msgOff ..]) and the base COTs (blocks). */
    void absorb(long[] msg, int msgOff, long[] base) {
        int depth = p.depth();
        int treeCots = 2 * p.k();
        for (int g = 0; g < p.trees(); g++) {
            int a = 0;
            for (int i = 0; i < depth; i++) {
                int o = 2 * (g * depth + i);
                long tLo = base[treeCots + o];
                kn[o] = msg[msgOff + o] ^ tLo;
                kn[o + 1] = msg[msgOff + o + 1] ^ base[treeCots + o + 1];
                a = a << 1 | (int) (~tLo & 1L);
            }
            alpha[g] = a;
        }
    }

    /** The receiver's leaves of batch {@code batch} into out[0 .. 2 * rows). */
    void leaves(int batch, long[] out) {
        int g0 = batch * p.batchTrees();
        int trees = Math.min(p.batchTrees(), p.trees() - g0);
        tree.evalReceiver(p.depth(), alpha, g0, kn, 2 * g0 * p.depth(), trees, out);
    }

    /** Row of the iteration where tree g's noise bit is (for tests and documentation). */
    int noiseRow(int g) {
        int bt = p.batchTrees();
        int batch = g / bt;
        int trees = Math.min(bt, p.trees() - batch * bt);
        int leaf = HalfTree.bitReverse(alpha[g], p.depth());
        return batch * bt * p.leavesPerTree() + leaf * trees + g % bt;
    }
}
