package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact [z &gt; 0] of additively shared 64-bit values z = z0 + z1 (signed, mod 2^64), as XOR shares,
 * from one millionaire comparison (the derivative bit of ReLU, and max-pool's "b beats a" on b - a).
 *
 * <p><b>Full width</b> (every z, including 0 and -2^63). With u0 = z0 - 1 and u1 = z1, z = u0 + u1 + 1;
 * let a, b be their low 63 bits, m0, m1 their top bits, x = 2^63 - 1 - a (party 0) and y = b (party 1).
 * The carry into bit 63 of u0 + u1 + 1 is [a + b + 1 &gt;= 2^63] = [x &lt;= y], so msb(z) = m0 XOR m1 XOR [x &lt;= y];
 * and the low 63 bits of z are zero (z = 0 or z = -2^63) exactly when a + b + 1 = 2^63, i.e. x = y.
 * Then [z &gt; 0] = not msb(z) and not [z = 0] = 1 XOR s XOR [x &lt;= y] XOR s·[x = y] with s = m0 XOR m1,
 * which the folded 63-bit plan ({@link ComparisonPlan#positive}) computes with s folded into leaf 0,
 * at the cost of one index bit there and the equality chain (no extra round).
 *
 * <p><b>Fewer bits</b> (SIRNN, Rathee et al., S&amp;P 2021): when |z| &lt; 2^B is guaranteed, w = z - 1 + 2^B
 * lies in [0, 2^(B+1)) and [z &gt; 0] is bit B of w = bit_B(w0) XOR bit_B(w1) XOR carry, where the carry out
 * of the low B bits is one B-bit comparison [2^B - 1 - low_B(w0) &lt; low_B(w1)] ({@link ComparisonPlan#lessThan}).
 * B-bit comparisons cost about B/63 of the full one.
 */
public final class PositiveBit {
    /** Bound value meaning "any 64-bit z". */
    public static final int FULL = 64;

    private final CotChannel ch;
    private final int n;
    private final int bound;
    private final Millionaire mill;
    private final int me;
    private long[] localBits; // full: m_p; reduced: bit_B(w_p)
    private long[] out;

    /**
     * n values; {@code bound} = {@link #FULL} for any z, or B in [1, 62] when |z| &lt; 2^B is guaranteed;
     * {@code radix} the millionaire's digit width; {@code lowBits} &gt; 0 (full width only) also exposes the
     * carry of the low lowBits bits of z (see {@link #lowCarry()}).
     */
    public PositiveBit(CotChannel ch, int n, int bound, int radix, int lowBits) {
        if (bound != FULL && (bound < 1 || bound > 62)) {
            throw new IllegalArgumentException("bound must be " + FULL + " (any value) or in [1, 62], got " + bound);
        }
        if (bound != FULL && lowBits != 0) {
            throw new IllegalArgumentException("the low-bits carry is only available at full width");
        }
        this.ch = ch;
        this.n = n;
        this.bound = bound;
        this.me = ch.party();
        ComparisonPlan plan = bound == FULL ? ComparisonPlan.positive(63, radix, lowBits)
                : ComparisonPlan.lessThan(bound, radix);
        this.mill = new Millionaire(ch, plan, n);
    }

    /** Shares of [z_i &gt; 0] (packed); both parties call with their shares, the same bound and radix. */
    public static long[] compute(CotChannel ch, long[] z, int bound, int radix) {
        Inputs.reject(ch, "[z > 0]", z == null ? "shares are null" : null);
        PositiveBit p = new PositiveBit(ch, z.length, bound, radix, 0);
        p.prepare();
        p.setInput(z);
        StageRunner.run(ch, "nl.positive", new RunTag(RunTag.Kind.POSITIVE_BIT, z.length, bound << 4 | radix),
                p.stages());
        return p.output();
    }

    public ComparisonPlan plan() {
        return mill.plan();
    }

    public void prepare() {
        mill.prepare();
    }

    /** This party's shares of z, before the first stage writes. */
    public void setInput(long[] z) {
        long[] v = new long[n];
        localBits = new long[(n + 63) >>> 6];
        if (bound == FULL) {
            for (int i = 0; i < n; i++) {
                long u = me == 0 ? z[i] - 1 : z[i];
                localBits[i >>> 6] |= (u >>> 63) << (i & 63);
                v[i] = me == 0 ? ~u & Long.MAX_VALUE : u & Long.MAX_VALUE;
            }
            mill.setInputs(v, localBits);
        } else {
            long low = (1L << bound) - 1;
            for (int i = 0; i < n; i++) {
                long w = me == 0 ? z[i] - 1 + (1L << bound) : z[i];
                localBits[i >>> 6] |= (w >>> bound & 1) << (i & 63);
                v[i] = me == 0 ? low - (w & low) : w & low;
            }
            mill.setInputs(v, null);
        }
    }

    public List<Stage> stages() {
        List<Stage> s = new ArrayList<>(mill.stages());
        Stage last = s.get(s.size() - 1);
        // compute the output when the comparison's last stage completes
        s.set(s.size() - 1, Stages.thenRun(last, this::finish));
        return s;
    }

    private void finish() {
        long[] c = mill.result();
        int words = c.length;
        out = new long[words];
        if (bound == FULL) {
            long[] e = mill.rootEq();
            for (int k = 0; k < words; k++) {
                out[k] = c[k] ^ e[k] ^ localBits[k] ^ (me == 0 ? -1L : 0);
            }
        } else {
            for (int k = 0; k < words; k++) {
                out[k] = c[k] ^ localBits[k];
            }
        }
        if ((n & 63) != 0 && words > 0) {
            out[words - 1] &= (1L << (n & 63)) - 1;
        }
    }

    /** Shares of [z &gt; 0] (packed, n bits) after the stages completed. */
    public long[] output() {
        return out;
    }

    /**
     * Shares of the carry out of the low lowBits bits of (z0 - 1) + z1 + 1, i.e. of z0 + z1 with party 0's
     * share taken as u0 = z0 - 1 (see {@link ReluTruncationOt}).
     */
    public long[] lowCarry() {
        return mill.lowResult();
    }
}
