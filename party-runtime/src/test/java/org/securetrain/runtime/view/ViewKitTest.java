package org.securetrain.runtime.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** The view-testing kit on toy protocols: what it records, and that its checks catch simple leaks. */
@Timeout(60)
class ViewKitTest {
    static final int N = 1 << 12;
    static final SplittableRandom RND = new SplittableRandom();

    static long[] random(int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = RND.nextLong();
        }
        return v;
    }

    /** Party 0 one-time-pads its input x for party 1 (x + r, r fresh): party 1's share of x. */
    static TwoPartyViews.Outputs padded(org.securetrain.runtime.Session s, int p, long[] x, boolean leak) {
        Channel ch = s.channel("toy.pad");
        if (p == 0) {
            long[] r = random(x.length);
            long[] m = new long[x.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = leak ? x[i] : x[i] + r[i];
            }
            try (var st = ch.step("toy.masked")) {
                ch.sendLongs(m);
            }
            return TwoPartyViews.Outputs.of("share", r);
        }
        try (var st = ch.step("toy.masked")) {
            return TwoPartyViews.Outputs.of("share", ch.receiveLongs());
        }
    }

    static void check(View a, long[] xa, View b, long[] xb) {
        ViewAssert.assertIndistinguishable(a, ForbiddenWords.of("x", xa), b, ForbiddenWords.of("x", xb), "toy");
    }

    @Test
    void aOneTimePaddedMessagePassesAndTheClearOneIsCaught() {
        long[] zero = new long[N];
        long[] x = random(N);
        View a = TwoPartyViews.run((s, p) -> padded(s, p, zero, false)).party(1);
        View b = TwoPartyViews.run((s, p) -> padded(s, p, x, false)).party(1);
        check(a, zero, b, x);

        View la = TwoPartyViews.run((s, p) -> padded(s, p, zero, true)).party(1);
        View lb = TwoPartyViews.run((s, p) -> padded(s, p, x, true)).party(1);
        String why = ViewAssert.assertLeakCaught(() -> check(la, zero, lb, x), "x in the clear");
        assertTrue(why.contains("equal the other party's private words"), why);
        // without the echo check, the distribution test alone still sees zeros against random words
        why = ViewAssert.assertLeakCaught(() -> ViewAssert.assertSameDistribution(la, lb, "toy"), "x in the clear");
        assertTrue(why.contains("chi-square") && why.contains("Kolmogorov"), why);
    }

    /** Party 0 sends {@code words} as they are; party 1 keeps nothing. */
    static TwoPartyViews.Outputs sends(org.securetrain.runtime.Session s, int p, long[] words) {
        Channel ch = s.channel("toy.narrow");
        if (p == 0) {
            ch.sendLongs(words);
        } else {
            ch.receiveLongs();
        }
        return null;
    }

    @Test
    void aLoneNarrowCoincidenceIsNotAnEchoButANarrowArrayIs() {
        long[] secret = new long[64];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (1L << 23) + RND.nextLong(1L << 22); // a fixed-point value near 0.5..0.75 at f = 24
        }
        ForbiddenWords forbidden = ForbiddenWords.of("x", secret);
        // one padded narrow field that happens to equal a secret word, between random wide words
        long[] chance = random(64);
        chance[17] = secret[5];
        ViewAssert.assertNoEcho(TwoPartyViews.run((s, p) -> sends(s, p, chance)).party(1), forbidden, "chance");
        // two such coincidences further apart than the window are still chance
        long[] apart = random(64);
        apart[10] = secret[5];
        apart[11 + ViewAssert.NARROW_WINDOW] = secret[6];
        ViewAssert.assertNoEcho(TwoPartyViews.run((s, p) -> sends(s, p, apart)).party(1), forbidden, "apart");
        // the same word wide (with entropy above 2^40) still counts on its own
        long wide = RND.nextLong() | (1L << 62);
        long[] wideChance = random(64);
        wideChance[17] = wide;
        String why = ViewAssert.assertLeakCaught(() -> ViewAssert.assertNoEcho(TwoPartyViews.run((s, p) -> sends(s, p,
                wideChance)).party(1), ForbiddenWords.of("w", new long[] {wide}), "wide"), "one wide word");
        assertTrue(why.contains("1 received words"), why);
        // two narrow echoes within the window, and a whole narrow array in the clear, are caught
        long[] pair = random(64);
        pair[17] = secret[5];
        pair[17 + ViewAssert.NARROW_WINDOW] = -secret[9];
        why = ViewAssert.assertLeakCaught(() -> ViewAssert.assertNoEcho(TwoPartyViews.run((s, p) -> sends(s, p, pair))
                .party(1), forbidden, "pair"), "two narrow words within the window");
        assertTrue(why.contains("2 received words"), why);
        why = ViewAssert.assertLeakCaught(() -> ViewAssert.assertNoEcho(TwoPartyViews.run((s, p) -> sends(s, p,
                secret)).party(1), forbidden, "clear"), "narrow array in the clear");
        assertTrue(why.contains("64 received words"), why);
    }

    @Test
    void aMessageThatOnlySomeInputsCauseChangesTheSchedule() {
        View with = TwoPartyViews.run((s, party) -> extra(s, party, true)).party(1);
        View without = TwoPartyViews.run((s, party) -> extra(s, party, false)).party(1);
        String why = ViewAssert.assertLeakCaught(() -> ViewAssert.assertSameSchedule(with, without, "toy"), "extra");
        assertTrue(why.contains("run A received 3 messages, run B 2"), why);
    }

    /** Party 0 sends an extra byte message when its input bit is set. */
    static TwoPartyViews.Outputs extra(org.securetrain.runtime.Session s, int party, boolean send) {
        Channel ch = s.channel("toy.extra");
        if (party == 0) {
            ch.sendLong(1);
            ch.sendLong(send ? 3 : 2);
            if (send) {
                ch.send(new byte[3]);
            }
            return null;
        }
        ch.receiveLong();
        if (ch.receiveLong() == 3) {
            ch.receive();
        }
        return null;
    }

    @Test
    void recordsByteAndLongMessagesOnAllStreamsInOrderWithSteps() {
        TwoPartyViews.Run r = TwoPartyViews.run((s, p) -> {
            Channel a = s.channel("toy.a");
            Channel b = s.channel("toy.b");
            if (p == 0) {
                a.send(new byte[] {1, 2, 3});
                try (var st = b.step("reveal.toy")) {
                    b.sendLongs(new long[] {7, 8});
                }
                a.sendLongs(new long[] {9});
                b.send(new byte[] {4});
                return null;
            }
            byte[] m0 = a.receiveAsync().join();
            long[] m1;
            try (var st = b.step("reveal.toy")) {
                m1 = new long[2];
                b.receiveLongs(m1, 0, 2);
            }
            long m2 = a.receiveLongsAsync().join()[0];
            byte[] m3 = new byte[1];
            b.receive(m3, 0, 1);
            return TwoPartyViews.Outputs.of("sum", new long[] {m0[2] + m1[1] + m2 + m3[0]});
        });
        View v = r.party(1);
        assertTrue(r.party(0).messages().isEmpty());
        List<ReceivedMessage> m = v.messages();
        assertEquals(4, m.size());
        assertEquals("toy.a", m.get(0).stream());
        assertEquals(3, m.get(0).bytes()[2]);
        assertEquals("toy.b", m.get(1).stream());
        assertEquals("reveal.toy", m.get(1).step());
        assertEquals(1, v.inStep("reveal.").size());
        assertEquals(9, m.get(2).words()[0]);
        assertEquals(4, m.get(3).bytes()[0]);
        for (int i = 0; i < 4; i++) {
            assertEquals(i, m.get(i).seq());
        }
        assertEquals(List.of("toy.a #0 [(none)] byte[3]", "toy.a #1 [(none)] long[1]", "toy.b #0 [reveal.toy] long[2]",
                "toy.b #1 [(none)] byte[1]"), v.schedule());
        assertEquals(3 + 8 + 9 + 4, v.outputs().get("sum")[0]);
    }

    @Test
    void aProtocolThatBypassesTheRecorderFailsTheRecording() {
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(TwoPartyViews.options(Role.MODEL_OWNER),
                TwoPartyViews.options(Role.DATA_OWNER))) {
            ViewRecorder rec = new ViewRecorder(pair.party(1));
            TwoPartyRunner.run(pair.party(0), s -> {
                s.channel("toy.x").sendLong(1);
                s.channel("toy.y").sendLong(2);
                return null;
            }, pair.party(1), s -> {
                rec.channel("toy.x").receiveLong();
                s.channel("toy.y").receiveLong(); // the unwrapped session: the recorder never sees it
                return null;
            });
            AssertionError e = assertThrows(AssertionError.class, rec::view);
            assertTrue(e.getMessage().contains("toy.y") && e.getMessage().contains("unwrapped"), e.getMessage());
        }
    }

    @Test
    void forbiddenWordsKeepNegationsAndSkipSmallWords() {
        ForbiddenWords f = ForbiddenWords.of("x", new long[] {5, 1L << 40, -(1L << 33), Long.MIN_VALUE});
        assertEquals("x", f.labelOf(1L << 40));
        assertEquals("x", f.labelOf(-(1L << 40)));
        assertEquals("x", f.labelOf(1L << 33));
        assertEquals("x", f.labelOf(Long.MIN_VALUE));
        assertNull(f.labelOf(5));
        assertNull(f.labelOf(-5));
        long[] many = random(100_000);
        ForbiddenWords g = ForbiddenWords.of("many", many);
        for (long w : many) {
            assertEquals("many", g.labelOf(w));
        }
        assertNull(g.labelOf(RND.nextLong()));
    }

    @Test
    void twoSampleTestsPassOnEqualDistributionsAndFailOnDifferentOnes() {
        int fails = 0;
        for (int trial = 0; trial < 40; trial++) {
            long[] a = random(4096);
            long[] b = random(4096);
            long[] sa = skewed(4096);
            long[] sb = skewed(4096);
            for (SampleTests.Result res : new SampleTests.Result[] {SampleTests.ksUnsigned(a, b), SampleTests.ksUnsigned(sa, sb),
                    SampleTests.chiSquareBytes(SampleTests.byteHistogram(bytes(a)), SampleTests.byteHistogram(bytes(b))),
                    SampleTests.chiSquareBytes(SampleTests.byteHistogram(bytes(sa)), SampleTests.byteHistogram(bytes(sb)))}) {
                if (!res.passed()) {
                    fails++;
                }
            }
        }
        assertEquals(0, fails, "false alarms on equal distributions");
        long[] a = random(4096);
        long[] s = skewed(4096);
        assertTrue(!SampleTests.ksUnsigned(a, s).passed());
        assertTrue(!SampleTests.chiSquareBytes(SampleTests.byteHistogram(bytes(a)), SampleTests.byteHistogram(bytes(s))).passed());
        // a one-bit bias in every word (the top bit of a share that leaks a sign) shows in both tests
        long[] top = random(4096);
        for (int i = 0; i < top.length; i++) {
            top[i] &= Long.MAX_VALUE;
        }
        assertTrue(!SampleTests.ksUnsigned(a, top).passed());
        assertNull(SampleTests.ksUnsigned(new long[10], new long[10]), "too small to test");
    }

    @Test
    void uniformityTestsPassOnRandomWordsAndBitsAndFailOnSkewedOnes() {
        for (int trial = 0; trial < 20; trial++) {
            ViewAssert.assertUniform(random(4096), "random words");
            ViewAssert.assertUniformBits(random(64), 4096, "random bits");
        }
        ViewAssert.assertLeakCaught(() -> ViewAssert.assertUniform(skewed(4096), "skewed"), "skewed words");
        long[] topClear = random(4096);
        for (int i = 0; i < topClear.length; i++) {
            topClear[i] &= Long.MAX_VALUE;
        }
        ViewAssert.assertLeakCaught(() -> ViewAssert.assertUniform(topClear, "top bit clear"), "top bit clear");
        long[] mostlyZero = random(64);
        for (int i = 0; i < 48; i++) {
            mostlyZero[i] = 0;
        }
        ViewAssert.assertLeakCaught(() -> ViewAssert.assertUniformBits(mostlyZero, 4096, "bits"), "mostly zero bits");
    }

    /** Words of a non-uniform distribution: the sum of two uniform 62-bit values. */
    static long[] skewed(int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (RND.nextLong() >>> 2) + (RND.nextLong() >>> 2);
        }
        return v;
    }

    static byte[] bytes(long[] w) {
        return new ReceivedMessage(0, "x", "x", w, null).contentBytes();
    }
}
