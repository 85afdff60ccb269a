package org.securetrain.layers;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
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
import org.securetrain.layermath.DenseKernel;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.backend.ShareKind;
import org.securetrain.layermath.SoftmaxCrossEntropy;
import org.securetrain.runtime.ProtocolId;

/**
 * Implementation of {@link SecureOutputLayer}: a dense kernel without ReLU (logits at scale 2f) followed by
 * the label-owner softmax cross-entropy.
 *
 * <p>Lifecycle in {@code MultiLayerNetwork.fit} (computeGradientAndScore): DL4J sets this layer's input and
 * labels, calls {@link #backpropGradient} (the output layer's forward happens here: logits, reveal to the
 * data owner, loss and delta there, backward, then the SGD step on shares), then {@link #computeScore}.
 * Plain DL4J runs the output forward a second time for the score; here the loss of the backprop pass is
 * cached and returned, which is also what keeps the score at the pre-update weights, as in DL4J. The cache
 * is dropped whenever DL4J sets a new input or new labels.
 *
 * <p>Score: the data owner's mean loss; at the model owner whatever the data owner agreed to send
 * ({@link SecureLayerContext#exchangeScore}), else NaN. Outputs ({@link #activate}, used by
 * {@code output()} and {@code evaluate()}): softmax probabilities at the data owner, from the logits revealed
 * to it; zeros at the model owner, which learns nothing about predictions (its evaluation results are
 * meaningless: it has neither predictions nor labels).
 */
public class SecureOutputLayerImpl extends BaseOutputLayer<SecureOutputLayer> implements SecureLayer {
    private transient SecureLayerContext ctx;
    private DenseKernel kernel;
    private SharedParams shared;
    // loss of the current input and labels (valid until either changes)
    private boolean lossCached;
    private double cachedScore = Double.NaN;
    private double[] cachedExampleLosses;

    public SecureOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private String id() {
        return "layer " + getIndex() + " (SecureOutputLayer" + (layerConf().getLayerName() == null ? ""
                : " '" + layerConf().getLayerName() + "'") + ")";
    }

    private String kernelName() {
        return "layer" + getIndex() + ".output";
    }

