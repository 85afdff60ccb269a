package org.securetrain.crypto.ot.silent;

import org.securetrain.crypto.prg.Prg;

/**
 * Sender (Δ holder) of the regular multi-point COT of one Ferret iteration: t single-point COTs, one
 * Half-Tree ({@link HalfTree}) per noise block. Local computation only; {@link FerretSender} moves the
 * message.
 *
 * <p>For tree g with fresh root seed s_g the sender sends c_{g,i} = q_{g,i} ⊕ K0_{g,i} for levels
 * i = 1..depth, where q_{g,i} is base COT k + g * depth + i - 1 of the iteration (the receiver holds
 * t_{g,i} = q_{g,i} ⊕ b_{g,i} Δ and so learns K0 ⊕ b Δ = K_{b}: the side b of level i, i.e. its path
 * goes the other way, alpha_i = 1 - b). Its output is the trees' leaves; the receiver's differ by Δ at
 * one leaf per tree.
 *
 * <p>Memory: only the t root seeds (of the current and the prepared iteration) are kept between
 * {@link #corrections} and {@link #leaves}; the leaves of a batch are re-expanded when the pool needs
 * them (a second, cheap Half-Tree expansion instead of holding n blocks; emp-ot's SilentFerret does the
 * same).
 */
final class MpcotSender {
    private final FerretParams p;
    private final long deltaLo;
    private final long deltaHi;
    private final Prg seedPrg;
    private final HalfTree tree = new HalfTree();
    /** Root seeds of the current iteration's trees, and of the next one's (prepared ahead). */
    private long[] seeds;
    private long[] pending;
    private final long[] k0;

    MpcotSender(FerretParams p, long deltaLo, long deltaHi, Prg seedPrg) {
        this.p = p;
        this.deltaLo = deltaLo;
        this.deltaHi = deltaHi;
        this.seedPrg = seedPrg;
        this.seeds = new long[2 * p.trees()];
        this.pending = new long[2 * p.trees()];
        this.k0 = new long[2 * p.batchTrees() * p.depth()];
    }

    /**
     * Prepares the next iteration: draws its fresh root seeds, expands every tree (batch by batch, into
     * {@code scratch} of at least batchTrees * 2^depth longs: the leaf level is summed, not stored) and
     * writes the 2 * t * depth longs of corrections to msg[msgOff ..]. {@code base} holds that iteration's
     * base COTs (blocks). The current iteration's seeds stay in use until {@link #begin}.
     */
    void corrections(long[] base, long[] msg, int msgOff, long[] scratch) {
        seedPrg.fill(pending, 0, pending.length);
        int depth = p.depth();
        int bt = p.batchTrees();
        int treeCots = 2 * p.k();
        for (int g0 = 0; g0 < p.trees(); g0 += bt) {
            int trees = Math.min(bt, p.trees() - g0);
            tree.buildSender(depth, deltaLo, deltaHi, pending, g0, trees, scratch, k0, 0, true);
            int o = 2 * g0 * depth;
            for (int i = 0; i < 2 * trees * depth; i++) {
                msg[msgOff + o + i] = base[treeCots + o + i] ^ k0[i];
            }
        }
    }

    /** Starts the iteration prepared by the last {@link #corrections} call. */
    void begin() {
        long[] s = seeds;
        seeds = pending;
        pending = s;
    }

    /** The sender's leaves of batch {@code batch} (tree-interleaved rows) into out[0 .. 2 * rows). */
    void leaves(int batch, long[] out) {
        int g0 = batch * p.batchTrees();
        int trees = Math.min(p.batchTrees(), p.trees() - g0);
        tree.buildSender(p.depth(), deltaLo, deltaHi, seeds, g0, trees, out, null, 0, false);
    }
}
