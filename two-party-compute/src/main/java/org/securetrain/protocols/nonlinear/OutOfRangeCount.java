package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.List;

/**
 * The range guard's check: additive shares mod 2^k of how many of n shared 64-bit values x lie outside
 * [-2^B, 2^B), from ONE millionaire comparison per value and a k-bit boolean-to-arithmetic conversion.
 *
 * <p>With y = x + 2^B (party 0 adds 2^B to its share), x is in range iff y &lt; 2^(B+1) unsigned, i.e. the top
 * t = 63 - B bits of y are zero. Split each share y_p into its top t bits h_p and its low B + 1 bits l_p; then
 * top_t(y) = (h0 + h1 + c) mod 2^t with the carry c = [l0 + l1 &gt;= 2^(B+1)] = [2^(B+1) - 1 - l0 &lt; l1], one
 * (B+1)-bit comparison. In range iff c = 0 and h0 + h1 = 0 mod 2^t, or c = 1 and h0 + h1 = -1 mod 2^t. The
 * comparison's tree ({@link ComparisonPlan#withTopLeaf}) gets one more digit on top whose table is that rule: party
 * 0's digit holds h0 above the top d bits of its comparison input, party 1's h1 above its own; with e0 = [h0 + h1 = 0],
 * e1 = [h0 + h1 = -1] (mod 2^t) and the d-bit digits a, b, the leaf outputs cmp = e0·[a &gt;= b] OR e1·[a &lt; b] and
 * eq = [a = b]·(e0 OR e1), so the root, cmp_top XOR (eq_top AND [rest of x0' &lt; rest of y1]), is the in-range bit.
 * That costs one comparison of 64 - t + d bits instead of the two full 64-bit sign tests of the plain guard.
 *
 * <p>The in-range bits (XOR shares) become shares mod 2^k ({@link BooleanToArithmetic} over Z_2^(k-1)), and the
 * count is n minus their sum, summed locally. One {@link StageRunner} run: the comparison's flips, tables and
 * tree levels, then the conversion, in one message per stage and direction.
 *
 * <p>Views: those of the {@link Millionaire} and of {@link BooleanToArithmetic} (uniform, independent of the
 * peer's input); the output is a fresh sum of fresh shares. Nothing is opened here.
 */
public final class OutOfRangeCount {
    /** Smallest B: the top t = 63 - B bits must fit in one digit of the tree. */
    public static final int MIN_BITS = 63 - ComparisonPlan.MAX_RADIX;

    /**
     * Shares mod 2^{@code countBits} (in [0, 2^countBits)) of #{i : x_i &lt; -2^bits or x_i &gt;= 2^bits}, signed.
     * Both parties call with their shares and the same bits in [{@link #MIN_BITS}, 62], countBits in [2, 64] with
     * n &lt; 2^countBits, and radix (the millionaire's digit width).
     */
    public static long count(CotChannel ch, long[] x, int bits, int countBits, int radix) {
        OutOfRangeCount c = prepared(ch, x, bits, countBits, radix);
        StageRunner.run(ch, "nl.rangeCount", c.tag(), c.stages());
        return c.count();
    }

    /**
     * The per-value form of {@link #count}: shares mod 2^ringBits (exact in their low ringBits bits) of [x_i outside
     * [-2^bits, 2^bits)], which {@link #count} sums.
     */
    public static long[] outside(CotChannel ch, long[] x, int bits, int ringBits, int radix) {
        OutOfRangeCount c = prepared(ch, x, bits, ringBits, radix);
        StageRunner.run(ch, "nl.rangeCount", c.tag(), c.stages());
        return c.outside();
    }

