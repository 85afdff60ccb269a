package org.securetrain.layers.core;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.securetrain.backend.Backend;
import org.securetrain.backend.ShareKind;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * The loss of an output layer in label-owner mode (DESIGN.md 4.6), for every DL4J output activation and
 * {@link ILossFunction} (built-in or user-written): the pre-activation outputs are revealed to the data owner only,
 * who computes the activation, the score, the per-example scores and dL/d(pre-output) with DL4J's own code
 * ({@code computeGradientAndScore}, {@code computeScoreArray}: its clipping, weights and conventions), and re-shares
 * the gradient as (0, delta). The model owner learns nothing; the data owner learns the pre-activation outputs of its
 * own batches, which it already sees for softmax (no new leakage: docs/security/dl4j.md).
 */
public final class LabelOwnerLoss {
    /** The party that holds the labels and computes the loss. */
    public static final int LABEL_OWNER = 1;

    private LabelOwnerLoss() {
    }

    /**
     * @param lossSum       DL4J's {@code computeScore(..., average = false)}: the sum over the batch (NaN at the model
     *                      owner); the layer divides by the batch size as DL4J does
     * @param exampleScores DL4J's {@code computeScoreArray} (null at the model owner)
     * @param delta         shares of dL/d(pre-output), scale f, a batch sum (DL4J's convention), kind
     *                      {@link ShareKind#ONLY_PARTY1}
     */
    public record Result(double lossSum, double[] exampleScores, long[] delta, ShareKind deltaKind) {
    }

    /**
     * Reveals {@code preOut} (this party's share at scale 2^scaleBits, shape {@code shape}) to the label owner and
     * computes the loss there. Both parties call it; {@code labels} is the data owner's (ignored elsewhere).
     */
    public static Result lossAndDelta(Backend be, long[] preOut, int scaleBits, long[] shape, INDArray labels,
            IActivation activation, ILossFunction loss, ProtocolId id, String where) {
        long[] revealed = be.revealTo(LABEL_OWNER, preOut, id.child("preout"));
        if (!be.actsFor(LABEL_OWNER)) {
            return new Result(Double.NaN, null, new long[preOut.length], ShareKind.ONLY_PARTY1);
        }
        if (labels == null) {
            throw new IllegalStateException(where + ": the data owner must provide labels");
        }
        // the loss function checks the rest (e.g. a mixture density has fewer label columns than outputs)
        if (labels.rank() != shape.length || labels.size(0) != shape[0]) {
            throw new IllegalArgumentException(where + ": labels must be rank " + shape.length + " with " + shape[0]
                    + " examples (outputs " + Arrays.toString(shape) + "), got " + Arrays.toString(labels.shape()));
        }
        INDArray z = decode(revealed, scaleBits, shape);
        INDArray y = labels.castTo(DataType.DOUBLE);
        // DOUBLE: every bit of the revealed fixed-point values survives (DL4J casts to the network type itself)
        Pair<Double, INDArray> gs;
        INDArray perExample;
        try {
            gs = loss.computeGradientAndScore(y, z.dup(), activation, null, false);
            perExample = loss.computeScoreArray(y, z.dup(), activation, null);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(where + ": labels must be what the loss " + loss + " accepts for "
                    + "outputs " + Arrays.toString(shape) + ", got " + Arrays.toString(labels.shape()) + " ("
                    + e.getMessage() + ")", e);
        }
        FixedPoint fp = be.fixedPoint();
        double[] g = Shares.toDoubles(gs.getSecond());
        long[] delta;
        try {
            delta = fp.encode(g);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ": the loss gradient does not fit the fixed-point range ("
                    + e.getMessage() + "); check the loss and the label range", e);
        }
        return new Result(gs.getFirst(), Shares.toDoubles(perExample), delta, ShareKind.ONLY_PARTY1);
    }

    /** The output activation of revealed pre-outputs (inference at the label owner). */
    public static INDArray activate(long[] revealed, int scaleBits, long[] shape, IActivation activation) {
        return activation.getActivation(decode(revealed, scaleBits, shape), false);
    }

    /** Plain values of a revealed tensor at scale 2^scaleBits, as a detached DOUBLE array. */
    public static INDArray decode(long[] revealed, int scaleBits, long[] shape) {
        double inv = Math.scalb(1.0, -scaleBits);
        double[] v = new double[revealed.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = revealed[i] * inv;
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(v, shape, 'c');
        }
    }
}
