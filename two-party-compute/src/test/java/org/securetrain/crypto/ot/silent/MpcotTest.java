package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.securetrain.crypto.prg.Prg;

/**
 * Single-point (one tree) and regular multi-point COT from ideal base COTs: the receiver's outputs equal
 * the sender's except at exactly one row per tree, where they differ by Δ, and that row is the one the
 * reference derives from the receiver's base choice bits (path alpha_i = 1 - b_i, leaf bitReverse(alpha),
 * tree-interleaved within its batch).
 */
class MpcotTest {

    /** Ideal dealer: {q (lsb 0), t = q ⊕ bΔ (lsb = b)} for m COTs. */
    static long[][] idealCots(int m, long dLo, long dHi, Random rnd) {
        long[] q = new long[2 * m];
        long[] t = new long[2 * m];
        for (int i = 0; i < m; i++) {
            q[2 * i] = rnd.nextLong() & ~1L;
            q[2 * i + 1] = rnd.nextLong();
            boolean b = rnd.nextBoolean();
            t[2 * i] = q[2 * i] ^ (b ? dLo : 0);
            t[2 * i + 1] = q[2 * i + 1] ^ (b ? dHi : 0);
        }
        return new long[][] {q, t};
    }

    /** Reference noise row of tree g from the receiver's base COTs. */
    static int referenceNoiseRow(FerretParams p, long[] t, int g) {
        int alpha = 0;
        for (int i = 0; i < p.depth(); i++) {
            long b = t[2 * (p.k() + g * p.depth() + i)] & 1;
            alpha = alpha << 1 | (int) (1 - b);
        }
        int bt = p.batchTrees();
        int batch = g / bt;
        int treesInBatch = Math.min(bt, p.trees() - batch * bt);
        int leaf = Integer.reverse(alpha) >>> (32 - p.depth());
        return batch * bt * p.leavesPerTree() + leaf * treesInBatch + g % bt;
    }

    static void check(FerretParams p, long seed) {
        Random rnd = new Random(seed);
        long dLo = rnd.nextLong() | 1L;
        long dHi = rnd.nextLong();
        long[][] base = idealCots(p.reserved(), dLo, dHi, rnd);
        MpcotSender s = new MpcotSender(p, dLo, dHi, new Prg(new byte[16]));
        MpcotReceiver r = new MpcotReceiver(p);
        long[] msg = new long[3 + 2 * p.trees() * p.depth()];
        long[] scratch = new long[2 * HalfTree.nodes(p.depth(), p.batchTrees())];
        s.corrections(base[0], msg, 3, new long[scratch.length / 2]);
        s.begin();
        r.absorb(msg, 3, base[1]);

        java.util.BitSet noise = new java.util.BitSet(p.n());
        for (int g = 0; g < p.trees(); g++) {
            int row = referenceNoiseRow(p, base[1], g);
            assertFalse(noise.get(row), "two trees share a noise row");
            noise.set(row);
            assertEquals(row, r.noiseRow(g));
        }
        long[] sv = new long[scratch.length];
        long[] rv = new long[scratch.length];
        int differing = 0;
        for (int b = 0; b < p.batches(); b++) {
            s.leaves(b, sv);
            r.leaves(b, rv);
            int rows = Math.min(p.batchTrees(), p.trees() - b * p.batchTrees()) << p.depth();
            long row0 = (long) b * p.batchTrees() << p.depth();
            for (int i = 0; i < rows; i++) {
                boolean e = noise.get((int) (row0 + i));
                assertEquals(sv[2 * i] ^ (e ? dLo : 0), rv[2 * i], "lo of row " + (row0 + i) + (e ? " (noise)" : ""));
                assertEquals(sv[2 * i + 1] ^ (e ? dHi : 0), rv[2 * i + 1], "hi of row " + (row0 + i));
                assertEquals(e ? 1 : 0, rv[2 * i] & 1, "receiver lsb = noise bit");
                differing += sv[2 * i] != rv[2 * i] ? 1 : 0;
            }
        }
        assertEquals(p.trees(), differing, "regular noise: exactly one row per tree");
    }

    @Test
    void singlePointCot() {
        for (int depth = 2; depth <= 9; depth++) {
            check(FerretParams.insecureForTests(1, 4, Math.max(depth, 5)), depth);
        }
    }

    @Test
    void multiPointCotWithFullAndRaggedBatches() {
        check(FerretParams.insecureForTests(24, 10, 7), 1); // batches of 24 trees (one batch)
        check(FerretParams.insecureForTests(700, 12, 7), 2); // 512 trees per batch, last batch 188
        check(FerretParams.insecureForTests(37, 12, 14), 3); // 4 trees per batch, last batch 1
    }

    @Test
    void publishedShapeB10() {
        check(FerretParams.B10, 4);
    }
}