    /**
     * The check as a component of a larger run (the truncation or ReLU on the same values, so that it costs no flights
     * of its own): arguments checked, random COTs drawn (both parties at the same point), input set; then
     * {@link #stages()} in a {@link StageRunner} run, then {@link #count()}.
     */
    public static OutOfRangeCount prepared(CotChannel ch, long[] x, int bits, int ringBits, int radix) {
        String problem = x == null ? "shares are null"
                : bits < MIN_BITS || bits > 62 ? "range bits must be in [" + MIN_BITS + ", 62], got " + bits
                : ringBits < 2 || ringBits > 64 ? "count bits must be in [2, 64], got " + ringBits
                : ringBits < 64 && x.length >= 1L << ringBits ? x.length + " values do not fit a count mod 2^"
                        + ringBits
                : radix < 1 || radix > ComparisonPlan.MAX_RADIX ? "radix must be in [1, " + ComparisonPlan.MAX_RADIX
                        + "], got " + radix : null;
        Inputs.reject(ch, "range count", problem);
        OutOfRangeCount c = new OutOfRangeCount(ch, x.length, bits, ringBits, radix);
        c.mill.prepare();
        c.b2a.prepare();
        c.setInput(x);
        return c;
    }

    private final int me;
    private final int n;
    private final int bits;
    private final int ringBits;
    private final int radix;
    private final Millionaire mill;
    private final BooleanToArithmetic b2a;

    private OutOfRangeCount(CotChannel ch, int n, int bits, int ringBits, int radix) {
        this.me = ch.party();
        this.n = n;
        this.bits = bits;
        this.ringBits = ringBits;
        this.radix = radix;
        int t = 63 - bits;
        int topWidth = Math.max(t, Math.min(radix, ComparisonPlan.MAX_RADIX));
        int d = topWidth - t;
        ComparisonPlan plan = ComparisonPlan.withTopLeaf(64, radix, topWidth, (a, b) -> topEntry(a, b, t, d));
        this.mill = new Millionaire(ch, plan, n);
        this.b2a = new BooleanToArithmetic(ch, n, ringBits);
    }

    private void setInput(long[] x) {
        int low = bits + 1;
        long lowMask = (1L << low) - 1;
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            long y = me == 0 ? x[i] + (1L << bits) : x[i];
            long l = y & lowMask;
            v[i] = (y >>> low) << low | (me == 0 ? lowMask - l : l);
        }
        mill.setInputs(v, null);
    }

    /** The run's public description (a stand-alone run's tag; a combined run folds it into its own). */
    RunTag tag() {
        return new RunTag(RunTag.Kind.OUT_OF_RANGE_COUNT, n, bits << 12 | ringBits << 4 | radix);
    }

    /** The comparison's flips, tables and tree levels, then the conversion. */
    public List<Stage> stages() {
        List<Stage> stages = new ArrayList<>(mill.stages());
        stages.add(Stages.beforeWrite(b2a.stage(), () -> b2a.setInput(mill.result()), null));
        return stages;
    }

    /** After the stages: this party's shares of [x_i outside] mod 2^ringBits. */
    public long[] outside() {
        long[] in = b2a.output();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (me == 0 ? 1 : 0) - in[i];
        }
        return out;
    }

    /** After the stages: this party's share of the count, in [0, 2^ringBits) (any long for ringBits = 64). */
    public long count() {
        long sum = 0;
        for (long o : outside()) {
            sum += o;
        }
        return ringBits == 64 ? sum : sum & (1L << ringBits) - 1;
    }

    /**
     * The top digit's (cmp, eq) for party 0's digit a = (h0, a_low) and party 1's b = (h1, b_low), h the t top
     * bits and the low parts d bits of the comparison inputs (see the class comment).
     */
    static int topEntry(int a, int b, int t, int d) {
        int s = ((a >>> d) + (b >>> d)) & ((1 << t) - 1);
        boolean e0 = s == 0;
        boolean e1 = s == (1 << t) - 1;
        int lowA = a & ((1 << d) - 1);
        int lowB = b & ((1 << d) - 1);
        boolean cmp = e0 && lowA >= lowB || e1 && lowA < lowB;
        boolean eq = lowA == lowB && (e0 || e1);
        return (cmp ? 1 : 0) | (eq ? 2 : 0);
    }
}
