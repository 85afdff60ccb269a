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
 *   <li>z at scale f: logits at scale 2f are floored exactly ({@link ExactTruncation#floor}).</li>
 *   <li>Row max m over the C classes by a tournament of pairwise maxima, max(a, b) = a + [b - a &gt; 0](b - a): per
 *       level one batched {@link Backend#positive} and one {@link Backend#bitTimesShare} of all pairs of all rows,
 *       ceil(log2 C) levels. Exact.</li>
 *   <li>d = z - m &lt;= 0 (local), e = exp(d) at F = {@value #F} fraction bits
 *       ({@code ExactFunctions.expOfNonPositiveAtInternalScale}); the maximum's e is exactly 2^F.</li>
 *   <li>s = sum_c e (local, per row): s &gt;= 2^F exactly and s &lt;= C 2^F; r = 2^(2F) / s at scale F by
 *       {@link ExactRoots#reciprocal} (inputBits F + bitLength(C)).</li>
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
    private final int f;
    private final ExactFunctions exp;
    private final ExactRoots roots;

    public PrivateSoftmaxCrossEntropy(Backend be) {
        this.be = Objects.requireNonNull(be, "backend");
        this.exp = new ExactFunctions(be); // refuses f > 24 with its reason
        this.roots = new ExactRoots(be);
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
        long[] r = roots.reciprocal(s, F, F, rowSumBits(classes), id.child("reciprocal"));
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
        long[] p = ExactTruncation.floor(be, rounded, k, id.child("round"));
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
     * Shares of each row's cross-entropy -sum_c y_c ln p_c = ln s_b - sum_c y_c (z_c - max z) at scale f, for label rows
     * summing to 1 (DL4J's per-example score of {@code LossMCXENT} with softmax, without its clipping of p at 10^-10):
     * ln s by {@link ExactLog} (scale F to f), the labels' term floored exactly from 2f to f. Error per row:
     * {@link #lossErrorBoundUlps}. The labels' term is below 2^62 in magnitude whenever the logits passed the range
     * guard (|z| &lt; 2^61 at scale 2f, so |z - max| &lt; 2^62 and sum_c y_c = 1): its floor runs on the backend
     * under the guard, that bound being implied by the guard's own check of the logits in the same step.
     */
    public long[] rowLosses(Result r, ProtocolId id) {
        int batch = r.rowSum().length;
        long[] ln = ExactLog.log(be, r.rowSum(), F, f, rowSumBits(r.classes()), id.child("log"));
        long[] labelled = ExactTruncation.floor(RangeCheckedBackend.unchecked(be), r.labelled(), f,
                id.child("labelled"));
        long[] loss = new long[batch];
        for (int b = 0; b < batch; b++) {
            loss[b] = ln[b] - labelled[b];
        }
        return loss;
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
     * Shares of max_c z[b, c] per row: a tournament (adjacent candidates paired, an odd last one waits), every level
     * one comparison and one multiplexer call over all pairs of all rows. Exact while |b - a| &lt; 2^63.
     */
    long[] rowMax(long[] z, int batch, int classes, ProtocolId id) {
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
