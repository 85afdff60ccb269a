package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.RecordingSession;
import org.securetrain.crypto.ot.ViewStats;
import org.securetrain.crypto.prg.Prg;

/**
 * What each party receives. The COT sender receives nothing after the set-up header, so its view cannot
 * depend on the receiver's choices. The receiver gets one correction per tree level; those, and every
 * value it can compute from them and its own base COTs (K_{not alpha_i} = c_i ⊕ t_i), must look uniform
 * and be distributed the same whatever Δ is (a weight-one Δ vs a random one); pairwise XORs inside a tree
 * are checked too, so a sender that leaks a tree's root seed (from which c_1 ⊕ t_1 ⊕ s = Δ whenever the
 * path starts right) fails the same check. 6-sigma bounds: failures mean leaks, not chance.
 */
@Timeout(120)
class FerretViewTest {
    static final FerretParams P = FerretParams.insecureForTests(1024, 12, 7);

    @Test
    void receiverAndSenderViewsOfTheRealProtocol() {
        FerretParams p = FerretParams.insecureForTests(160, 10, 7);
        List<RecordingSession> rec = new ArrayList<>();
        try (SilentOtPair tp = SilentOtPair.open(p, s -> {
            RecordingSession r = new RecordingSession(s);
            synchronized (rec) {
                rec.add(r);
            }
            return r;
        })) {
            int n = 6 * p.outputsPerIteration() + 17;
            tp.run(a -> {
                a.sender().next(n, new long[2 * n]);
                a.receiver().next(n, new long[(n + 63) / 64], new long[2 * n]);
                return 0;
            }, b -> {
                b.receiver().next(n, new long[(n + 63) / 64], new long[2 * n]);
                b.sender().next(n, new long[2 * n]);
                return 0;
            });
            for (int sender = 0; sender < 2; sender++) {
                RecordingSession senderView = rec.stream().filter(r -> r.party() == 0).findFirst().orElseThrow();
                RecordingSession receiverView = rec.stream().filter(r -> r.party() == 1).findFirst().orElseThrow();
                if (sender == 1) {
                    RecordingSession x = senderView;
                    senderView = receiverView;
                    receiverView = x;
                }
                String ferret = SilentOtChannels.ferret(SilentOtChannels.sessionInstance(sender));
                List<long[]> got = senderView.received(ferret);
                assertEquals(1, got.size(), "the COT sender receives only the set-up header");
                long tag = 0x5345_4346_4552_0000L | FerretWire.KIND_SETUP << 8 | FerretWire.ROLE_RECEIVER;
                assertArrayEquals(new long[] {tag, p.trees(), p.logk(), p.depth(), p.batchTrees()}, got.get(0),
                        "a fixed header, independent of choices");
                long[] u = ViewStats.concat(senderView.received(OtEngine.channelName(
                        SilentOtChannels.bootstrapOt(SilentOtChannels.sessionInstance(sender)))), 3);
                ViewStats.assertBitBalanced(u, "IKNP bootstrap u columns seen by the COT sender");

                List<long[]> msgs = receiverView.received(ferret);
                assertEquals(1 + 7, msgs.size(), "set-up header + 7 iterations");
                List<Long> words = new ArrayList<>();
                List<Long> leafLo = new ArrayList<>();
                for (long[] m : msgs.subList(1, msgs.size())) {
                    assertEquals(FerretWire.EXTEND_HEADER_LONGS + 2 * p.trees() * p.depth(), m.length);
                    for (int i = FerretWire.EXTEND_HEADER_LONGS; i < m.length; i++) {
                        int level = (i - FerretWire.EXTEND_HEADER_LONGS) / 2 % p.depth() + 1;
                        boolean lo = (i - FerretWire.EXTEND_HEADER_LONGS) % 2 == 0;
                        (level == p.depth() && lo ? leafLo : words).add(m[i]);
                    }
                }
                long[] c = words.stream().mapToLong(Long::longValue).toArray();
                ViewStats.assertBitBalanced(c, "corrections received by the COT receiver");
                ViewStats.assertBytesUniform(c, "corrections received by the COT receiver");
                // Leaf level, low half: bit 0 is 0 by the public lsb convention (lsb q = 0, leaves cleared).
                long[] l = leafLo.stream().mapToLong(Long::longValue).toArray();
                ViewStats.assertBitBalanced(l, ~1L, "leaf-level corrections, bits 1..63");
                for (long x : l) {
                    assertEquals(0L, x & 1, "leaf-level correction lsb is the public constant 0");
                }
            }
        }
    }

