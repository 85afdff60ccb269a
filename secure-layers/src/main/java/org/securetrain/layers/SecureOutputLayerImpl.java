package org.securetrain.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.layers.core.LabelOwnerLoss;
import org.securetrain.layers.core.LossCache;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.LayerHost;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.PrivateLoss;
import org.securetrain.layers.core.SharedTensor;
import org.securetrain.layers.core.Shares;
import org.securetrain.layers.ops.DenseOp;

/**
 * Implementation of {@link SecureOutputLayer}: the pre-activation outputs of a {@link DenseOp} (scale 2f) followed by
 * the label-owner loss ({@link LabelOwnerLoss}: DL4J's own output activation and loss function at the data owner) or,
 * in private-loss mode, softmax cross-entropy on shares ({@link PrivateLoss}); context, shares and the update step are
 * its {@link LayerCore}'s.
 *
 * <p>Lifecycle in {@code MultiLayerNetwork.fit} (computeGradientAndScore): DL4J sets this layer's input and
 * labels, calls {@link #backpropGradient} (the output layer's forward happens here: pre-outputs, reveal to the
 * data owner, loss and delta there, backward, then the optimiser step on shares), then the layers' regularisation
 * scores and {@link #computeScore}. Plain DL4J runs the output forward a second time for the score; here the loss of
 * the backprop pass is cached and returned, which is also what keeps the score at the pre-update weights, as in
 * DL4J. The cache is dropped whenever DL4J sets a new input or new labels.
 *
 * <p>Score: DL4J's formula, loss sum / batch (unless {@code miniBatch(false)}) + the regularisation term, at the data
 * owner; at the model owner whatever the data owner agreed to send
 * ({@link org.securetrain.layers.core.SecureLayerContext#exchangeScore}), else NaN. Outputs ({@link #activate},
 * used by {@code output()} and {@code evaluate()}): DL4J's output activation at the data owner, from the
 * pre-outputs revealed to it; zeros at the model owner, which learns nothing about predictions (its evaluation
 * results are meaningless: it has neither predictions nor labels).
 */
public class SecureOutputLayerImpl extends BaseOutputLayer<SecureOutputLayer> implements SecureLayer {
    private final DenseOp preOutput;
    private final LayerCore core;
    private final LossCache cachedLoss = new LossCache();

    public SecureOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.preOutput = DenseOp.logits((FeedForwardLayer) conf.getLayer());
        this.core = new LayerCore(LayerHost.of(this), preOutput);
    }

    @Override
    public LayerCore core() {
        return core;
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        super.setInput(input, workspaceMgr);
        invalidate();
    }

    @Override
    public void setLabels(INDArray labels) {
        super.setLabels(labels);
        invalidate();
    }

    private void invalidate() {
        cachedLoss.clear();
    }

    private int batch() {
        return LayerCore.intSize(input.size(0), "batch size", core.id());
    }

    /**
     * The loss of the pre-outputs z: at the label owner (label-owner mode) or on shares (private-loss mode,
     * {@link PrivateLoss}); caches it.
     */
    private LabelOwnerLoss.Result loss(OpStep s, SharedTensor z) {
        SecureOutputLayer c = layerConf();
        if (core.context().privateLoss()) {
            requireNoLabelMask();
            PrivateLoss.Evaluation e = PrivateLoss.lossAndDelta(s.be(), z.values(), 2 * s.fracBits(), z.shape(), labels,
                    c.getLossFn(), core.context().scoreReceivers(), s.purpose("loss"), core.id());
            return cachedLoss.set(e.result(), () -> core.guarded("example scores",
                    () -> PrivateLoss.openExampleScores(s.be(), e, batch())));
        }
        core.verifyRangeBeforeOpening(s, true); // before the values are opened to the label owner
        return cachedLoss.set(LabelOwnerLoss.lossAndDelta(s.be(), z.values(), 2 * s.fracBits(), z.shape(), labels,
                c.getActivationFn(), c.getLossFn(), s.purpose("loss"), core.id()));
    }

    private void requireNoLabelMask() {
        if (maskArray != null) {
            throw new IllegalArgumentException(core.id() + ": private-loss mode does not implement label masks "
                    + "(a masked row would need its loss and gradient zeroed on shares); train without a mask");
        }
    }

    private void ensureLoss(boolean training) {
        core.guarded("score", () -> {
            if (!cachedLoss.isSet()) {
                OpStep s = core.step(training);
                loss(s, preOutput.forward(s, core.trainingInput(s, input)));
            }
            return null;
        });
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return core.guarded("loss and backward", () -> {
            OpStep s = core.step(true);
            SharedTensor z = preOutput.forward(s, core.trainingInput(s, input));
            LabelOwnerLoss.Result r = loss(s, z);
            SharedTensor dx = core.dropoutBackward(s,
                    preOutput.backward(s, new SharedTensor(r.delta(), z.shape(), r.deltaKind())));
            return core.finishBackward(s, dx, batch(), input, gradientViews, workspaceMgr);
        });
    }

    /**
     * DL4J's score: loss sum / batch (with {@code miniBatch(true)}) + {@code fullNetRegTerm} at the data owner, then
     * the score exchange (the model owner gets it only if the data owner shares it).
     */
    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + core.id());
        }
        ensureLoss(training);
        double mine = cachedLoss.score(fullNetRegTerm, conf().isMiniBatch(), batch());
        this.score = core.guarded("score", () -> core.context().exchangeScore(mine));
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + core.id());
        }
        ensureLoss(false);
        int batch = batch();
        double[] out = cachedLoss.exampleScores(fullNetRegTerm, batch); // NaN at the model owner
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, detached(out, batch, 1));
    }

    /** Inference: DL4J's output activation at the data owner (from pre-outputs revealed to it), zeros elsewhere. */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return core.guarded("output", () -> {
            OpStep s = core.step(training);
            SharedTensor z = preOutput.forward(s, core.trainingInput(s, input));
            core.verifyRangeBeforeOpening(s, false);
            if (core.context().privateLoss()) {
                // private-loss mode: the data owner gets the predicted class (one-hot), not the scores
                INDArray classes = PrivateLoss.predictions(s.be(), z.values(), z.shape(), s.purpose("predict"), core.id());
                return workspaceMgr.dup(ArrayType.ACTIVATIONS, classes.castTo(dataType));
            }
            long[] revealed = s.be().revealTo(LabelOwnerLoss.LABEL_OWNER, z.values(), s.purpose("logits"));
            int batch = batch();
            int outputs = preOutput.nOut();
            // the model owner gets zeros: it sees no predictions (NaN would make DL4J's evaluation throw)
            INDArray out = s.be().actsFor(LabelOwnerLoss.LABEL_OWNER)
                    ? LabelOwnerLoss.activate(revealed, 2 * s.fracBits(), z.shape(), layerConf().getActivationFn())
                    : detached(new double[batch * outputs], batch, outputs);
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, out.castTo(dataType));
        });
    }

    private INDArray detached(double[] values, long rows, long columns) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(values, new long[] {rows, columns}, 'c').castTo(dataType);
        }
    }

    /** The layer's pre-update regularisation term (see {@link LayerCore#regularizationScore}). */
    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return core.regularizationScore();
    }

    /** Layer-level training (outside MultiLayerNetwork) is not a secure code path. */
    @Override
    public void computeGradientAndScore(LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException(core.id() + ": train secure layers through MultiLayerNetwork.fit");
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return labels;
    }
}
