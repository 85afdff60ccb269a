package org.securetrain.layers;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.Conv2dKernel;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.backend.ShareKind;
import org.securetrain.runtime.ProtocolId;

/**
 * Implementation of {@link SecureConvolutionLayer}: same lifecycle as {@link SecureDenseLayerImpl} (secure
 * forward in activate, secure backward then the SGD step at the end of backpropGradient), on a
 * {@link Conv2dKernel} built per input size. The weight and bias shares belong to this layer (the kernel
 * computes with them and stores its gradients on them), so rebuilding the kernel for another input size keeps
 * them.
 */
public class SecureConvolutionLayerImpl extends BaseLayer<SecureConvolutionLayer> implements SecureLayer {
    private transient SecureLayerContext ctx;
    private ParameterShare weights;
    private ParameterShare bias;
    private SharedParams shared;
    private Conv2dKernel kernel;
    private ConvGeometry geometry;
    private int lastBatch = -1;
    private boolean reluDeferred; // the ReLU runs in the following max-pool layer, see ReluMaxPoolFusion

    public SecureConvolutionLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private String id() {
        return "layer " + getIndex() + " (SecureConvolutionLayer" + (layerConf().getLayerName() == null ? ""
                : " '" + layerConf().getLayerName() + "'") + ")";
    }

    private String kernelName() {
        return "layer" + getIndex() + ".conv";
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
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
        SecureConvolutionLayer c = layerConf();
        int nOut = LayerSupport.toIntSize(c.getNOut(), "nOut", id());
        weights = new ParameterShare(kernelName() + ".W", SharedParams.initialShare(params.get(SharedParams.W), be));
        bias = new ParameterShare(kernelName() + ".b", SharedParams.initialBias(params, c.hasBias(), nOut, be));
        SgdConfig wStep = SecureUpdaters.toSgdConfig(c.getIUpdater(), id());
        SgdConfig bStep = c.getBiasUpdater() == null ? wStep : SecureUpdaters.toSgdConfig(c.getBiasUpdater(), id() + " bias");
        shared = new SharedParams(kernelName(), weights, bias, c.hasBias(), wStep, bStep);
        kernel = null;
        SharedParams.zeroMonitor(params);
        if (ctx.debugRevealWeights()) {
            shared.writeMonitor(params, be);
        }
    }

    @Override
    public boolean hasShares() {
        return weights != null;
    }

    /**
     * Set by {@link ReluMaxPoolFusion} from the public configuration: this layer's ReLU is applied by the
     * following max-pool layer after pooling, so this layer outputs its raw product + bias (scale 2f, no
     * truncation) and its backward has no ReLU derivative. Holds no state across steps.
     */
    void setReluDeferred(boolean deferred) {
        if (deferred && !LayerSupport.fusedRelu(layerConf().getActivationFn(), id())) {
            throw new IllegalStateException(id() + ": only a ReLU can be deferred to the max-pool layer");
        }
        if (deferred != reluDeferred) {
            reluDeferred = deferred;
            kernel = null;
        }
    }

    /** Whether this layer's ReLU runs after the following max-pool (see {@link ReluMaxPoolFusion}). */
    public boolean reluDeferred() {
        return reluDeferred;
    }

    /** The ReLU this layer applies itself: its configured one unless deferred to the max-pool layer. */
    private boolean ownRelu() {
        return LayerSupport.fusedRelu(layerConf().getActivationFn(), id()) && !reluDeferred;
    }

    private Backend ready() {
        LayerSupport.requireContext(ctx, id());
        if (weights == null) {
            throw new IllegalStateException(id() + ": no weight shares (a clone or restored network loses them): "
                    + "use SecureTrain.reattach(net, ctx, SecureTrain.exportState(original))");
        }
        return ctx.backend();
    }

    private Conv2dKernel kernelFor(long[] shape) {
        SecureConvolutionLayer c = layerConf();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding() == null ? new int[] {0, 0} : c.getPadding();
        ConvGeometry g = new ConvGeometry((int) shape[1], (int) shape[2], (int) shape[3], (int) c.getNOut(), k[0], k[1],
                s[0], s[1], p[0], p[1]);
        if (shape[1] != c.getNIn()) {
            throw new IllegalArgumentException(id() + ": input has " + shape[1] + " channels, layer nIn is " + c.getNIn());
        }
        if (c.getConvolutionMode() == ConvolutionMode.Strict
                && ((shape[2] + 2L * p[0] - k[0]) % s[0] != 0 || (shape[3] + 2L * p[1] - k[1]) % s[1] != 0)) {
            throw new IllegalArgumentException(id() + ": Strict mode but input " + shape[2] + "x" + shape[3]
                    + " is not covered exactly by kernel " + Arrays.toString(k) + " stride " + Arrays.toString(s));
        }
        if (kernel == null || !g.equals(geometry)) {
            kernel = new Conv2dKernel(kernelName(), g.inChannels(), g.height(), g.width(), g.outChannels(), g.kh(),
                    g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), ownRelu(), weights, bias);
            geometry = g;
        }
        return kernel;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return LayerSupport.guarded(ctx, id() + " forward", () -> {
            Backend be = ready();
            if (input.rank() != 4) {
                throw new IllegalArgumentException(id() + ": expected NCHW input [batch, C, H, W], got "
                        + Arrays.toString(input.shape()));
            }
            long[] shape = input.shape();
            Conv2dKernel k = kernelFor(shape);
            int batch = LayerSupport.toIntSize(shape[0], "batch size", id());
            ShareKind kind = getIndex() == 0 ? ctx.inputKind() : ShareKind.BOTH;
            long[] y = k.forward(be, Shares.toLongs(input, id()), kind, batch);
            if (!ownRelu() && !reluDeferred) {
                y = be.truncate(y, be.fixedPoint().fracBits(), ProtocolId.parse(kernelName()).child("trunc"));
            } // deferred: the max-pool layer gets the raw scale-2f z and truncates inside its ReLU
            lastBatch = batch;
            return workspaceMgr.dup(ArrayType.ACTIVATIONS,
                    Shares.toIndArray(y, batch, geometry.outChannels(), geometry.outHeight(), geometry.outWidth()));
        });
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return LayerSupport.guarded(ctx, id() + " backward", () -> {
            Backend be = ready();
            if (kernel == null) {
                throw new IllegalStateException(id() + ": backward before forward");
            }
            boolean first = getIndex() == 0;
            long[] dx = kernel.backward(be, Shares.toLongs(epsilon, id() + " epsilon"), ShareKind.BOTH, !first);
            shared.applySgdAndMonitor(be, lastBatch, ctx, params);
            Gradient g = LayerSupport.zeroGradient(gradientViews);
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
        if (shared == null) {
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