    /** The receiver's view of one iteration, per tree: c_i, X_i = c_i ⊕ t_i, and what a leaky sender adds. */
    static List<long[][]> receiverView(long dLo, long dHi, boolean leakSeeds, long seed) {
        Random rnd = new Random(seed);
        long[][] base = MpcotTest.idealCots(P.reserved(), dLo, dHi, rnd);
        byte[] senderSeed = new byte[16];
        rnd.nextBytes(senderSeed);
        MpcotSender s = new MpcotSender(P, dLo, dHi, new Prg(senderSeed));
        long[] msg = new long[2 * P.trees() * P.depth()];
        s.corrections(base[0], msg, 0, new long[HalfTree.nodes(P.depth(), P.batchTrees())]);
        long[] rootSeeds = new Prg(senderSeed).nextLongs(2 * P.trees()); // the seeds the sender drew
        List<long[][]> trees = new ArrayList<>();
        for (int g = 0; g < P.trees(); g++) {
            List<long[]> words = new ArrayList<>();
            for (int i = 0; i < P.depth(); i++) {
                int o = 2 * (g * P.depth() + i);
                int b = 2 * (P.k() + g * P.depth() + i);
                words.add(new long[] {msg[o], msg[o + 1]});
                words.add(new long[] {msg[o] ^ base[1][b], msg[o + 1] ^ base[1][b + 1]});
            }
            if (leakSeeds) {
                words.add(new long[] {rootSeeds[2 * g], rootSeeds[2 * g + 1]});
            }
            trees.add(words.toArray(new long[0][]));
        }
        return trees;
    }

    /**
     * Samples per position: position (a, a) is word a of every tree, (a, b) the XOR of words a and b;
     * low and high halves both. Checking each position on its own keeps one leaking pair from being
     * diluted by the hundreds of honest ones.
     */
    static long[][] samples(List<long[][]> trees, int a, int b) {
        long[] lo = new long[trees.size()];
        long[] hi = new long[trees.size()];
        for (int g = 0; g < trees.size(); g++) {
            long[][] w = trees.get(g);
            lo[g] = a == b ? w[a][0] : w[a][0] ^ w[b][0];
            hi[g] = a == b ? w[a][1] : w[a][1] ^ w[b][1];
        }
        return new long[][] {lo, hi};
    }

    static void assertLooksIndependentOfDelta(boolean leak) {
        List<long[][]> weightOne = receiverView(1L, 0L, leak, 1);
        Random r = new Random(2);
        List<long[][]> random = receiverView(r.nextLong() | 1L, r.nextLong(), leak, 3);
        int words = weightOne.get(0).length;
        int leafCorrection = 2 * (P.depth() - 1); // its lsb is the public constant 0
        for (int a = 0; a < words; a++) {
            for (int b = a; b < words; b++) {
                long[][] x = samples(weightOne, a, b);
                long[][] y = samples(random, a, b);
                long loBits = a == b && a == leafCorrection ? ~1L : -1L;
                String what = "receiver's view, " + (a == b ? "word " + a : "word " + a + " xor word " + b);
                ViewStats.assertBitBalanced(x[0], loBits, what + " (lo), delta = 1");
                ViewStats.assertBitBalanced(x[1], what + " (hi), delta = 1");
                ViewStats.assertBitBalanced(y[0], loBits, what + " (lo), random delta");
                ViewStats.assertBitBalanced(y[1], what + " (hi), random delta");
                ViewStats.assertSameBitDistribution(x[0], y[0], what + " (lo): delta 1 vs random");
                ViewStats.assertSameBitDistribution(x[1], y[1], what + " (hi): delta 1 vs random");
            }
        }
    }

    @Test
    void receiverViewDoesNotDependOnDelta() {
        assertLooksIndependentOfDelta(false);
    }

    @Test
    void negativeControlASenderThatLeaksItsRootSeedsIsCaught() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertLooksIndependentOfDelta(true));
        // caught at a pair with the leaked seed s (word 2 * depth): c_1 ⊕ s = q_1 (lsb 0, and q_1 ⊕ t_1 = bΔ),
        // X_1 ⊕ s = c_1 ⊕ t_1 ⊕ s is 0 or Δ
        assertTrue(e.getMessage().contains("xor word " + 2 * P.depth() + " "), e.getMessage());
    }
}
