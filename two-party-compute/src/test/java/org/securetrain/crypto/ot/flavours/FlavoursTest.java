package org.securetrain.crypto.ot.flavours;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.crypto.ot.ViewStats;
import org.securetrain.crypto.prg.CrHash;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * The OT flavours derived from random COT: exact against plaintext, and what the receiving side can
 * compute from its messages does not depend on the other side's input (with negative controls on
 * deliberately broken COT sources: constant choice bits, zero correlation).
 */
@Timeout(120)
class FlavoursTest {
    static final Prg G = Prg.fromSecureRandom(new SecureRandom());

    static long bit(long[] b, int i) {
        return b[i >>> 6] >>> (i & 63) & 1;
    }

    /** Party 0's and party 1's pairs over a dealer (one thread suffices: dealer fetches do not block). */
    static CotPair[] dealer(DealerCots from0) {
        return DealerCots.pairs(from0, DealerCots.honest(), "test");
    }

    static CotPair.Batch[] fetch(CotPair[] p, int from0, int from1) {
        return new CotPair.Batch[] {p[0].fetch(from0, from1), p[1].fetch(from0, from1)};
    }

    @Test
    void iknpRandomCotsAreCorrelatedAcrossPoolRefills() {
        try (OtTestPair ot = OtTestPair.open(1 << 12)) {
            int[] sizes = {1, 63, 5000, 4096 + 17, 70_000, 0, 3, 200_000};
            var r = ot.run(e -> {
                CotPair c = CotPair.iknp(e, org.securetrain.runtime.ProtocolId.of("rcot"), 1 << 12);
                CotPair.Batch[] out = new CotPair.Batch[sizes.length];
                for (int k = 0; k < sizes.length; k++) {
                    out[k] = c.fetch(sizes[k], sizes[sizes.length - 1 - k]);
                }
                return out;
            }, e -> {
                CotPair c = CotPair.iknp(e, org.securetrain.runtime.ProtocolId.of("rcot"), 1 << 12);
                CotPair.Batch[] out = new CotPair.Batch[sizes.length];
                for (int k = 0; k < sizes.length; k++) {
                    out[k] = c.fetch(sizes[k], sizes[sizes.length - 1 - k]);
                }
                return out;
            });
            long ones = 0;
            long total = 0;
            for (int k = 0; k < sizes.length; k++) {
                for (int dir = 0; dir < 2; dir++) {
                    SenderCots s = (dir == 0 ? r.party0() : r.party1())[k].sent();
                    ReceiverCots rc = (dir == 0 ? r.party1() : r.party0())[k].received();
                    assertEquals(s.n(), rc.n());
                    assertEquals(s.tweak(), rc.tweak(), "both ends count the stream alike");
                    assertEquals(s.domain(), rc.domain());
                    for (int i = 0; i < s.n(); i++) {
                        long b = bit(rc.bits(), i);
                        assertEquals(s.q()[2 * i] ^ (s.deltaLo() & -b), rc.t()[2 * i], "COT " + i);
                        assertEquals(s.q()[2 * i + 1] ^ (s.deltaHi() & -b), rc.t()[2 * i + 1], "COT " + i);
                        ones += b;
                        total++;
                    }
                }
            }
            assertEquals(total / 2.0, ones, 6 * Math.sqrt(total / 4.0), "choice bits are balanced");
        }
    }

