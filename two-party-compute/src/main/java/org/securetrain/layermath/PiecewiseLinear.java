package org.securetrain.layermath;

import java.util.Arrays;
import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * An element-wise activation that is piecewise linear with public breakpoints (LeakyReLU, capped or thresholded
 * ReLU, ReLU6, HardTanh, HardSigmoid), computed exactly on shares with comparisons. With breakpoints
 * b_1 &lt; ... &lt; b_m and bits d_i = [x &gt; b_i] (or [x &ge; b_i]: DL4J's side of each edge), on segment j (d_1..d_j
 * set) f(x) = s_j x + c_j, so
 * <pre>
 *   f(x)  = s_0 x + c_0 + sum_i d_i ((s_i - s_(i-1)) x + (c_i - c_(i-1)))
 *   f'(x) = s_0 + sum_i d_i (s_i - s_(i-1))
 * </pre>
 * Forward: one batched {@link Backend#positive} on the m shifted copies x - b_i (local), one batched
 * {@link Backend#bitTimesShare}. Backward: one batched bit-times-share of dY. A public slope that is not an integer
 * is a fixed-point constant round(s 2^f) followed by one faithful truncation (at most one ulp, never a wrap while
 * |x s| stays in range); integer slopes and every intercept are exact. Values at scale f.
 */
public final class PiecewiseLinear implements ElementwiseActivation {
    private final String name;
    private final double[] at;
    private final boolean[] inclusive;
    private final double[] slope;
    private final double[] intercept;

    /**
     * @param at        the breakpoints, strictly increasing (may be empty: an affine map)
     * @param inclusive per breakpoint: d_i = [x &ge; b_i] (true) or [x &gt; b_i] (false)
     * @param slope     m + 1 slopes, segment 0 (left of b_1) first
     * @param intercept m + 1 intercepts
     */
    public PiecewiseLinear(String name, double[] at, boolean[] inclusive, double[] slope, double[] intercept) {
        int m = at.length;
        if (inclusive.length != m || slope.length != m + 1 || intercept.length != m + 1) {
            throw new IllegalArgumentException(name + ": " + m + " breakpoints need " + m + " edge flags and " + (m + 1)
                    + " slopes and intercepts");
        }
        for (int i = 0; i < m; i++) {
            if (!Double.isFinite(at[i]) || (i > 0 && !(at[i] > at[i - 1]))) {
                throw new IllegalArgumentException(name + ": breakpoints must be finite and increasing: "
                        + Arrays.toString(at));
            }
        }
        for (int j = 0; j <= m; j++) {
            if (!Double.isFinite(slope[j]) || !Double.isFinite(intercept[j])) {
                throw new IllegalArgumentException(name + ": slopes and intercepts must be finite");
            }
        }
        this.name = name;
        this.at = at.clone();
        this.inclusive = inclusive.clone();
        this.slope = slope.clone();
        this.intercept = intercept.clone();
    }

    @Override
    public String name() {
        return name;
    }

    public int breakpoints() {
        return at.length;
    }

    /** The plaintext function (the reference of the tests). */
    public double apply(double x) {
        int j = segment(x);
        return slope[j] * x + intercept[j];
    }

    /** The plaintext derivative, DL4J's side at each breakpoint. */
    public double derivative(double x) {
        return slope[segment(x)];
    }

    private int segment(double x) {
        int j = 0;
        while (j < at.length && (inclusive[j] ? x >= at[j] : x > at[j])) {
            j++;
        }
        return j;
    }


    /**
     * Shares of f(x), x at scale f, with the comparisons made on {@code compareOn}: the same values at scale
     * 2^compareScale. A layer passes its exact pre-truncation product (scale 2f), so that DL4J's side of an edge is
     * kept even where the faithful truncation moves x by one ulp across it (e.g. a pre-activation of exactly 0, which
     * LeakyReLU's inclusive edge at 0 puts on the slope-1 side, truncated to -1 ulp).
     */
    @Override
    public Applied forward(Backend be, long[] x, long[] compareOn, int compareScale, ProtocolId id) {
        int n = x.length;
        int m = at.length;
        if (compareOn.length != n) {
            throw new IllegalArgumentException(name + ": " + compareOn.length + " comparison inputs for " + n + " values");
        }
        boolean p0 = be.actsFor(0);
        long[] bits = new long[0];
        if (m > 0) {
            // [x > b] = [x - b > 0]; [x >= b] = [x - b + 1 > 0] on the integers at scale 2^compareScale
            long[] shifted = new long[m * n];
            for (int i = 0; i < m; i++) {
                long c = p0 ? Math.round(Math.scalb(at[i], compareScale)) - (inclusive[i] ? 1 : 0) : 0;
                for (int k = 0; k < n; k++) {
                    shifted[i * n + k] = compareOn[k] - c;
                }
            }
            bits = be.positive(shifted, id.child("compare"));
        }
        // one batched truncation for every fractional slope: s_0 x and (s_i - s_(i-1)) x
        double[] s = new double[m + 1];
        s[0] = slope[0];
        for (int i = 0; i < m; i++) {
            s[i + 1] = slope[i + 1] - slope[i];
        }
        long[][] sx = times(be, s, x, id.child("slopes"));
        long[] y = sx[0];
        if (p0) {
            long c0 = be.fixedPoint().encode(intercept[0]);
            for (int k = 0; k < n; k++) {
                y[k] += c0;
            }
        }
        if (m > 0) {
            long[] terms = new long[m * n];
            for (int i = 0; i < m; i++) {
                long dc = p0 ? be.fixedPoint().encode(intercept[i + 1] - intercept[i]) : 0;
                for (int k = 0; k < n; k++) {
                    terms[i * n + k] = sx[i + 1][k] + dc;
                }
            }
            long[] gated = be.bitTimesShare(bits, terms, id.child("select"));
            for (int i = 0; i < m; i++) {
                for (int k = 0; k < n; k++) {
                    y[k] += gated[i * n + k];
                }
            }
        }
        return new Applied(y, bits, n);
    }

    /** Shares of dY ⊙ f'(x) from the forward's bits, dY at scale f. */
    @Override
    public long[] backward(Backend be, Applied a, long[] dy, ProtocolId id) {
        int n = a.n();
        int m = at.length;
        if (dy.length != n) {
            throw new IllegalArgumentException(name + ": gradient has " + dy.length + " elements, forward had " + n);
        }
        long[][] parts = new long[m + 1][];
        parts[0] = dy;
        double[] s = new double[m + 1];
        s[0] = slope[0];
        if (m > 0) {
            long[] repeated = new long[m * n];
            for (int i = 0; i < m; i++) {
                System.arraycopy(dy, 0, repeated, i * n, n);
            }
            long[] gated = be.bitTimesShare(a.bits(), repeated, id.child("dselect"));
            for (int i = 0; i < m; i++) {
                parts[i + 1] = Arrays.copyOfRange(gated, i * n, (i + 1) * n);
                s[i + 1] = slope[i + 1] - slope[i];
            }
        }
        // sum of s_j part_j at scale 2f, then ONE faithful truncation: error in (-2, 0] ulp plus the slopes'
        // rounding, whatever the number of pieces (truncating each fractional term apart adds up to 2 ulps per
        // term: hard sigmoid's +0.2 and -0.2 terms reached 3.2 ulps), and n truncated values instead of up to (m+1)n
        boolean allInteger = true;
        for (double sj : s) {
            allInteger &= isSmallInteger(sj);
        }
        int f = be.fixedPoint().fracBits();
        long[] dx = new long[n];
        for (int j = 0; j <= m; j++) {
            long c = allInteger ? (long) s[j]
                    : isSmallInteger(s[j]) ? (long) s[j] << f : Math.round(Math.scalb(s[j], f));
            if (c == 0) {
                continue;
            }
            long[] pj = parts[j];
            for (int k = 0; k < n; k++) {
                dx[k] += c * pj[k];
            }
        }
        return allInteger ? dx : be.truncate(dx, f, id.child("dslopes"));
    }

    private static long[][] times(Backend be, double[] s, long[] x, ProtocolId id) {
        long[][] xs = new long[s.length][];
        Arrays.fill(xs, x);
        return times(be, s, xs, id);
    }

    /**
     * s_j · x_j for public s_j: exact for an integer, else round(s_j 2^f) times x_j and one faithful truncation
     * by f, all fractional ones in one batched truncation (one protocol run).
     */
    static long[][] times(Backend be, double[] s, long[][] x, ProtocolId id) {
        int f = be.fixedPoint().fracBits();
        long[][] out = new long[s.length][];
        int fractional = 0;
        for (int j = 0; j < s.length; j++) {
            if (!isSmallInteger(s[j])) {
                fractional += x[j].length;
            }
        }
        long[] batch = new long[fractional];
        int o = 0;
        for (int j = 0; j < s.length; j++) {
            boolean exact = isSmallInteger(s[j]);
            long c = exact ? (long) s[j] : Math.round(Math.scalb(s[j], f));
            long[] r = new long[x[j].length];
            for (int k = 0; k < r.length; k++) {
                r[k] = c * x[j][k];
            }
            if (exact) {
                out[j] = r;
            } else {
                System.arraycopy(r, 0, batch, o, r.length);
                o += r.length;
            }
        }
        if (fractional > 0) {
            long[] t = be.truncate(batch, f, id);
            o = 0;
            for (int j = 0; j < s.length; j++) {
                if (out[j] == null) {
                    out[j] = Arrays.copyOfRange(t, o, o + x[j].length);
                    o += x[j].length;
                }
            }
        }
        return out;
    }

    private static boolean isSmallInteger(double s) {
        return s == Math.rint(s) && Math.abs(s) < (1 << 20);
    }

    @Override
    public String toString() {
        return name;
    }
}
