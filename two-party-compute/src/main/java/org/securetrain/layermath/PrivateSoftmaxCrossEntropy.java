package org.securetrain.layermath;

import java.util.Objects;
import org.securetrain.backend.Backend;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.runtime.ProtocolId;

/**
 * Softmax and cross-entropy of shared logits inside two-party computation: the private-loss mode of DESIGN.md 4.6
 * (the label-owner mode is {@link SoftmaxCrossEntropy}). Nothing is opened: the logits, the probabilities, the labels
 * and dL/dz stay shares. Written once on {@link Backend} like {@link ExactFunctions}: the plaintext reference and the
 * two-party backend run the same integer algorithm and agree bit for bit. Error argument: docs/security/private-loss.md.
 *
 * <ol>
 *   <li>z at scale f: logits at scale 2f are floored exactly ({@link ExactTruncation#floor}), under the range guard
 *       when there is one (the logits' check); every later step runs without the guard's per-truncation check, its
 *       truncated values having proven bounds below 2^61 (docs/security/private-loss.md, "Range").</li>
 *   <li>Row max m over the C classes, exact: for 4 &lt;= C &lt;= 16 all pairs compared in one call and the first
 *       maximum selected by its count of wins ({@link #allPairsRowMax}, 4 calls); otherwise a tournament of pairwise
 *       maxima, max(a, b) = a + [b - a &gt; 0](b - a), per level one batched {@link Backend#positive} and one
 *       {@link Backend#bitTimesShare} of all pairs of all rows, ceil(log2 C) levels.</li>
 *   <li>d = z - m &lt;= 0 (local), e = exp(d) at F = {@value #F} fraction bits
 *       ({@code ExactFunctions.expOfNonPositiveAtInternalScale}); the maximum's e is exactly 2^F.</li>
 *   <li>s = sum_c e (local, per row): s &gt;= 2^F exactly and s &lt;= C 2^F; r = 2^(2F) / s at scale F by
 *       {@link ExactRoots#reciprocalAtLeast} (inputBits F + bitLength(C); s &gt;= 2^F public, so the leading-one
 *       comparisons below 2^F are left out).</li>
 *   <li>p = round(e r / 2^(2F - f)) by one product and one exact floor; in the same product call the labels' term
 *       y·d (scale 2f) of the loss.</li>
 *   <li>delta = p - y (local): dL/dz of DL4J's {@code LossMCXENT}/{@code LossNegativeLogLikelihood} with softmax, a
 *       batch sum (not divided by the batch size), as DL4J's loss function returns it.</li>
 * </ol>
 *
 * <p>Error of p against the exact softmax of the floored logits, in output ulps 2^-f:
 * {@link #errorBoundUlps}: 1/2 + 2^(f-F) ((C - 1)(E + 2^(F-f-6)) + 0.752) with E = 1.5 m - 1 + 10^-6 the exp's
 * internal error (m its digits); against the softmax of the exact logits at scale 2f 1/4 more (the floors of step 1).
 * At f = 24: 0.63 ulp for C = 2, 1.57 ulp for C = 10.
 */
public final class PrivateSoftmaxCrossEntropy {
    /** F: fraction bits of e, s and 1/s. */
    public static final int F = ExactFunctions.INTERNAL_BITS;
    /** Largest number of classes: s &lt; 2^(F + 31) keeps the reciprocal's inputBits within 62. */
    public static final int MAX_CLASSES = 1 << 30;
    /** Proven error of {@link ExactRoots#reciprocal} at scales F to F for s in [2^F, 2^(F+31)), in F-ulps. */
    static final double RECIPROCAL_ULPS = 0.752;

    private final Backend be;
    /**
     * The backend for every step after the logits' floor: without the range guard's per-truncation check, since every
     * value those steps truncate has a proven bound below 2^61 that follows from the logits' (docs/security/
     * private-loss.md, "Range"); the logits themselves are checked (their floor at scale 2f, or the previous layer's
     * truncation at scale f). Same results; the check's comparison and its 6 flights per truncation are saved.
     */
    private final Backend bounded;
    private final int f;
    private final ExactFunctions exp;
    private final ExactRoots roots;
    private final ExactLog log;

