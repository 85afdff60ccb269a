package org.securetrain.layers;

import java.util.Arrays;
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
import org.securetrain.backend.Backend;
import org.securetrain.layermath.SoftmaxCrossEntropy;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.LayerHost;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SharedTensor;
import org.securetrain.layers.core.Shares;
import org.securetrain.layers.ops.DenseOp;

/**
 * Implementation of {@link SecureOutputLayer}: the logits of a {@link DenseOp} (scale 2f, no activation) followed
 * by the label-owner softmax cross-entropy; context, shares and the update step are its {@link LayerCore}'s.
 *
 * <p>Lifecycle in {@code MultiLayerNetwork.fit} (computeGradientAndScore): DL4J sets this layer's input and
 * labels, calls {@link #backpropGradient} (the output layer's forward happens here: logits, reveal to the
 * data owner, loss and delta there, backward, then the SGD step on shares), then {@link #computeScore}.
 * Plain DL4J runs the output forward a second time for the score; here the loss of the backprop pass is
 * cached and returned, which is also what keeps the score at the pre-update weights, as in DL4J. The cache
 * is dropped whenever DL4J sets a new input or new labels.
 *
 * <p>Score: the data owner's mean loss; at the model owner whatever the data owner agreed to send
 * ({@link org.securetrain.layers.core.SecureLayerContext#exchangeScore}), else NaN. Outputs ({@link #activate},
 * used by {@code output()} and {@code evaluate()}): softmax probabilities at the data owner, from the logits
 * revealed to it; zeros at the model owner, which learns nothing about predictions (its evaluation results are
 * meaningless: it has neither predictions nor labels).
 */
public class SecureOutputLayerImpl extends BaseOutputLayer<SecureOutputLayer> implements SecureLayer {
    private final DenseOp logits;
    private final LayerCore core;
    // loss of the current input and labels (valid until either changes)
    private boolean lossCached;
    private double cachedScore = Double.NaN;
    private double[] cachedExampleLosses;

    public SecureOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.logits = DenseOp.logits((FeedForwardLayer) conf.getLayer());
        this.core = new LayerCore(LayerHost.of(this), logits);
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
        lossCached = false;
        cachedScore = Double.NaN;
        cachedExampleLosses = null;
    }

    private int batch() {
        return LayerCore.intSize(input.size(0), "batch size", core.id());
    }

    /** The data owner's one-hot labels as doubles; null at a party that does not hold them. */
    private double[] labelsAtOwner(Backend be, int batch) {
        if (!be.actsFor(SoftmaxCrossEntropy.LABEL_OWNER)) {
            return null;
        }
        if (labels == null) {
            throw new IllegalStateException(core.id() + ": the data owner must provide labels");
        }
        if (labels.rank() != 2 || labels.size(0) != batch || labels.size(1) != logits.nOut()) {
            throw new IllegalArgumentException(core.id() + ": labels must be [" + batch + ", " + logits.nOut()
                    + "], got " + Arrays.toString(labels.shape()));
        }
        return Shares.toDoubles(labels);
    }

    /** The logits' forward (kept for backward), the loss at the label owner, the score exchange; caches the loss. */
    private SoftmaxCrossEntropy.Result loss(OpStep s, SharedTensor z) {
        int batch = batch();
        double[] y = labelsAtOwner(s.be(), batch);
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.lossAndDelta(s.be(), z.values(), y, batch, logits.nOut(),
                s.purpose("loss"));
        cachedScore = core.context().exchangeScore(r.loss());
        cachedExampleLosses = r.exampleLosses();
        lossCached = true;
        return r;
    }

    private void ensureLoss() {
        core.guarded("score", () -> {
            if (!lossCached) {
                OpStep s = core.step(true);
                loss(s, logits.forward(s, core.inputShare(input)));
            }
            return null;
        });
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return core.guarded("loss and backward", () -> {
            OpStep s = core.step(true);
            SharedTensor z = logits.forward(s, core.inputShare(input));
            SoftmaxCrossEntropy.Result r = loss(s, z);
            SharedTensor dx = logits.backward(s, new SharedTensor(r.delta(), z.shape(), r.deltaKind()));
            return core.finishBackward(s, dx, batch(), input, gradientViews, workspaceMgr);
        });
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + core.id());
        }
        ensureLoss();
        this.score = cachedScore + fullNetRegTerm / batch();
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + core.id());
        }
        ensureLoss();
        int batch = batch();
        double[] out = new double[batch];
        if (cachedExampleLosses == null) {
            Arrays.fill(out, Double.NaN); // the model owner does not see per-example losses
        } else {
            for (int i = 0; i < batch; i++) {
                out[i] = cachedExampleLosses[i] + fullNetRegTerm;
            }
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, detached(out, batch, 1));
    }

    /** Inference: probabilities at the data owner (from logits revealed to it), zeros at the model owner. */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return core.guarded("output", () -> {
            OpStep s = core.step(training);
            SharedTensor z = logits.forward(s, core.inputShare(input));
            long[] revealed = s.be().revealTo(SoftmaxCrossEntropy.LABEL_OWNER, z.values(), s.purpose("logits"));
            int batch = batch();
            int classes = logits.nOut();
            // the model owner gets zeros: it sees no predictions (NaN would make DL4J's evaluation throw)
            double[] p = s.be().actsFor(SoftmaxCrossEntropy.LABEL_OWNER)
                    ? SoftmaxCrossEntropy.softmax(revealed, s.fracBits(), batch, classes) : new double[batch * classes];
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, detached(p, batch, classes));
        });
    }

    private INDArray detached(double[] values, long rows, long columns) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(values, new long[] {rows, columns}, 'c').castTo(dataType);
        }
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
