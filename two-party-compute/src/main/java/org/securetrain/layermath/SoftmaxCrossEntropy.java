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

    /**
     * Loss (mean over the batch, as DL4J's score) and delta shares; the per-example losses (DL4J's
     * {@code scoreExamples}) at the label owner. Loss is NaN and the example losses null where not revealed.
     */
    public record Result(double loss, long[] delta, ShareKind deltaKind, double[] exampleLosses) {
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
        double[] p = softmax(logits, be.fixedPoint().fracBits(), batch, classes);
        long[] delta = new long[logits.length];
        double[] exampleLosses = new double[batch];
        double loss = 0;
        for (int r = 0; r < batch; r++) {
            for (int c = r * classes; c < (r + 1) * classes; c++) {
                double y = labels[c];
                if (y != 0) {
                    double l = y * Math.log(Math.max(p[c], 1e-300));
                    loss -= l;
                    exampleLosses[r] -= l;
                }
                delta[c] = be.fixedPoint().encode(p[c] - y);
            }
        }
        return new Result(loss / batch, delta, ShareKind.ONLY_PARTY1, exampleLosses);
    }

    /** Row-wise softmax of revealed logits [batch, classes] at scale 2f (the label owner's plain computation). */
    public static double[] softmax(long[] logits2f, int fracBits, int batch, int classes) {
        double inv = Math.scalb(1.0, -2 * fracBits);
        double[] p = new double[logits2f.length];
        for (int r = 0; r < batch; r++) {
            int o = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits2f[o + c] * inv);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                p[o + c] = Math.exp(logits2f[o + c] * inv - max);
                sum += p[o + c];
            }
            for (int c = 0; c < classes; c++) {
                p[o + c] /= sum;
            }
        }
        return p;
    }
}
