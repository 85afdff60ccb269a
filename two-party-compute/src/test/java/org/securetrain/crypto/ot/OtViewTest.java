package org.securetrain.crypto.ot;

import org.securetrain.runtime.ProtocolId;
import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The messages each party receives look uniform and are distributed the same way for two very
 * different private inputs of the peer (all-zero vs random vs all-one choice bits; zero vs random
 * correlations and messages). 6-sigma bounds: these fail on real leaks, not by chance.
 */
@Timeout(120)
class OtViewTest {
    static InMemoryTransport.Pair pair;
    static RecordingSession r0;
    static RecordingSession r1;
    static OtEngine e0;
    static OtEngine e1;
    static final int N = 1 << 16;
    static int runs;

    @BeforeAll
    static void setUp() {
        pair = OtTestPair.sessions();
        r0 = new RecordingSession(pair.party(0));
        r1 = new RecordingSession(pair.party(1));
        var r = TwoPartyRunner.run(pair.party(0), s -> OtEngine.setup(r0, new SecureRandom()),
                pair.party(1), s -> OtEngine.setup(r1, new SecureRandom()));
        e0 = r.party0();
        e1 = r.party1();
    }

    @AfterAll
    static void tearDown() {
        pair.close();
    }

    static long[] randomBits(int n) {
        return Prg.fromSecureRandom(new SecureRandom()).nextBits(n);
    }

    static long[] constBits(int n, boolean one) {
        long[] b = new long[(n + 63) >>> 6];
        if (one) {
            Arrays.fill(b, -1L);
        }
        return b;
    }

    /** The sender's view (u columns, header removed) of one block COT run with the given choices. */
    static long[] senderViewOfBlockCot(long[] choices) {
        ProtocolId p = id("view.block." + (runs++));
        var r = TwoPartyRunner.run(pair.party(0), s -> e0.cotSender(p).sendBlockCot(N),
                pair.party(1), s -> e1.cotReceiver(p).receiveBlockCot(choices, N));
        long[] u = ViewStats.concat(r0.received(OtEngine.channelName(p)), 3);
        assertEquals(128 * (N / 64), u.length);
        // What the sender can compute from its view and its own seeds: u_i xor q_i on the columns where
        // s_j = 0 is G(k_j^1)_i xor r_i, which must still look uniform (a receiver that forgot to mask
        // with G(k_j^1) would reveal r here).
        long[] uRows = new long[2 * N];
        for (int w0 = 0; w0 < N / 64; w0 += OtWire.SLAB_WORDS) { // u travels slab by slab
            int sw = Math.min(OtWire.SLAB_WORDS, N / 64 - w0);
            BitMatrix.transpose128(u, 128 * w0, sw, Math.min(64 * sw, N - 64 * w0), uRows, 2 * 64 * w0);
        }
        long[] q = r.party0();
        long notS = ~e0.cotSender(p).deltaLo();
        long[] known = new long[N];
        for (int i = 0; i < N; i++) {
            known[i] = (uRows[2 * i] ^ q[2 * i]) & notS;
        }
        ViewStats.assertBitBalanced(known, notS, "sender's u xor q on columns with s_j = 0");
        return u;
    }

    @Test
    void senderViewOfIknpIsIndependentOfChoices() {
        long[] zeros = senderViewOfBlockCot(constBits(N, false));
        long[] ones = senderViewOfBlockCot(constBits(N, true));
        long[] random = senderViewOfBlockCot(randomBits(N));
        for (long[] v : new long[][] {zeros, ones, random}) {
            ViewStats.assertBitBalanced(v, "sender's u view");
            ViewStats.assertBytesUniform(v, "sender's u view");
        }
        ViewStats.assertSameBitDistribution(zeros, random, "u: all-zero vs random choices");
        ViewStats.assertSameBitDistribution(zeros, ones, "u: all-zero vs all-one choices");
        // the XOR of two views with different choices is not the choice difference (no fixed mask reuse)
        long[] x = new long[zeros.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = zeros[i] ^ ones[i];
        }
        ViewStats.assertBitBalanced(x, "u(zeros) xor u(ones)");
    }

