package org.securetrain.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.LossLayer;
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
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;
import org.securetrain.layers.core.Shares;

/**
 * Implementation of {@link SecureLossLayer}: the label-owner loss on this layer's input (scale f), or in private-loss
 * mode softmax cross-entropy on shares ({@link PrivateLoss}). The flow and the
 * score are those of {@link SecureOutputLayerImpl} without the product: backward reveals the input to the data
 * owner, which computes DL4J's loss and delta; the delta, shared as (0, delta), is this layer's epsilon.
 */
public class SecureLossLayerImpl extends LossLayer implements SecureLayer {
    private final LayerCore core;
    private final LossCache loss = new LossCache();

    public SecureLossLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.core = new LayerCore(LayerHost.of(this), new SecureOp("loss", Layer.Type.FEED_FORWARD) {
            @Override
            public SharedTensor forward(OpStep step, SharedTensor x) {
                return x;
            }

            @Override
            public SharedTensor backward(OpStep step, SharedTensor dy) {
                return dy;
            }
        });
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
        loss.clear();
    }

    private int batch() {
        return LayerCore.intSize(input.size(0), "batch size", core.id());
    }

    private void ensureLoss() {
        core.guarded("loss", () -> {
            if (!loss.isSet()) {
                OpStep s = core.step(true);
                SharedTensor x = core.inputShare(input);
                if (x.rank() != 2) {
                    throw s.badInput("input [batch, n]", x.shape());
                }
                if (core.context().privateLoss()) {
                    if (maskArray != null) {
                        throw new IllegalArgumentException(core.id() + ": private-loss mode does not implement label "
                                + "masks (a masked row would need its loss and gradient zeroed on shares)");
                    }
                    PrivateLoss.Evaluation e = PrivateLoss.lossAndDelta(s.be(), x.values(), s.fracBits(), x.shape(),
                            labels, layerConf().getLossFn(), core.context().scoreReceivers(), s.purpose("loss"),
                            core.id());
                    loss.set(e.result(), () -> core.guarded("example scores",
                            () -> PrivateLoss.openExampleScores(s.be(), e, batch())));
                    return null;
                }
                core.verifyRangeBeforeOpening(s, true); // before the values are opened to the label owner
                loss.set(LabelOwnerLoss.lossAndDelta(s.be(), x.values(), s.fracBits(), x.shape(), labels,
                        layerConf().getActivationFn(), layerConf().getLossFn(), s.purpose("loss"), core.id()));
            }
            return null;
        });
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        ensureLoss();
        long[] dx = core.step(true).needInputGradient() ? loss.delta() : new long[(int) input.length()];
        return new Pair<>(new DefaultGradient(), workspaceMgr.dup(ArrayType.ACTIVATION_GRAD,
                Shares.toIndArray(dx, input.shape())));
    }

    /** DL4J's score (loss sum / batch with miniBatch, + regularisation) at the data owner, then the score exchange. */
    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + core.id());
        }
        ensureLoss();
        double mine = loss.score(fullNetRegTerm, conf().isMiniBatch(), batch());
        this.score = core.guarded("score", () -> core.context().exchangeScore(mine));
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        ensureLoss();
        int batch = batch();
        double[] out = loss.exampleScores(fullNetRegTerm, batch);
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, Nd4j.create(out, new long[] {batch, 1}, 'c')
                    .castTo(dataType));
        }
    }

    /** Inference: DL4J's activation of the input revealed to the data owner; zeros at the model owner. */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return core.guarded("output", () -> {
            OpStep s = core.step(training);
            SharedTensor x = core.inputShare(input);
            core.verifyRangeBeforeOpening(s, false);
            if (core.context().privateLoss()) { // the data owner gets the predicted class (one-hot), not the scores
                return workspaceMgr.dup(ArrayType.ACTIVATIONS, PrivateLoss.predictions(s.be(), x.values(), x.shape(),
                        s.purpose("predict"), core.id()).castTo(dataType));
            }
            long[] revealed = s.be().revealTo(LabelOwnerLoss.LABEL_OWNER, x.values(), s.purpose("input"));
            INDArray out;
            if (s.be().actsFor(LabelOwnerLoss.LABEL_OWNER)) {
                out = LabelOwnerLoss.activate(revealed, s.fracBits(), x.shape(), layerConf().getActivationFn());
            } else {
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    out = Nd4j.zeros(DataType.DOUBLE, x.shape());
                }
            }
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, out.castTo(dataType));
        });
    }

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    @Override
    public void computeGradientAndScore(LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException(core.id() + ": train secure layers through MultiLayerNetwork.fit");
    }
}
