package org.securetrain.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.DenseKernel;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.backend.ShareKind;
import org.securetrain.runtime.ProtocolId;

/**
 * Implementation of {@link SecureDenseLayer} on a {@link DenseKernel}. Activations and epsilons are this
 * party's LONG shares with the plaintext shape; the weights are 64-bit shares inside the kernel.
 *
 * <p>Lifecycle in {@code MultiLayerNetwork.fit}: {@link #activate} runs the secure forward (product, bias,
 * fused exact ReLU + truncation, or truncation for identity) and the kernel keeps what backward needs.
 * {@link #backpropGradient} runs the secure backward (dZ = dY ⊙ d, dW, db, and dX for all but the first
 * layer) and then the SGD step on the shares. The step is here, at the end of backward, because dX has
 * already been computed from the pre-update W and nothing later in the iteration reads this layer's W;
 * DL4J's own update afterwards sees zero gradients and a NoOp updater and changes nothing.
 */
public class SecureDenseLayerImpl extends BaseLayer<SecureDenseLayer> implements SecureLayer {
    private transient SecureLayerContext ctx;
    private DenseKernel kernel;
    private SharedParams shared;
    private int lastBatch = -1;

    public SecureDenseLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    private String id() {
        return "layer " + getIndex() + " (SecureDenseLayer" + (layerConf().getLayerName() == null ? ""
                : " '" + layerConf().getLayerName() + "'") + ")";
    }

    private String kernelName() {
        return "layer" + getIndex() + ".dense";
    }

    private boolean relu() {
        return LayerSupport.fusedRelu(layerConf().getActivationFn(), id());
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
        SecureDenseLayer c = layerConf();
        int nIn = LayerSupport.toIntSize(c.getNIn(), "nIn", id());
        int nOut = LayerSupport.toIntSize(c.getNOut(), "nOut", id());
        long[] w = SharedParams.initialShare(params.get(SharedParams.W), be);
        long[] b = SharedParams.initialBias(params, c.hasBias(), nOut, be);
        kernel = new DenseKernel(kernelName(), nIn, nOut, relu(), w, b);
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
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return LayerSupport.guarded(ctx, id() + " forward", () -> {
            Backend be = ready();
            if (input.rank() != 2 || input.size(1) != kernel.nIn()) {
                throw new IllegalArgumentException(id() + ": expected input [batch, " + kernel.nIn() + "], got "
                        + java.util.Arrays.toString(input.shape()));
            }
            int batch = LayerSupport.toIntSize(input.size(0), "batch size", id());
            long[] x = Shares.toLongs(input, id());
            ShareKind kind = getIndex() == 0 ? ctx.inputKind() : ShareKind.BOTH;
            long[] y = kernel.forward(be, x, kind, batch);
            if (!relu()) {
                // identity: the raw product has scale 2f; bring it back to f (faithful truncation)
                y = be.truncate(y, be.fixedPoint().fracBits(), ProtocolId.parse(kernelName()).child("trunc"));
            }
            lastBatch = batch;
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, Shares.toIndArray(y, batch, kernel.nOut()));
        });
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return LayerSupport.guarded(ctx, id() + " backward", () -> {
            Backend be = ready();
            long[] dy = Shares.toLongs(epsilon, id() + " epsilon");
            boolean first = getIndex() == 0;
            long[] dx = kernel.backward(be, dy, ShareKind.BOTH, !first);
            shared.applySgdAndMonitor(be, lastBatch, ctx, params);
            Gradient g = LayerSupport.zeroGradient(gradientViews);
            // the first layer's input gradient is never used (DL4J may still hand it to a preprocessor): zeros
            INDArray eps = Shares.toIndArray(first ? new long[(int) input.length()] : dx, input.shape());
            return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps));
        });
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
