package org.securetrain.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** A user-written loss, as a DL4J user would write one: 0.5 * sum (y - a)^2 per example. */
public class HalfSquaredLoss implements ILossFunction {

    private INDArray diff(INDArray labels, INDArray preOutput, IActivation fn) {
        return fn.getActivation(preOutput.dup(), true).rsubi(labels);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        double s = computeScoreArray(labels, preOutput, fn, mask).sumNumber().doubleValue();
        return average ? s / labels.size(0) : s;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray d = diff(labels, preOutput, fn);
        return d.muli(d).sum(true, 1).muli(0.5);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray dLda = diff(labels, preOutput, fn).negi();
        return fn.backprop(preOutput.dup(), dLda).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation fn,
            INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, fn, mask, average),
                computeGradient(labels, preOutput, fn, mask));
    }

    @Override
    public String name() {
        return "HalfSquaredLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HalfSquaredLoss;
    }

    @Override
    public int hashCode() {
        return 17;
    }
}