    @Test
    void chosenChoiceCotAndMessageOts() {
        int n = 5000;
        CotPair[] p = dealer(DealerCots.honest());
        CotPair.Batch[] b = fetch(p, n, 0);
        long[] c = G.nextBits(n);
        long[] e = ChosenChoiceCot.flips(b[1].received(), 0, c, n);
        ChosenChoiceCot.apply(b[0].sent(), 0, e, n);
        SenderCots s = b[0].sent();
        ReceiverCots r = b[1].received();
        for (int i = 0; i < n; i++) {
            long ci = bit(c, i);
            assertEquals(ci, r.bit(i));
            assertEquals(s.q()[2 * i] ^ (s.deltaLo() & -ci), r.t()[2 * i]);
        }
        // random OT
        CrHash h = new CrHash();
        CotPair.Batch[] b2 = fetch(p, n, 0);
        long[][] m = RandomOt.senderMessages(b2[0].sent(), h, 0, n, 40);
        long[] mb = RandomOt.receiverMessages(b2[1].received(), h, 0, n, 40);
        for (int i = 0; i < n; i++) {
            assertEquals(m[b2[1].received().bit(i)][i], mb[i]);
            assertEquals(0, m[0][i] >>> 40);
        }
        // chosen-message OT
        CotPair.Batch[] b3 = fetch(p, n, 0);
        long[] m0 = G.nextLongs(n);
        long[] m1 = G.nextLongs(n);
        long[] c3 = G.nextBits(n);
        long[] e3 = ChosenChoiceCot.flips(b3[1].received(), 0, c3, n);
        PackedWriter w = new PackedWriter();
        ChosenMessageOt.encrypt(b3[0].sent(), h, 0, n, m0, m1, e3, 64, w);
        long[] got = ChosenMessageOt.decrypt(b3[1].received(), h, 0, n, 64, new PackedReader(w.toArray(), "test"));
        for (int i = 0; i < n; i++) {
            assertEquals(bit(c3, i) == 0 ? m0[i] : m1[i], got[i]);
        }
    }

    /** What the receiver of chosen-message OT can compute about the message it did not choose. */
    static long[] otherMessageView(DealerCots src, boolean zeroMessages) {
        int n = 20_000;
        CotPair[] p = dealer(src);
        CotPair.Batch[] b = fetch(p, n, 0);
        CrHash h = new CrHash();
        long[] c = G.nextBits(n);
        long[] e = ChosenChoiceCot.flips(b[1].received(), 0, c, n);
        long[] m0 = zeroMessages ? new long[n] : G.nextLongs(n);
        long[] m1 = zeroMessages ? new long[n] : G.nextLongs(n);
        PackedWriter w = new PackedWriter();
        ChosenMessageOt.encrypt(b[0].sent(), h, 0, n, m0, m1, e, 64, w);
        long[] pad = RandomOt.receiverMessages(b[1].received(), h, 0, n, 64);
        PackedReader in = new PackedReader(w.toArray(), "test");
        long[] other = new long[n];
        for (int i = 0; i < n; i++) {
            long y0 = in.bits(64);
            long y1 = in.bits(64);
            other[i] = (bit(c, i) == 0 ? y1 : y0) ^ pad[i]; // its own pad on the other ciphertext
        }
        return other;
    }

    @Test
    void chosenMessageOtHidesTheOtherMessage() {
        long[] zero = otherMessageView(DealerCots.honest(), true);
        long[] rand = otherMessageView(DealerCots.honest(), false);
        ViewStats.assertBitBalanced(zero, "other message, zero messages");
        ViewStats.assertSameBitDistribution(zero, rand, "other message: zero vs random messages");
        // negative control: with delta = 0 the receiver's own pad opens the other message too
        long[] leak = otherMessageView(DealerCots.zeroDelta(), true);
        assertThrows(AssertionFailedError.class, () -> ViewStats.assertBitBalanced(leak, "leaky"));
    }

    @Test
    void ringCotIsExactForEveryWidthWithAndWithoutFlips() {
        int n = 4000;
        CotPair[] p = dealer(DealerCots.honest());
        for (int ell : new int[] {1, 13, 24, 63, 64}) {
            long mask = ell == 64 ? -1L : (1L << ell) - 1;
            for (boolean chosen : new boolean[] {false, true}) {
                CotPair.Batch[] b = fetch(p, n, 0);
                CrHash h = new CrHash();
                RingCot.Sender s = RingCot.sender(b[0].sent(), h, 0, n, ell);
                RingCot.Receiver r = RingCot.receiver(b[1].received(), h, 0, n, ell);
                long[] d = G.nextLongs(n);
                long[] c = G.nextBits(n);
                PackedWriter toReceiver = new PackedWriter();
                s.writeCorrections(d, toReceiver);
                long[] flips = null;
                if (chosen) {
                    PackedWriter toSender = new PackedWriter();
                    r.writeFlips(c, toSender);
                    flips = new long[(n + 63) >>> 6];
                    new PackedReader(toSender.toArray(), "t").bitVector(flips, n);
                }
                long[] ys = r.shares(new PackedReader(toReceiver.toArray(), "t"));
                long[] xs = s.shares(d, flips);
                for (int i = 0; i < n; i++) {
                    long choice = chosen ? bit(c, i) : b[1].received().bit(i);
                    assertEquals((d[i] & -choice) & mask, (xs[i] + ys[i]) & mask, "ell=" + ell + " element " + i);
                    assertEquals(0, xs[i] & ~mask);
                }
            }
        }
    }

