package org.securetrain.layers.core;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.securetrain.backend.Backend;
import org.securetrain.backend.ShareKind;
import org.securetrain.layermath.PrivateSoftmaxCrossEntropy;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * The loss of a softmax output layer with DL4J's {@code LossMCXENT} / {@code LossNegativeLogLikelihood} in private-loss
 * mode (DESIGN.md 4.6): softmax, dL/d(pre-output) = p - y and the loss terms run on shares
 * ({@link PrivateSoftmaxCrossEntropy}); the logits, probabilities, labels and the gradient stay shares.
 *
 * <p>Labels: the data owner's label rows enter as its share at scale f, the model owner's share being 0 (an additive
 * sharing in which the model owner's share says nothing). The data owner checks them before any message: rank 2, the
 * pre-outputs' shape, finite entries in [0, 1] summing to 1 per row (one-hot or a probability vector: DL4J's gradient
 * p - y holds for any labels, the loss formula ln s - sum_c y_c d_c for rows summing to 1).
 *
 * <p>Loss: the per-example cross-entropies ln s_b - sum_c y_c (z_c - max z), clamped as DL4J's clip of p to
 * [eps, 1 - eps] gives ({@code softmaxClipEps}, default 10^-10: at most -ln 10^-10 = 23.03), stay shares; their sum
 * (one value per step) is opened to the parties allowed to see the loss, the per-example values only when DL4J asks
 * for them ({@code scoreExamples}), to the same parties.
 *
 * <p>Inference ({@link #predictions}): the data owner receives the one-hot argmax of each row (the predicted class:
 * a max tournament with argmax bits on shares), nothing about the scores; the model owner nothing.
 */
public final class PrivateLoss {
    /** Largest deviation of a label row's sum from 1 that is accepted. */
    static final double LABEL_SUM_TOLERANCE = 1e-6;

    private PrivateLoss() {
    }

    /**
     * One loss evaluation: the gradient's shares, the loss sum opened to the {@code receivers} (NaN elsewhere), and the
     * per-example losses kept as shares until {@link #openExampleScores} (DL4J asks for them rarely; opening them every
     * step would show more than the mean).
     */
    public record Evaluation(LabelOwnerLoss.Result result, long[] rowLossShares, int[] receivers, ProtocolId id) {
    }

    /**
     * Both parties call with their share of the pre-outputs [batch, classes] at scale 2^scaleBits (f or 2f), the same
     * receivers and id; {@code labels} is the data owner's (ignored at the model owner, which passes its dummy labels
     * or null). The sum of the per-example cross-entropies (one value) is opened to the receivers only; the layer
     * divides by the batch size as DL4J does.
     */
    public static Evaluation lossAndDelta(Backend be, long[] preOut, int scaleBits, long[] shape, INDArray labels,
            ILossFunction lossFn, int[] receivers, ProtocolId id, String where) {
        double clipEps = softmaxClipEps(lossFn, where);
        int[] bc = shape(shape, where);
        long[] y = labelShare(be, labels, bc[0], bc[1], where);
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(be);
        PrivateSoftmaxCrossEntropy.Result r = sm.lossTerms(preOut, scaleBits, y, bc[0], bc[1], id);
        if (receivers.length == 0) { // nobody may see the loss (both parties agreed): no logarithm, nothing opened
            return new Evaluation(new LabelOwnerLoss.Result(Double.NaN, null, r.delta(), ShareKind.BOTH), null,
                    receivers, id);
        }
        long[] rows = sm.rowLosses(r, clipEps, id.child("rows"));
        long total = 0;
        for (long v : rows) {
            total += v;
        }
        double[] opened = open(be, new long[] {total}, receivers, id.child("sum"));
        double lossSum = opened == null ? Double.NaN : opened[0];
        return new Evaluation(new LabelOwnerLoss.Result(lossSum, null, r.delta(), ShareKind.BOTH), rows, receivers,
                id);
    }

    /**
     * The loss's {@code softmaxClipEps} (DL4J clips p to [eps, 1 - eps] in its score; default 10^-10): private-loss mode
     * runs {@code LossMCXENT} and its subclass {@code LossNegativeLogLikelihood} only (refused before training
     * otherwise); another loss here is an error naming the layer.
     */
    static double softmaxClipEps(ILossFunction lossFn, String where) {
        if (!(lossFn instanceof LossMCXENT mc)) {
            throw new IllegalArgumentException(where + ": private-loss mode computes MCXENT/NegativeLogLikelihood with "
                    + "softmax on shares, got the loss " + lossFn);
        }
        return mc.getSoftmaxClipEps();
    }

    /** The per-example losses of {@code e}, opened to its receivers (both parties call); NaN elsewhere. */
    public static double[] openExampleScores(Backend be, Evaluation e, int batch) {
        double[] v = e.rowLossShares() == null ? null : open(be, e.rowLossShares(), e.receivers(),
                e.id().child("examples"));
        if (v == null) {
            v = new double[batch];
            Arrays.fill(v, Double.NaN);
        }
        return v;
    }

    /** Opens shares at scale f to each receiver in turn; the values where this party is one, else null. */
    private static double[] open(Backend be, long[] shares, int[] receivers, ProtocolId id) {
        double[] out = null;
        for (int r : receivers) {
            long[] v = be.revealTo(r, shares, receivers.length == 1 ? id : id.child("to" + r));
            if (v != null) {
                out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = be.fixedPoint().decode(v[i]);
                }
            }
        }
        return out;
    }

    /** [batch, classes] of a rank-2 shape, else an error naming the layer. */
    static int[] shape(long[] shape, String where) {
        if (shape.length != 2 || shape[1] < 2) {
            throw new IllegalArgumentException(where + ": private-loss mode needs outputs [batch, classes >= 2], got "
                    + Arrays.toString(shape));
        }
        return new int[] {LayerCore.intSize(shape[0], "batch size", where),
            LayerCore.intSize(shape[1], "classes", where)};
    }

    /**
     * This party's share of the labels at scale f: the data owner's encoded labels (checked), zeros at the model
     * owner. The reference acts for both and encodes the labels.
     */
    static long[] labelShare(Backend be, INDArray labels, int batch, int classes, String where) {
        if (!be.actsFor(LabelOwnerLoss.LABEL_OWNER)) {
            return new long[batch * classes];
        }
        if (labels == null) {
            throw new IllegalStateException(where + ": the data owner must provide labels");
        }
        if (labels.rank() != 2 || labels.size(0) != batch || labels.size(1) != classes) {
            throw new IllegalArgumentException(where + ": labels must be [" + batch + ", " + classes + "] like the "
                    + "outputs, got " + Arrays.toString(labels.shape()));
        }
        double[] v = labels.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            for (int c = b * classes; c < (b + 1) * classes; c++) {
                if (!(v[c] >= 0 && v[c] <= 1)) {
                    throw new IllegalArgumentException(where + ": private-loss mode needs labels in [0, 1] (one-hot or "
                            + "class probabilities); row " + b + " has " + v[c]);
                }
                sum += v[c];
            }
            if (Math.abs(sum - 1) > LABEL_SUM_TOLERANCE) {
                throw new IllegalArgumentException(where + ": private-loss mode needs label rows that sum to 1 (one-hot "
                        + "or class probabilities, as MCXENT's loss assumes); row " + b + " sums to " + sum);
            }
        }
        FixedPoint fp = be.fixedPoint();
        return fp.encode(v);
    }

    /**
     * Inference: the one-hot argmax of each row of the pre-outputs (first maximum on ties, as a row-wise argmax of the
     * softmax) opened to the data owner as a DOUBLE [batch, classes] array; zeros at the model owner.
     */
    public static INDArray predictions(Backend be, long[] preOut, long[] shape, ProtocolId id, String where) {
        int[] bc = shape(shape, where);
        int n = bc[0] * bc[1];
        Backend.MaxOutput m = be.maxWithArgmax(preOut, bc[1], id.child("argmax"));
        long[] ones = new long[n];
        Arrays.fill(ones, be.actsFor(0) ? 1 : 0);
        long[] oneHot = be.bitTimesShare(m.argmaxBits(), ones, id.child("argmax", "b2a"));
        long[] opened = be.revealTo(LabelOwnerLoss.LABEL_OWNER, oneHot, id.child("argmax", "open"));
        double[] out = new double[n];
        if (opened != null) {
            for (int i = 0; i < n; i++) {
                out[i] = opened[i];
            }
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(out, new long[] {bc[0], bc[1]}, 'c');
        }
    }
}
