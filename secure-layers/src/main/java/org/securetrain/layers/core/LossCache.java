package org.securetrain.layers.core;

import java.util.Arrays;

/**
 * The label-owner loss of an output layer's current input and labels ({@link LabelOwnerLoss#lossAndDelta}), kept
 * until either changes: DL4J asks for the score, the per-example scores and the gradient separately, and each must
 * come from the one loss evaluation (a second would open the pre-outputs again). Shared by the output-layer kinds.
 */
public final class LossCache {
    private LabelOwnerLoss.Result result;
    /** Private-loss mode: opens the per-example losses on first demand (null in label-owner mode). */
    private java.util.function.Supplier<double[]> exampleOpener;
    private double[] openedExamples;

    /** Forgets the loss (new input or labels). */
    public void clear() {
        result = null;
        exampleOpener = null;
        openedExamples = null;
    }

    /**
     * Keeps a private-loss evaluation; its per-example losses are opened by {@code opener} (which communicates: both
     * parties ask at the same point, DL4J's {@code scoreExamples}) the first time they are asked for.
     */
    public LabelOwnerLoss.Result set(LabelOwnerLoss.Result r, java.util.function.Supplier<double[]> opener) {
        set(r);
        exampleOpener = opener;
        return r;
    }

    public boolean isSet() {
        return result != null;
    }

    /** Keeps {@code r} as the loss of the current input and labels; returns it. */
    public LabelOwnerLoss.Result set(LabelOwnerLoss.Result r) {
        result = r;
        exampleOpener = null;
        openedExamples = null;
        return r;
    }

    /** This party's share of dL/d(input of the loss), as the loss evaluation re-shared it. */
    public long[] delta() {
        return result.delta();
    }

    /**
     * DL4J's score at this party: the loss sum / batch (with {@code miniBatch}) + {@code fullNetRegTerm}; NaN where
     * the loss is not known (the model owner).
     */
    public double score(double fullNetRegTerm, boolean miniBatch, int batch) {
        double lossSum = result == null ? Double.NaN : result.lossSum();
        return lossSum / (miniBatch ? batch : 1) + fullNetRegTerm;
    }

    /** DL4J's per-example scores (+ {@code fullNetRegTerm}); NaN where they are not known (the model owner). */
    public double[] exampleScores(double fullNetRegTerm, int batch) {
        double[] out = new double[batch];
        double[] losses = result == null ? null : result.exampleScores();
        if (losses == null && exampleOpener != null) {
            if (openedExamples == null) {
                openedExamples = exampleOpener.get();
            }
            losses = openedExamples;
        }
        if (losses == null) {
            Arrays.fill(out, Double.NaN);
        } else {
            for (int i = 0; i < batch; i++) {
                out[i] = losses[i] + fullNetRegTerm;
            }
        }
        return out;
    }
}