    public PrivateSoftmaxCrossEntropy(Backend be) {
        this.be = Objects.requireNonNull(be, "backend");
        this.bounded = RangeCheckedBackend.unchecked(be);
        this.exp = new ExactFunctions(bounded); // refuses f > 24 with its reason
        this.roots = new ExactRoots(bounded);
        this.log = new ExactLog(bounded);
        this.f = be.fixedPoint().fracBits();
    }

    /**
     * This party's shares of one batch's softmax and loss terms.
     *
     * @param p        softmax probabilities [batch, classes] at scale f
     * @param delta    dL/dz = p - y [batch, classes] at scale f (DL4J's batch-sum convention)
     * @param rowSum   s = sum_c exp(z_c - max z) per row at scale F, in [1, C]: ln s is the log-sum-exp minus the max
     * @param labelled sum_c y_c (z_c - max z) per row at scale 2f: the loss of row b is ln s_b - labelled_b (for label
     *                 rows summing to 1)
     * @param classes  C
     */
    public record Result(long[] p, long[] delta, long[] rowSum, long[] labelled, int classes) {
    }

    /**
     * Both parties call with their shares and the same shapes and id.
     *
     * @param logits     shares of z [batch, classes] (C order) at scale 2^logitScale, logitScale f or 2f, every |z| below
     *                   2^62 at scale f
     * @param labels     shares of y [batch, classes] at scale f (the data owner's labels: its share y, the model
     *                   owner's 0)
     */
    public Result lossTerms(long[] logits, int logitScale, long[] labels, int batch, int classes, ProtocolId id) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(id, "id");
        if (batch < 1 || classes < 2 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException(id + ": softmax needs batch >= 1 and 2 <= classes <= " + MAX_CLASSES
                    + ", got batch " + batch + ", classes " + classes);
        }
        long n = (long) batch * classes;
        if (logits.length != n || labels.length != n) {
            throw new IllegalArgumentException(id + ": logits and labels must have " + batch + "x" + classes
                    + " elements, got " + logits.length + " and " + labels.length);
        }
        if (logitScale != f && logitScale != 2 * f) {
            throw new IllegalArgumentException(id + ": logits must be at scale f = " + f + " or 2f, got " + logitScale);
        }
        long[] z = logitScale == f ? logits : ExactTruncation.floor(be, logits, f, id.child("scale"));
        long[] max = rowMax(z, batch, classes, id.child("max"));
        long[] d = new long[z.length];
        for (int b = 0; b < batch; b++) {
            for (int c = b * classes; c < (b + 1) * classes; c++) {
                d[c] = z[c] - max[b];
            }
        }
        long[] e = exp.expOfNonPositiveAtInternalScale(d, id.child("exp"));
        long[] s = new long[batch];
        for (int b = 0; b < batch; b++) {
            long sum = 0;
            for (int c = b * classes; c < (b + 1) * classes; c++) {
                sum += e[c];
            }
            s[b] = sum;
        }
        // s >= 2^F (the maximum's term is exactly 2^F): the leading-one comparisons below 2^F are known to be 1
        long[] r = roots.reciprocalAtLeast(s, F, F, F, rowSumBits(classes), id.child("reciprocal"));
        // one product call: e_c · r_row (scale 2F) and y_c · d_c (scale 2f)
        int m = z.length;
        long[] left = new long[2 * m];
        long[] right = new long[2 * m];
        System.arraycopy(e, 0, left, 0, m);
        System.arraycopy(labels, 0, left, m, m);
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(right, b * classes, (b + 1) * classes, r[b]);
        }
        System.arraycopy(d, 0, right, m, m);
        long[] prod = be.multiplyElementwise(left, right, id.child("normalise"));
        int k = 2 * F - f;
        long half = be.actsFor(0) ? 1L << (k - 1) : 0;
        long[] rounded = new long[m];
        for (int i = 0; i < m; i++) {
            rounded[i] = prod[i] + half;
        }
        long[] p = ExactTruncation.floor(bounded, rounded, k, id.child("round")); // e r <= 2^60
        long[] delta = new long[m];
        long[] labelled = new long[batch];
        for (int b = 0; b < batch; b++) {
            long t = 0;
            for (int c = b * classes; c < (b + 1) * classes; c++) {
                delta[c] = p[c] - labels[c];
                t += prod[m + c];
            }
            labelled[b] = t;
        }
        return new Result(p, delta, s, labelled, classes);
    }

    /** A public bound on the row sums: s &lt;= C 2^F &lt; 2^(F + bitLength(C)). */
    static int rowSumBits(int classes) {
        return F + 32 - Integer.numberOfLeadingZeros(classes);
    }

    /**
     * DL4J's {@code LossMCXENT} clipping epsilon ({@code DEFAULT_SOFTMAX_CLIPPING_EPSILON}, 1.0.0-M2.1): its score clips
     * p to [eps, 1 - eps] before the logarithm.
     */
    public static final double DL4J_DEFAULT_CLIP_EPS = 1e-10;

    /** {@link #rowLosses(Result, double, ProtocolId)} with DL4J's default clipping epsilon 10^-10. */
    public long[] rowLosses(Result r, ProtocolId id) {
        return rowLosses(r, DL4J_DEFAULT_CLIP_EPS, id);
    }

    /**
     * Shares of each row's cross-entropy as DL4J's {@code LossMCXENT} with softmax scores it, at scale f, for label rows
     * summing to 1: L = -sum_c y_c ln p_c = ln s - sum_c y_c (z_c - max z), ln s by {@link ExactLog} (scale F to f), the
     * labels' term floored exactly from 2f to f; then clamped to [-ln(1 - eps), -ln eps] as DL4J's clip of p to
     * [eps, 1 - eps] gives for one-hot labels (eps = 0: no clip). The clamp is one batched comparison and one
     * multiplexer over 2·batch values: L - [L &gt; hi](L - hi) + [lo &gt; L](lo - L), both terms from L since lo &le; hi.
     * Error per row: {@link #lossErrorBoundUlps} (the clamp is 1-Lipschitz, its constants within 1/2 ulp). The labels'
     * term is below 2^62 in magnitude whenever the logits passed the range guard (|z| &lt; 2^61 at scale 2f, so
     * |z - max| &lt; 2^62 and sum_c y_c = 1): its floor runs without the guard's own check, that bound being implied
     * by the guard's check of the logits in the same step.
     *
     * @param clipEps DL4J's {@code softmaxClipEps} of the layer's loss, in [0, 0.5]
     */
    public long[] rowLosses(Result r, double clipEps, ProtocolId id) {
        if (!(clipEps >= 0 && clipEps <= 0.5)) {
            throw new IllegalArgumentException(id + ": the softmax clipping epsilon must be in [0, 0.5] as DL4J's "
                    + "LossMCXENT requires, got " + clipEps);
        }
        int batch = r.rowSum().length;
        // s >= 2^F: the leading-one search only over the binades [F, F + bitLength(C))
        long[] ln = log.logInRange(r.rowSum(), F, f, F, rowSumBits(r.classes()), id.child("log"));
        long[] labelled = ExactTruncation.floor(bounded, r.labelled(), f, id.child("labelled"));
        long[] loss = new long[batch];
        for (int b = 0; b < batch; b++) {
            loss[b] = ln[b] - labelled[b];
        }
        return clipEps == 0 ? loss : clamp(loss, clipBounds(clipEps, f), id.child("clip"));
    }

    /**
     * {lo, hi} = round(-ln(1 - eps) 2^f), round(-ln(eps) 2^f): the row loss's range under DL4J's clip of p to
     * [eps, 1 - eps] (one-hot labels), as public integers at scale f (double logs: within 10^-15 relative, far below
     * half an ulp of values below 2^10).
     */
    static long[] clipBounds(double eps, int f) {
        return new long[] {Math.round(Math.scalb(-Math.log1p(-eps), f)), Math.round(Math.scalb(-Math.log(eps), f))};
    }

    /**
     * min(max(L, lo), hi) per row: one comparison call and one multiplexer call over the 2·batch differences L - hi
     * and lo - L (both exact: |L| &lt; 2^40 at scale f for logits under the range guard).
     */
    private long[] clamp(long[] loss, long[] bounds, ProtocolId id) {
        int batch = loss.length;
        long lo = LeadingOne.own(be, bounds[0]);
        long hi = LeadingOne.own(be, bounds[1]);
        long[] diff = new long[2 * batch];
        for (int b = 0; b < batch; b++) {
            diff[b] = loss[b] - hi;
            diff[batch + b] = lo - loss[b];
        }
        long[] g = be.positive(diff, id.child("compare"));
        long[] sel = be.bitTimesShare(g, diff, id.child("mux"));
        long[] out = new long[batch];
        for (int b = 0; b < batch; b++) {
            out[b] = loss[b] - sel[b] + sel[batch + b];
        }
        return out;
    }

    /**
     * The proven bound on a row loss's error ({@link #rowLosses}) in output ulps against the cross-entropy of the
     * floored logits: ExactLog's 0.5 + 5·2^(f-32), the row sum's error through ln (|d ln s / ds| &lt;= 1 for s &gt;= 1),
     * and the labels' term's floor (below 1). Against the exact logits add {@value #FLOORED_LOGITS_LOSS_ULPS}.
     */
    public double lossErrorBoundUlps(int classes) {
        double clipUlps = Math.scalb(1.0, F - f - ExactFunctions.CLIP_GUARD);
        return 0.5 + Math.scalb(ExactLog.INTERNAL_ERROR_ULPS, f - ExactLog.INTERNAL_BITS)
                + Math.scalb((classes - 1) * (exp.internalErrorUlps() + clipUlps), f - F) + 1;
    }

    /** What flooring logits from 2f to f adds to a row loss (|dL/dz| sums to at most 2, shift invariance: 1/2 each). */
    public static final double FLOORED_LOGITS_LOSS_ULPS = 1;

    /**
     * Largest C for which the row max compares all pairs at once ({@link #allPairsRowMax}: 4 calls whatever C, C(C-1)/2
     * comparisons per row) instead of the tournament ({@link #tournamentRowMax}: 2 ceil(log2 C) calls, C - 1
     * comparisons per row), for C from {@value #ALL_PAIRS_MIN_CLASSES} (the tournament's 2 levels of full comparisons)
     * to 16 (its 4 levels; 120 comparisons against 15). Measured at 128 rows: C = 10 saves 10 flights for 3.8 KB more
     * per row; C = 3 would save 2 flights for 1.8 KB more per row, so C = 2 and 3 keep the tournament.
     */
    static final int ALL_PAIRS_MAX_CLASSES = 16;
    /** Smallest C for which the row max compares all pairs at once. */
    static final int ALL_PAIRS_MIN_CLASSES = 4;

    /** Shares of max_c z[b, c] per row, exact: all pairs for 4 &lt;= C &lt;= 16, else a tournament. */
    long[] rowMax(long[] z, int batch, int classes, ProtocolId id) {
        return classes >= ALL_PAIRS_MIN_CLASSES && classes <= ALL_PAIRS_MAX_CLASSES
                ? allPairsRowMax(z, batch, classes, id)
                : tournamentRowMax(z, batch, classes, id);
    }

    /**
     * Shares of max_c z[b, c] per row from all C(C-1)/2 pairs compared in one call: g_ij = [z_j &gt; z_i] for i &lt; j
     * (one {@link Backend#positive}), converted to arithmetic shares (one {@link Backend#bitTimesShare} with 1); the
     * wins w_c = sum_(i&lt;c) g_ic + sum_(j&gt;c) (1 - g_cj) (local) count how many others c beats with ties going to the
     * lower index, a strict total order, so exactly one c, the first maximum, has w_c = C - 1; its indicator
     * [w_c - (C - 2) &gt; 0] (one {@link Backend#positiveBounded} of values below C in magnitude) selects z_c by one
     * multiplexer, summed locally. Exact while |z_j - z_i| &lt; 2^63.
     */
    long[] allPairsRowMax(long[] z, int batch, int classes, ProtocolId id) {
        int pairs = classes * (classes - 1) / 2;
        long[] diff = new long[pairs * batch]; // pair-major: pair q of row b at q·batch + b
        for (int i = 0, q = 0; i < classes; i++) {
            for (int j = i + 1; j < classes; j++, q++) {
                for (int b = 0; b < batch; b++) {
                    diff[q * batch + b] = z[b * classes + j] - z[b * classes + i];
                }
            }
        }
        long[] g = be.positive(diff, id.child("compare"));
        long[] ones = new long[pairs * batch];
        java.util.Arrays.fill(ones, LeadingOne.own(be, 1));
        long[] a = be.bitTimesShare(g, ones, id.child("compare", "b2a"));
        long[] margin = new long[classes * batch]; // candidate-major: w_c - (C - 2) of row b at c·batch + b
        for (int c = 0; c < classes; c++) {
            java.util.Arrays.fill(margin, c * batch, (c + 1) * batch, LeadingOne.own(be, 1 - c));
        }
        for (int i = 0, q = 0; i < classes; i++) {
            for (int j = i + 1; j < classes; j++, q++) {
                for (int b = 0; b < batch; b++) {
                    margin[j * batch + b] += a[q * batch + b];
                    margin[i * batch + b] -= a[q * batch + b];
                }
            }
        }
        // (C - 1 - c) wins of c over the later indices before their g's are taken off, minus (C - 2): 1 - c
        int bits = Math.max(ExactTruncation.MIN_BOUNDED_BITS, 33 - Integer.numberOfLeadingZeros(classes));
        long[] first = be.positiveBounded(margin, bits, id.child("first"));
        long[] candidates = new long[classes * batch];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < classes; c++) {
                candidates[c * batch + b] = z[b * classes + c];
            }
        }
        long[] sel = be.bitTimesShare(first, candidates, id.child("select"));
        long[] max = new long[batch];
        for (int c = 0; c < classes; c++) {
            for (int b = 0; b < batch; b++) {
                max[b] += sel[c * batch + b];
            }
        }
        return max;
    }

    /**
     * Shares of max_c z[b, c] per row: a tournament (adjacent candidates paired, an odd last one waits), every level
     * one comparison and one multiplexer call over all pairs of all rows. Exact while |b - a| &lt; 2^63.
     */
    long[] tournamentRowMax(long[] z, int batch, int classes, ProtocolId id) {
        // candidate-major: candidate j of row b at j·batch + b
        long[] level = new long[z.length];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < classes; c++) {
                level[c * batch + b] = z[b * classes + c];
            }
        }
        int count = classes;
        for (int depth = 0; count > 1; depth++) {
            int pairs = count / 2;
            long[] diff = new long[pairs * batch];
            for (int q = 0; q < pairs; q++) {
                int a = 2 * q * batch;
                int bb = (2 * q + 1) * batch;
                for (int i = 0; i < batch; i++) {
                    diff[q * batch + i] = level[bb + i] - level[a + i];
                }
            }
            ProtocolId lid = id.child("level" + depth);
            long[] g = be.positive(diff, lid.child("compare"));
            long[] sel = be.bitTimesShare(g, diff, lid.child("mux"));
            int next = pairs + (count & 1);
            long[] out = new long[next * batch];
            for (int q = 0; q < pairs; q++) {
                int a = 2 * q * batch;
                for (int i = 0; i < batch; i++) {
                    out[q * batch + i] = level[a + i] + sel[q * batch + i];
                }
            }
            if ((count & 1) == 1) {
                System.arraycopy(level, (count - 1) * batch, out, pairs * batch, batch);
            }
            level = out;
            count = next;
        }
        return level;
    }

    /**
     * The proven bound on |p - softmax(z)| in output ulps for z at scale f (add {@value #FLOORED_LOGITS_ULPS} for
     * logits at scale 2f against the softmax of the exact logits): docs/security/private-loss.md.
     */
    public double errorBoundUlps(int classes) {
        double clipUlps = Math.scalb(1.0, F - f - ExactFunctions.CLIP_GUARD);
        return 0.5 + Math.scalb((classes - 1) * (exp.internalErrorUlps() + clipUlps) + RECIPROCAL_ULPS, f - F);
    }

    /** What flooring logits from scale 2f to f adds to the error of p (softmax's Lipschitz bound, see the docs). */
    public static final double FLOORED_LOGITS_ULPS = 0.25;
}