    /** The receiver's corrections and, where its choice is 0, correction minus its own hash (what it can compute). */
    static long[][] ringCotView(DealerCots src, long[] d) {
        int n = d.length;
        CotPair[] p = dealer(src);
        CotPair.Batch[] b = fetch(p, n, 0);
        CrHash h = new CrHash();
        RingCot.Sender s = RingCot.sender(b[0].sent(), h, 0, n, 64);
        PackedWriter w = new PackedWriter();
        s.writeCorrections(d, w);
        long[] c = w.toArray();
        long[] y = RandomOt.receiverMessages(b[1].received(), h, 0, n, 64);
        long[] known = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (b[1].received().bit(i) == 0) {
                known[k++] = c[i] - y[i];
            }
        }
        return new long[][] {c, java.util.Arrays.copyOf(known, k)};
    }

    @Test
    void ringCotCorrectionsHideTheCorrelation() {
        int n = 20_000;
        long[] zero = new long[n];
        long[] rand = G.nextLongs(n);
        long[][] a = ringCotView(DealerCots.honest(), zero);
        long[][] b = ringCotView(DealerCots.honest(), rand);
        for (int v = 0; v < 2; v++) {
            ViewStats.assertBitBalanced(a[v], "ring COT view " + v);
            ViewStats.assertSameBitDistribution(a[v], b[v], "ring COT view " + v + ": zero vs random correlations");
        }
        // negative control: with delta = 0 the sender's two hashes coincide and the correction is the correlation
        long[][] leak = ringCotView(DealerCots.zeroDelta(), zero);
        assertThrows(AssertionFailedError.class, () -> ViewStats.assertBitBalanced(leak[0], "leaky"));
    }

    @Test
    void oneOfNOtDeliversTheChosenEntry() {
        CotPair[] p = dealer(DealerCots.honest());
        CrHash h = new CrHash();
        int[][] shapes = {{1, 2}, {2, 2}, {3, 2}, {4, 2}, {5, 2}, {6, 2}, {1, 64}, {2, 32}, {3, 16}, {4, 8}, {7, 1},
            {5, 4}};
        for (int[] sh : shapes) {
            int w = sh[0];
            int o = sh[1];
            int n = 700;
            int[] widths = {w, Math.max(1, w - 1), w};
            OneOfNOt ot = new OneOfNOt(n, widths, o);
            CotPair.Batch[] b = fetch(p, n * ot.cotsPerElement(), 0);
            OneOfNOt.Sender s = ot.sender();
            OneOfNOt.Receiver r = ot.receiver();
            s.absorb(b[0].sent(), h, 0, 0, n);
            r.absorb(b[1].received(), h, 0, 0, n);
            long[][] tables = new long[n * widths.length][2];
            int[] y = new int[n * widths.length];
            int[] e = new int[n * widths.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < widths.length; j++) {
                    int k = i * widths.length + j;
                    tables[k] = new long[] {G.nextLong(), G.nextLong()};
                    y[k] = (int) (G.nextLong() & ((1 << widths[j]) - 1));
                    e[k] = r.flips(i, j, y[k]);
                }
            }
            PackedWriter out = new PackedWriter();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < widths.length; j++) {
                    int k = i * widths.length + j;
                    s.writeTable(i, j, tables[k][0], tables[k][1], e[k], out);
                }
            }
            PackedReader in = new PackedReader(out.toArray(), "t");
            long seg = o == 64 ? -1L : (1L << o) - 1;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < widths.length; j++) {
                    int k = i * widths.length + j;
                    int bitPos = o * y[k];
                    long want = (bitPos < 64 ? tables[k][0] >>> bitPos : tables[k][1] >>> (bitPos - 64)) & seg;
                    assertEquals(want, r.readEntry(i, j, in), "w=" + w + " o=" + o + " element " + i + " OT " + j);
                }
            }
            in.finish();
        }
    }

    /**
     * What the chooser of 1-out-of-16 OT (2-bit entries) can compute: the table XOR its own pad word
     * (XOR of its hashes) at every index other than its own; and the table owner's view (the flips).
     */
    static long[][] oneOfNView(DealerCots src, boolean zeroInputs) {
        int n = 20_000;
        CotPair[] p = dealer(src);
        CrHash h = new CrHash();
        OneOfNOt ot = new OneOfNOt(n, new int[] {4}, 2);
        CotPair.Batch[] b = fetch(p, n * 4, 0);
        OneOfNOt.Sender s = ot.sender();
        OneOfNOt.Receiver r = ot.receiver();
        s.absorb(b[0].sent(), h, 0, 0, n);
        r.absorb(b[1].received(), h, 0, 0, n);
        long[] ht = new long[4 * n];
        b[1].received().hash(h, 0, 4 * n, ht, 0, true);
        long[] flips = new long[n];
        long[] others = new long[n];
        PackedWriter out = new PackedWriter();
        for (int i = 0; i < n; i++) {
            int y = zeroInputs ? 0 : (int) (G.nextLong() & 15);
            flips[i] = r.flips(i, 0, y);
            long table = zeroInputs ? 0 : G.nextLong() & 0xFFFF_FFFFL;
            s.writeTable(i, 0, table, 0, (int) flips[i], out);
        }
        PackedReader in = new PackedReader(out.toArray(), "t");
        for (int i = 0; i < n; i++) {
            long c = in.bits(32);
            long myPad = ht[4 * i] ^ ht[4 * i + 1] ^ ht[4 * i + 2] ^ ht[4 * i + 3];
            int rIdx = 0;
            for (int k = 0; k < 4; k++) {
                rIdx |= b[1].received().bit(4 * i + k) << k;
            }
            long mask = 0xFFFF_FFFFL & ~(3L << (2 * rIdx)); // all entries but its own
            others[i] = (c ^ myPad) & mask | (G.nextLong() & 3L << (2 * rIdx)); // own entry replaced by noise
        }
        return new long[][] {flips, others};
    }

    @Test
    void oneOfNOtViewsDoNotDependOnTheOtherSidesInput() {
        long[][] zero = oneOfNView(DealerCots.honest(), true);
        long[][] rand = oneOfNView(DealerCots.honest(), false);
        ViewStats.assertBitBalanced(zero[0], 0xFL, "table owner's view (flips)");
        ViewStats.assertSameBitDistribution(zero[0], rand[0], "flips: index 0 vs random");
        ViewStats.assertBitBalanced(zero[1], 0xFFFF_FFFFL, "chooser's other entries");
        ViewStats.assertSameBitDistribution(zero[1], rand[1], "other entries: zero vs random tables");
        // negative controls: constant choices expose the index; delta = 0 opens every entry
        long[][] leakIndex = oneOfNView(DealerCots.constantChoices(), true);
        assertThrows(AssertionFailedError.class, () -> ViewStats.assertBitBalanced(leakIndex[0], 0xFL, "leaky flips"));
        long[][] leakTable = oneOfNView(DealerCots.zeroDelta(), true);
        assertThrows(AssertionFailedError.class,
                () -> ViewStats.assertBitBalanced(leakTable[1], 0xFFFF_FFFFL, "leaky entries"));
    }

    @Test
    void andTriplesMultiply() {
        int n = 10_000;
        CotPair[] p = dealer(DealerCots.honest());
        CotPair.Batch[] b = fetch(p, n, n);
        AndTriples t0 = new AndTriples(n, 5);
        AndTriples t1 = new AndTriples(n, 5);
        CrHash h = new CrHash();
        t0.absorb(b[0].sent(), 0, b[0].received(), 0, h, 0, n);
        t1.absorb(b[1].sent(), 0, b[1].received(), 0, h, 0, n);
        long aOnes = 0;
        for (int i = 0; i < n; i++) {
            long a = bit(t0.a(), i) ^ bit(t1.a(), i);
            aOnes += a;
            for (int l = 0; l < 5; l++) {
                long bb = bit(t0.b(l), i) ^ bit(t1.b(l), i);
                assertEquals(a & bb, bit(t0.c(l), i) ^ bit(t1.c(l), i), "triple " + i + ", operand " + l);
            }
        }
        assertEquals(n / 2.0, aOnes, 6 * Math.sqrt(n / 4.0));
    }
}
