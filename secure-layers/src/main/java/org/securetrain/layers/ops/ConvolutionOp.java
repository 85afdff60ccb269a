package org.securetrain.layers.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.securetrain.layermath.Conv2dKernel;
import org.securetrain.layermath.Im2col;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.PiecewiseLinear;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * A 2-D convolution (NCHW, zero padding, Truncate or Strict mode) on a {@link Conv2dKernel} built per input size.
 * The weight and bias shares (and their optimiser state) belong to this op: the kernel computes with them and
 * stores its gradients on them, so rebuilding it for another input size keeps them.
 * Forward: the fused exact ReLU with truncation, or for identity the product truncated to f; with the ReLU
 * deferred to the following max-pool ({@link #setReluDeferred}) the raw product + bias at scale 2f.
 */
public final class ConvolutionOp extends SecureOp {
    private final ConvolutionLayer conf;
    private final boolean relu;
    private final PiecewiseLinear activation;
    private PiecewiseLinear.Applied applied;
    private boolean reluDeferred;
    private ParameterShare weights;
    private ParameterShare bias;
    private final Windows.KernelPerImage<Conv2dKernel> kernel = new Windows.KernelPerImage<>();

    /** @param relu the configuration's activation is the fused ReLU (else identity) */
    public ConvolutionOp(ConvolutionLayer conf, boolean relu) {
        this(conf, relu, null);
    }

    /**
     * @param relu       the configuration's activation is the fused ReLU
     * @param activation else a piecewise-linear activation after the truncated product (null: identity)
     */
    public ConvolutionOp(ConvolutionLayer conf, boolean relu, PiecewiseLinear activation) {
        super("conv", Layer.Type.CONVOLUTIONAL);
        if (relu && activation != null) {
            throw new IllegalArgumentException("fused ReLU or a piecewise-linear activation, not both");
        }
        this.conf = conf;
        this.relu = relu;
        this.activation = activation;
    }

    /** Whether the configured activation is the fused ReLU. */
    public boolean relu() {
        return relu;
    }

    /**
     * Set from the public configuration (see {@code ReluMaxPoolFusion}): this layer's ReLU is applied by the
     * following max-pool layer after pooling, so this layer outputs its raw product + bias (scale 2f, no
     * truncation) and its backward has no ReLU derivative. Holds no state across steps.
     */
    public void setReluDeferred(boolean deferred) {
        if (deferred && !relu) {
            throw new IllegalStateException("convolution " + conf.getLayerName() + ": only a ReLU can be deferred to "
                    + "the max-pool layer");
        }
        if (deferred != reluDeferred) {
            reluDeferred = deferred;
            kernel.invalidate();
        }
    }

    /** Whether this layer's ReLU runs after the following max-pool. */
    public boolean reluDeferred() {
        return reluDeferred;
    }

    @Override
    public Map<String, ParameterShare> initParameters(String name, Map<String, long[]> initialShares) {
        int nOut = LayerCore.intSize(conf.getNOut(), "nOut", name);
        weights = new ParameterShare(name + ".W", initialShares.get("W"));
        bias = new ParameterShare(name + ".b", initialShares.getOrDefault("b", new long[nOut]));
        kernel.invalidate();
        Map<String, ParameterShare> live = new LinkedHashMap<>();
        live.put("W", weights);
        if (initialShares.containsKey("b")) {
            live.put("b", bias);
        }
        return live;
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor x) {
        Windows.requireNchw(s, x);
        long[] shape = x.shape();
        int[] k = conf.getKernelSize();
        int[] st = conf.getStride();
        int[] p = Windows.padding(conf.getPadding());
        if (shape[1] != conf.getNIn()) {
            throw new IllegalArgumentException(s.id() + ": input has " + shape[1] + " channels, layer nIn is "
                    + conf.getNIn());
        }
        Windows.checkStrict(s, conf.getConvolutionMode(), shape, k, st, p);
        Conv2dKernel c = kernel.get(shape, in -> new Conv2dKernel(s.name(), (int) in[1], (int) in[2], (int) in[3],
                (int) conf.getNOut(), k[0], k[1], st[0], st[1], p[0], p[1], relu && !reluDeferred, weights, bias));
        int batch = x.dim(0);
        long[] y = c.forward(s.be(), x.values(), x.kind(), batch);
        if (!relu) {
            y = s.be().truncate(y, s.fracBits(), s.purpose("trunc"));
            if (activation != null) {
                applied = activation.forward(s.be(), y, s.purpose("act"));
                y = applied.y();
            }
        } // deferred ReLU: the max-pool layer gets the raw scale-2f z and truncates inside its ReLU
        Im2col.Geometry g = c.geometry(batch);
        return SharedTensor.of(y, batch, g.outC(), g.outH(), g.outW());
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dy) {
        long[] dz = dy.values();
        org.securetrain.backend.ShareKind kind = dy.kind();
        if (activation != null) {
            if (applied == null) {
                throw new IllegalStateException(s.id() + ": backward before forward");
            }
            dz = activation.backward(s.be(), applied, dz, s.purpose("act"));
            kind = org.securetrain.backend.ShareKind.BOTH;
        }
        long[] dx = kernel.current(s).backward(s.be(), dz, kind, s.needInputGradient());
        return dx == null ? null : SharedTensor.of(dx, kernel.inputShape(dy.dim(0)));
    }
}
