package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.ShareKind;
import org.securetrain.runtime.ProtocolId;

/**
 * Softmax cross-entropy in "label-owner loss" mode (DESIGN.md 4.6): the logits' shares are revealed
 * to the data owner only, which computes softmax, the loss and delta = softmax - onehot in double, and
 * re-shares delta as (0, delta): the model owner's share is a known zero. Leakage: the data owner sees
 * the logits of its own training batches (documented in docs/SECURITY.md).
 *
 * <p>delta is a batch sum convention (not divided by the batch size): the SGD step divides, as DL4J's
 * updater does.
 */
public final class SoftmaxCrossEntropy {
    public static final int LABEL_OWNER = 1;

    private SoftmaxCrossEntropy() {
    }

    /** Loss (mean over the batch, as DL4J's score) and delta shares. Loss is NaN where not revealed. */
    public record Result(double loss, long[] delta, ShareKind deltaKind, double[] probabilities) {
    }

    /**
     * @param logits2f logits share [batch, classes] at scale 2f
     * @param labels   one-hot labels [batch, classes] at the data owner, null at the model owner
     */
    public static Result lossAndDelta(Backend be, long[] logits2f, double[] labels, int batch, int classes,
            ProtocolId id) {
        if (logits2f.length != (long) batch * classes) {
            throw new IllegalArgumentException(id + ": logits have " + logits2f.length + " elements, expected "
                    + batch + "x" + classes);
        }
        long[] logits = be.revealTo(LABEL_OWNER, logits2f, id.child("logits"));
        if (!be.actsFor(LABEL_OWNER)) {
            return new Result(Double.NaN, new long[logits2f.length], ShareKind.ONLY_PARTY1, null);
        }
        if (labels == null || labels.length != logits2f.length) {
            throw new IllegalArgumentException(id + ": the label owner must pass labels of " + batch + "x" + classes
                    + (labels == null ? ", got none" : ", got " + labels.length));
        }
        int f = be.fixedPoint().fracBits();
        double inv = Math.scalb(1.0, -2 * f);
        double[] p = new double[logits.length];
        long[] delta = new long[logits.length];
        double loss = 0;
        for (int r = 0; r < batch; r++) {
            int o = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[o + c] * inv);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                p[o + c] = Math.exp(logits[o + c] * inv - max);
                sum += p[o + c];
            }
            for (int c = 0; c < classes; c++) {
                p[o + c] /= sum;
                double y = labels[o + c];
                if (y != 0) {
                    loss -= y * Math.log(Math.max(p[o + c], 1e-300));
                }
                delta[o + c] = be.fixedPoint().encode(p[o + c] - y);
            }
        }
        return new Result(loss / batch, delta, ShareKind.ONLY_PARTY1, p);
    }
}