    /** Receiver's received corrections c and what it can unmask, for given sender correlations. */
    static long[][] receiverViewOfRingCot(long[] delta, long[] choices) {
        ProtocolId p = id("view.ring." + (runs++));
        var r = TwoPartyRunner.run(pair.party(0), s -> e0.ringCotSender(p).send(delta, N),
                pair.party(1), s -> e1.ringCotReceiver(p).receive(choices, N));
        long[] c = ViewStats.concat(r1.received(OtEngine.channelName(p)), 3);
        assertEquals(N, c.length);
        long[] y = r.party1();
        // For b_i = 0 the receiver knows y_i = m0_i; c_i - y_i = delta_i - m1_i must look uniform.
        long[] unmasked = new long[N];
        int k = 0;
        for (int i = 0; i < N; i++) {
            if ((choices[i >>> 6] >>> (i & 63) & 1) == 0) {
                unmasked[k++] = c[i] - y[i];
            }
        }
        return new long[][] {c, Arrays.copyOf(unmasked, k)};
    }

    @Test
    void receiverViewOfRingCotIsIndependentOfDelta() {
        long[] choices = randomBits(N);
        long[][] zero = receiverViewOfRingCot(new long[N], choices);
        long[][] rand = receiverViewOfRingCot(Prg.fromSecureRandom(new SecureRandom()).nextLongs(N), choices);
        long[] ones = new long[N];
        Arrays.fill(ones, -1L);
        long[][] minus1 = receiverViewOfRingCot(ones, constBits(N, false));
        for (long[][] v : new long[][][] {zero, rand, minus1}) {
            ViewStats.assertBitBalanced(v[0], "receiver's corrections c");
            ViewStats.assertBitBalanced(v[1], "c - m0 where b = 0");
            ViewStats.assertBytesUniform(v[1], "c - m0 where b = 0");
        }
        ViewStats.assertSameBitDistribution(zero[1], rand[1], "unmasked c: delta 0 vs random");
        ViewStats.assertSameBitDistribution(zero[1], minus1[1], "unmasked c: delta 0 vs -1");
    }

    @Test
    void receiverViewOfChosenOtHidesTheOtherMessage() {
        long[] choices = randomBits(N);
        long[][] views = new long[2][];
        for (int run = 0; run < 2; run++) {
            long[] m0 = run == 0 ? new long[N] : Prg.fromSecureRandom(new SecureRandom()).nextLongs(N);
            long[] m1 = run == 0 ? new long[N] : Prg.fromSecureRandom(new SecureRandom()).nextLongs(N);
            ProtocolId p = id("view.chosen." + (runs++));
            TwoPartyRunner.run(pair.party(0), s -> {
                e0.chosenOtSender(p).send64(m0, m1, N);
                return 0;
            }, pair.party(1), s -> e1.chosenOtReceiver(p).receive64(choices, N));
            long[] e = ViewStats.concat(r1.received(OtEngine.channelName(p)), 3); // e0 block then e1 block
            long[] other = new long[N];
            for (int i = 0; i < N; i++) {
                int b = (int) (choices[i >>> 6] >>> (i & 63) & 1);
                other[i] = e[(1 - b) * N + i]; // the ciphertext of the message it must not learn
            }
            views[run] = other;
            ViewStats.assertBitBalanced(other, "unchosen ciphertexts");
            ViewStats.assertBytesUniform(other, "unchosen ciphertexts");
        }
        ViewStats.assertSameBitDistribution(views[0], views[1], "unchosen ciphertexts: zero vs random messages");
    }

    @Test
    void senderViewOfRingCotIsIndependentOfChoices() {
        long[] delta = Prg.fromSecureRandom(new SecureRandom()).nextLongs(N);
        long[][] v = new long[2][];
        for (int run = 0; run < 2; run++) {
            long[] ch = run == 0 ? constBits(N, false) : randomBits(N);
            ProtocolId p = id("view.ringsender." + (runs++));
            TwoPartyRunner.run(pair.party(0), s -> e0.ringCotSender(p).send(delta, N),
                    pair.party(1), s -> e1.ringCotReceiver(p).receive(ch, N));
            v[run] = ViewStats.concat(r0.received(OtEngine.channelName(p)), 3);
            ViewStats.assertBitBalanced(v[run], "ring COT sender's view");
        }
        ViewStats.assertSameBitDistribution(v[0], v[1], "ring COT sender's view: zero vs random choices");
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
