package org.securetrain.runtime.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * Checks that what a party saw in two runs that differ only in the other party's private input carries no
 * trace of that input. Three kinds of check, each stronger than per-bit frequencies:
 * <ul>
 *   <li>{@link #assertSameSchedule}: the same streams, and on each the same messages in the same order with
 *       the same traffic steps, kinds and sizes;</li>
 *   <li>{@link #assertSameDistribution}: per message (large ones) and per stream (small ones pooled), and per
 *       output, a two-sample chi-square on byte values and a two-sample Kolmogorov-Smirnov test on the 64-bit
 *       words read as unsigned integers ({@link SampleTests});</li>
 *   <li>{@link #assertNoEcho}: no 64-bit word at any byte offset of any message, and no output word, equals a
 *       forbidden word (the other party's input words, the values they encode, their negations).</li>
 * </ul>
 * Each test ships with a negative control: a deliberately leaky variant of the protocol that
 * {@link #assertLeakCaught} shows these checks reject.
 */
public final class ViewAssert {
    /** Messages at least this large are compared one by one; smaller ones are pooled per stream. */
    public static final int PER_MESSAGE_BYTES = SampleTests.MIN_BYTES;
    /** Forbidden words narrower than this many bits need a forbidden neighbour to count (see assertNoEcho). */
    public static final int NARROW_WORD_BITS = 40;
    /** How many words before or after a narrow forbidden word another one must be for either to count. */
    public static final int NARROW_WINDOW = 8;
    private static final int MAX_REPORTED = 8;

    private ViewAssert() {
    }

    /** All three checks: same schedule, same distributions, and neither view echoes its run's forbidden words. */
    public static void assertIndistinguishable(View a, ForbiddenWords secretsOfA, View b, ForbiddenWords secretsOfB,
            String what) {
        assertSameSchedule(a, b, what);
        assertNoEcho(a, secretsOfA, what + ", run A");
        assertNoEcho(b, secretsOfB, what + ", run B");
        assertSameDistribution(a, b, what);
    }

    /** The same streams, messages, steps, kinds and sizes in the same order per stream; the same outputs' sizes. */
    public static void assertSameSchedule(View a, View b, String what) {
        List<String> sa = a.schedule();
        List<String> sb = b.schedule();
        int n = Math.min(sa.size(), sb.size());
        for (int i = 0; i < n; i++) {
            if (!sa.get(i).equals(sb.get(i))) {
                throw new AssertionFailedError(what + ": the message schedules differ at entry " + i + ": run A "
                        + sa.get(i) + ", run B " + sb.get(i));
            }
        }
        if (sa.size() != sb.size()) {
            throw new AssertionFailedError(what + ": run A received " + sa.size() + " messages, run B " + sb.size()
                    + "; first extra: " + (sa.size() > n ? sa.get(n) : sb.get(n)));
        }
        if (!a.outputs().keySet().equals(b.outputs().keySet())) {
            throw new AssertionFailedError(what + ": outputs " + a.outputs().keySet() + " vs " + b.outputs().keySet());
        }
        for (Map.Entry<String, long[]> e : a.outputs().entrySet()) {
            if (e.getValue().length != b.outputs().get(e.getKey()).length) {
                throw new AssertionFailedError(what + ": output " + e.getKey() + " has " + e.getValue().length
                        + " words in run A, " + b.outputs().get(e.getKey()).length + " in run B");
            }
        }
    }

    /**
     * Two-sample tests between the runs: each pair of messages at the same place of a stream's schedule that is
     * at least {@link #PER_MESSAGE_BYTES} long; the smaller messages of each stream pooled; each stream as a whole
     * (byte chi-square); each output. Requires equal schedules (checked first).
     */
    public static void assertSameDistribution(View a, View b, String what) {
        assertSameSchedule(a, b, what);
        List<String> failures = new ArrayList<>();
        for (String s : a.streamNames()) {
            List<ReceivedMessage> ma = a.stream(s);
            List<ReceivedMessage> mb = b.stream(s);
            Pool smallA = new Pool();
            Pool smallB = new Pool();
            long[] wholeA = new long[256];
            long[] wholeB = new long[256];
            for (int k = 0; k < ma.size(); k++) {
                byte[] ba = ma.get(k).contentBytes();
                byte[] bb = mb.get(k).contentBytes();
                long[] ha = SampleTests.byteHistogram(ba);
                long[] hb = SampleTests.byteHistogram(bb);
                add(wholeA, ha);
                add(wholeB, hb);
                if (ba.length >= PER_MESSAGE_BYTES && bb.length >= PER_MESSAGE_BYTES) {
                    String where = "stream " + s + " message #" + k + " [" + ma.get(k).step() + "]";
                    check(failures, where, SampleTests.chiSquareBytes(ha, hb));
                    check(failures, where, SampleTests.ksUnsigned(ma.get(k).contentWords(), mb.get(k).contentWords()));
                } else {
                    smallA.add(ha, ma.get(k).contentWords());
                    smallB.add(hb, mb.get(k).contentWords());
                }
            }
            check(failures, "stream " + s + " (messages under " + PER_MESSAGE_BYTES + " bytes, pooled)",
                    SampleTests.chiSquareBytes(smallA.hist, smallB.hist));
            check(failures, "stream " + s + " (messages under " + PER_MESSAGE_BYTES + " bytes, pooled)",
                    SampleTests.ksUnsigned(smallA.words(), smallB.words()));
            check(failures, "stream " + s + " (all messages)", SampleTests.chiSquareBytes(wholeA, wholeB));
        }
        for (Map.Entry<String, long[]> e : a.outputs().entrySet()) {
            long[] wa = e.getValue();
            long[] wb = b.outputs().get(e.getKey());
            String where = "output " + e.getKey();
            check(failures, where, SampleTests.chiSquareBytes(wordHistogram(wa), wordHistogram(wb)));
            check(failures, where, SampleTests.ksUnsigned(wa, wb));
        }
        if (!failures.isEmpty()) {
            throw new AssertionFailedError(what + ": the views of the two runs differ in distribution ("
                    + failures.size() + " tests):\n  " + String.join("\n  ", failures.subList(0,
                    Math.min(MAX_REPORTED, failures.size()))));
        }
    }

    /**
     * No 64-bit word at any byte offset of any received message (little-endian, as on the wire), and no word of
     * an output, is one of {@code forbidden}.
     *
     * <p>A forbidden word of magnitude below 2^{@value #NARROW_WORD_BITS} counts only together with a second
     * forbidden word at most {@value #NARROW_WINDOW} words before or after it in the same message, at a multiple of 8
     * bytes (in an output, at most that many words away). Why: such a word is mostly zero (or sign) bytes, and so are
     * the padded narrow fields the mixed-bit-width protocols send (a masked 24-bit value in a 64-bit word); a random
     * 24-bit field equals one of n such words with probability n / 2^24, which a view of a few thousand fields reaches
     * by chance (it happened: 0x6dc57a, once in a CI run). A second chance hit in the window has probability about
     * 2·{@value #NARROW_WINDOW}·n / 2^24 on top, while a leaked array echoes many words close together even when most
     * of its words are below {@link ForbiddenWords#MIN_MAGNITUDE} and so not checked (a gradient's small entries).
     * Wide words keep the single-hit rule.
     */
    public static void assertNoEcho(View v, ForbiddenWords forbidden, String what) {
        if (forbidden.size() == 0) {
            return;
        }
        List<String> hits = new ArrayList<>();
        int count = 0;
        for (ReceivedMessage m : v.messages()) {
            byte[] c = m.contentBytes();
            String[] at = new String[c.length];
            long[] word = new long[c.length];
            long w = 0;
            for (int i = 0; i < c.length; i++) {
                w = (w >>> 8) | ((c[i] & 0xFFL) << 56);
                if (i >= 7) {
                    at[i] = forbidden.labelOf(w);
                    word[i] = w;
                }
            }
            for (int i = 7; i < c.length; i++) {
                if (at[i] != null && counts(word[i], hasNeighbour(at, i, 8, 7))
                        && count++ < MAX_REPORTED) {
                    hits.add("stream " + m.stream() + " message seq " + m.seq() + " [" + m.step() + "] bytes "
                            + (i - 7) + ".." + i + " = 0x" + Long.toHexString(word[i]) + " (" + at[i]
                            + " or its negation)");
                }
            }
        }
        for (Map.Entry<String, long[]> e : v.outputs().entrySet()) {
            long[] o = e.getValue();
            String[] labels = new String[o.length];
            for (int i = 0; i < o.length; i++) {
                labels[i] = forbidden.labelOf(o[i]);
            }
            for (int i = 0; i < o.length; i++) {
                String label = labels[i];
                if (label != null && counts(o[i], hasNeighbour(labels, i, 1, 0)) && count++ < MAX_REPORTED) {
                    hits.add("output " + e.getKey() + "[" + i + "] = 0x" + Long.toHexString(o[i]) + " (" + label
                            + " or its negation)");
                }
            }
        }
        if (count > 0) {
            throw new AssertionFailedError(what + ": " + count + " received words equal the other party's private "
                    + "words:\n  " + String.join("\n  ", hits));
        }
    }

    private static boolean counts(long w, boolean neighbour) {
        boolean narrow = w > -(1L << NARROW_WORD_BITS) && w < (1L << NARROW_WORD_BITS);
        return !narrow || neighbour;
    }

    /** Another non-null entry of {@code at} at i ± k·step for k = 1..NARROW_WINDOW, at indices >= first. */
    private static boolean hasNeighbour(String[] at, int i, int step, int first) {
        for (int k = 1; k <= NARROW_WINDOW; k++) {
            int before = i - k * step;
            int after = i + k * step;
            if (before >= first && at[before] != null || after < at.length && at[after] != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Words that must be uniformly random on their own (e.g. a fresh output share, or a masked message): byte
     * chi-square and Kolmogorov-Smirnov against uniform. Not a view-comparison test: a fixed function of this
     * party's own input would pass the two-run comparison, but not this.
     */
    public static void assertUniform(long[] words, String what) {
        List<String> failures = new ArrayList<>();
        check(failures, what, SampleTests.chiSquareUniform(wordHistogram(words)));
        check(failures, what, SampleTests.ksUniform(words));
        if (failures.isEmpty() && words.length < SampleTests.MIN_WORDS) {
            throw new AssertionFailedError(what + ": too few words (" + words.length + ") to test uniformity");
        }
        if (!failures.isEmpty()) {
            throw new AssertionFailedError(what + ": not uniform:\n  " + String.join("\n  ", failures));
        }
    }

    /**
     * Packed bits (bit i = {@code bits[i >>> 6] >>> (i & 63) & 1}, i < n) that must be fair coins on their own
     * (e.g. a fresh boolean output share): the number of ones within 6 sigma of n / 2.
     */
    public static void assertUniformBits(long[] bits, int n, String what) {
        if (n < 1000) {
            throw new AssertionFailedError(what + ": too few bits (" + n + ") to test");
        }
        long ones = 0;
        for (int i = 0; i < n; i++) {
            ones += bits[i >>> 6] >>> (i & 63) & 1;
        }
        double sigma = Math.sqrt(n / 4.0);
        if (Math.abs(ones - n / 2.0) > 6 * sigma) {
            throw new AssertionFailedError(what + ": " + ones + " ones of " + n + " bits (expected " + n / 2.0
                    + " +- " + 6 * sigma + ")");
        }
    }

    /**
     * The negative control: {@code checks} (run on a deliberately leaky variant) must fail with an assertion
     * error. Returns that error's message (e.g. to show which check caught the leak).
     */
    public static String assertLeakCaught(Executable checks, String what) {
        try {
            checks.execute();
        } catch (AssertionFailedError expected) {
            return expected.getMessage();
        } catch (Throwable t) {
            throw new AssertionFailedError(what + ": the leaky variant failed otherwise than by a view check: " + t, t);
        }
        throw new AssertionFailedError(what + ": the view checks did not notice the deliberately leaky variant");
    }

    private static void check(List<String> failures, String where, SampleTests.Result r) {
        if (r != null && !r.passed()) {
            failures.add(where + ": " + r);
        }
    }

    private static void add(long[] into, long[] h) {
        for (int i = 0; i < into.length; i++) {
            into[i] += h[i];
        }
    }

    private static long[] wordHistogram(long[] words) {
        long[] h = new long[256];
        for (long x : words) {
            for (int k = 0; k < 8; k++) {
                h[(int) (x >>> (8 * k) & 0xFF)]++;
            }
        }
        return h;
    }

    /** Pooled small messages of one stream: byte histogram and words. */
    private static final class Pool {
        final long[] hist = new long[256];
        final List<long[]> parts = new ArrayList<>();
        int n;

        void add(long[] h, long[] words) {
            ViewAssert.add(hist, h);
            parts.add(words);
            n += words.length;
        }

        long[] words() {
            long[] w = new long[n];
            int o = 0;
            for (long[] p : parts) {
                System.arraycopy(p, 0, w, o, p.length);
                o += p.length;
            }
            return w;
        }
    }
}