    @Override
    public void bind(SecureLayerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public SecureLayerContext context() {
        return ctx;
    }

    @Override
    public void initShares(SecureLayerContext ctx) {
        this.ctx = ctx;
        Backend be = ctx.backend();
        SecureOutputLayer c = layerConf();
        int nIn = LayerSupport.toIntSize(c.getNIn(), "nIn", id());
        int nOut = LayerSupport.toIntSize(c.getNOut(), "nOut", id());
        long[] w = SharedParams.initialShare(params.get(SharedParams.W), be);
        long[] b = SharedParams.initialBias(params, c.hasBias(), nOut, be);
        kernel = new DenseKernel(kernelName(), nIn, nOut, false, w, b);
        SgdConfig wStep = SecureUpdaters.toSgdConfig(c.getIUpdater(), id());
        SgdConfig bStep = c.getBiasUpdater() == null ? wStep : SecureUpdaters.toSgdConfig(c.getBiasUpdater(), id() + " bias");
        shared = new SharedParams(kernelName(), kernel.weights(), kernel.bias(), c.hasBias(), wStep, bStep);
        SharedParams.zeroMonitor(params);
        if (ctx.debugRevealWeights()) {
            shared.writeMonitor(params, be);
        }
    }

    @Override
    public boolean hasShares() {
        return kernel != null;
    }

    private Backend ready() {
        LayerSupport.requireContext(ctx, id());
        if (kernel == null) {
            throw new IllegalStateException(id() + ": no weight shares (a clone or restored network loses them): "
                    + "use SecureTrain.reattach(net, ctx, SecureTrain.exportState(original))");
        }
        return ctx.backend();
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
        return LayerSupport.toIntSize(input.size(0), "batch size", id());
    }

    /** Logits share [batch, nOut] at scale 2f (the kernel keeps its input for backward). */
    private long[] logits(Backend be) {
        if (input.rank() != 2 || input.size(1) != kernel.nIn()) {
            throw new IllegalArgumentException(id() + ": expected input [batch, " + kernel.nIn() + "], got "
                    + Arrays.toString(input.shape()));
        }
        ShareKind kind = getIndex() == 0 ? ctx.inputKind() : ShareKind.BOTH;
        return kernel.forward(be, Shares.toLongs(input, id()), kind, batch());
    }

    /** The data owner's one-hot labels as doubles; null at a party that does not hold them. */
    private double[] labelsAtOwner(Backend be, int batch) {
        if (!be.actsFor(SoftmaxCrossEntropy.LABEL_OWNER)) {
            return null;
        }
        if (labels == null) {
            throw new IllegalStateException(id() + ": the data owner must provide labels");
        }
        if (labels.rank() != 2 || labels.size(0) != batch || labels.size(1) != kernel.nOut()) {
            throw new IllegalArgumentException(id() + ": labels must be [" + batch + ", " + kernel.nOut() + "], got "
                    + Arrays.toString(labels.shape()));
        }
        return Shares.toDoubles(labels);
    }

    private SoftmaxCrossEntropy.Result loss(Backend be, long[] logits) {
        int batch = batch();
        double[] y = labelsAtOwner(be, batch);
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.lossAndDelta(be, logits, y, batch, kernel.nOut(),
                ProtocolId.parse(kernelName()).child("loss"));
        cachedScore = ctx.exchangeScore(r.loss());
        cachedExampleLosses = r.probabilities() == null ? null : exampleLosses(r.probabilities(), y, batch, kernel.nOut());
        lossCached = true;
        return r;
    }

    private static double[] exampleLosses(double[] p, double[] y, int batch, int classes) {
        double[] out = new double[batch];
        for (int r = 0; r < batch; r++) {
            double l = 0;
            for (int c = 0; c < classes; c++) {
                double yc = y[r * classes + c];
                if (yc != 0) {
                    l -= yc * Math.log(Math.max(p[r * classes + c], 1e-300));
                }
            }
            out[r] = l;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return LayerSupport.guarded(ctx, id() + " loss and backward", () -> {
            Backend be = ready();
            SoftmaxCrossEntropy.Result r = loss(be, logits(be));
            boolean first = getIndex() == 0;
            long[] dx = kernel.backward(be, r.delta(), r.deltaKind(), !first);
            shared.applySgdAndMonitor(be, batch(), ctx, params); // after dX, which used the pre-update W (see class comment)
            Gradient g = LayerSupport.zeroGradient(gradientViews);
            INDArray eps = Shares.toIndArray(first ? new long[(int) input.length()] : dx, input.shape());
            return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps));
        });
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + id());
        }
        LayerSupport.guarded(ctx, id() + " score", () -> {
            if (!lossCached) {
                Backend be = ready();
                loss(be, logits(be));
            }
            return null;
        });
        this.score = cachedScore + fullNetRegTerm / batch();
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + id());
        }
        LayerSupport.guarded(ctx, id() + " score", () -> {
            if (!lossCached) {
                Backend be = ready();
                loss(be, logits(be));
            }
            return null;
        });
        int batch = batch();
        double[] out = new double[batch];
        if (cachedExampleLosses == null) {
            Arrays.fill(out, Double.NaN); // the model owner does not see per-example losses
        } else {
            for (int i = 0; i < batch; i++) {
                out[i] = cachedExampleLosses[i] + fullNetRegTerm;
            }
        }
        INDArray a;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            a = Nd4j.create(out, new long[] {batch, 1}, 'c').castTo(dataType);
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, a);
    }

    /** Inference: probabilities at the data owner (from logits revealed to it), zeros at the model owner. */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return LayerSupport.guarded(ctx, id() + " output", () -> {
            Backend be = ready();
            long[] z = logits(be);
            long[] revealed = be.revealTo(SoftmaxCrossEntropy.LABEL_OWNER, z,
                    ProtocolId.parse(kernelName()).child("logits"));
            int batch = batch();
            int classes = kernel.nOut();
            double[] p = new double[batch * classes];
            if (be.actsFor(SoftmaxCrossEntropy.LABEL_OWNER)) {
                softmax(revealed, be.fixedPoint().ulp() * be.fixedPoint().ulp(), batch, classes, p);
            } // else zeros: the model owner sees no predictions (NaN would make DL4J's evaluation throw)
            INDArray a;
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                a = Nd4j.create(p, new long[] {batch, classes}, 'c').castTo(dataType);
            }
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, a);
        });
    }

    private static void softmax(long[] logits2f, double inv, int batch, int classes, double[] p) {
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
    }

    /** Layer-level training (outside MultiLayerNetwork) is not a secure code path. */
    @Override
    public void computeGradientAndScore(LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException(id() + ": train secure layers through MultiLayerNetwork.fit");
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return labels;
    }

    @Override
    public Map<String, long[]> exportShares() {
        ready();
        return shared.export();
    }

    @Override
    public void importShares(Map<String, long[]> shares) {
        if (kernel == null) {
            throw new IllegalStateException(id() + ": initialise shares (attach) before importing");
        }
        shared.importFrom(shares);
    }

    @Override
    public Map<String, double[]> revealParams(int receiver) {
        Backend be = ready();
        return LayerSupport.guarded(ctx, id() + " reveal", () -> shared.reveal(be, receiver));
    }
}
