package org.securetrain.layers.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.securetrain.layermath.Conv2dKernel;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.securetrain.layermath.Im2col;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.ElementwiseActivation;
import org.securetrain.layermath.PiecewiseLinear;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * A 2-D convolution (NCHW, zero padding, dilation, Truncate, Strict or Same mode; or 1-D on [batch, C, T]) on a {@link Conv2dKernel} built per input size.
 * The weight and bias shares (and their optimiser state) belong to this op: the kernel computes with them and
 * stores its gradients on them, so rebuilding it for another input size keeps them.
 * Forward: the fused exact ReLU with truncation, or for identity the product truncated to f; with the ReLU
 * deferred to the following max-pool ({@link #setReluDeferred}) the raw product + bias at scale 2f.
 */
public final class ConvolutionOp extends SecureOp {
    private final ConvolutionLayer conf;
    private final boolean relu;
    private final ElementwiseActivation activation;
    private ElementwiseActivation.Applied applied;
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
    public ConvolutionOp(ConvolutionLayer conf, boolean relu, ElementwiseActivation activation) {
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

    /**
     * A 1-D convolution (DL4J's {@code Convolution1DLayer}): its [batch, C, T] input is the 2-D convolution's
     * [batch, C, T, 1] with DL4J's kernel [k, 1] (the same weights and layout). Set at construction of the layer.
     */
    public ConvolutionOp oneDimensional() {
        this.oneD = true;
        return this;
    }

    private boolean oneD;
    private OneDimWeights oneDimWeights;

    /**
     * DL4J 1.0.0-M2.1 keeps a 1-D convolution's weights in the order [k, inC, outC] (its parameter view says
     * [outC, inC, k, 1]; measured against its forward). The live share stays in DL4J's order (update, export, reveal);
     * the 2-D kernel computes on a copy in its [outC, inC, k, 1] order, refreshed at each forward, and the gradient is
     * permuted back. Both are local permutations of this party's share.
     */
    private static final class OneDimWeights {
        final int outC, inC, k;
        final ParameterShare kernel;

        OneDimWeights(String name, int outC, int inC, int k) {
            this.outC = outC;
            this.inC = inC;
            this.k = k;
            this.kernel = new ParameterShare(name + ".Wk", new long[outC * inC * k]);
        }

        void refresh(long[] dl4j) {
            long[] v = kernel.value();
            for (int o = 0; o < outC; o++) {
                for (int c = 0; c < inC; c++) {
                    for (int t = 0; t < k; t++) {
                        v[(o * inC + c) * k + t] = dl4j[(t * inC + c) * outC + o];
                    }
                }
            }
        }

        long[] toDl4j(long[] kernelOrder) {
            long[] out = new long[kernelOrder.length];
            for (int o = 0; o < outC; o++) {
                for (int c = 0; c < inC; c++) {
                    for (int t = 0; t < k; t++) {
                        out[(t * inC + c) * outC + o] = kernelOrder[(o * inC + c) * k + t];
                    }
                }
            }
            return out;
        }
    }

    private ParameterShare kernelLayoutWeights(int inC, int k) {
        int outC = (int) conf.getNOut();
        if (oneDimWeights == null || oneDimWeights.inC != inC || oneDimWeights.k != k) {
            oneDimWeights = new OneDimWeights(weights.name(), outC, inC, k);
            kernel.invalidate();
        }
        oneDimWeights.refresh(weights.value());
        return oneDimWeights.kernel;
    }
    /** The Same-mode padding of the current input, if any. */
    private final ExplicitPadding explicit = new ExplicitPadding();

    @Override
    public SharedTensor forward(OpStep s, SharedTensor in) {
        Windows.View v = Windows.View.of(s, in, oneD, conf.getKernelSize(), conf.getStride(), conf.getPadding());
        SharedTensor x = v.x();
        long[] shape = x.shape();
        int[] d = Windows.dilation(oneD ? Windows.asTimeByOne(conf.getDilation(), 1) : conf.getDilation());
        if (shape[1] != conf.getNIn()) {
            throw new IllegalArgumentException(s.id() + ": input has " + shape[1] + " channels, layer nIn is "
                    + conf.getNIn());
        }
        int[] p;
        int[] same = null;
        if (conf.getConvolutionMode() == ConvolutionMode.Same) {
            int[] h = Windows.samePadding(shape[2], v.kernel()[0], v.stride()[0], d[0]);
            int[] w = Windows.samePadding(shape[3], v.kernel()[1], v.stride()[1], d[1]);
            same = new int[] {h[0], h[1], w[0], w[1]};
            p = new int[] {0, 0};
        } else {
            p = Windows.padding(v.padding());
            Windows.checkStrict(s, conf.getConvolutionMode(), shape, v.kernel(), v.stride(), p);
        }
        long[] xv = explicit.apply(x, same, 0);
        shape = explicit.paddedShape();
        int[] pad = p;
        ParameterShare w = oneD ? kernelLayoutWeights((int) shape[1], v.kernel()[0]) : weights;
        Conv2dKernel c = kernel.get(shape, i -> new Conv2dKernel(s.name(), (int) i[1], (int) i[2], (int) i[3],
                (int) conf.getNOut(), v.kernel()[0], v.kernel()[1], v.stride()[0], v.stride()[1], pad[0], pad[1],
                relu && !reluDeferred, w, bias).dilated(d[0], d[1]));
        int batch = x.dim(0);
        long[] y = c.forward(s.be(), xv, x.kind(), batch);
        if (!relu) {
            long[] z = y;
            y = s.be().truncate(z, s.fracBits(), s.purpose("trunc"));
            if (activation != null) {
                // comparisons on the exact product z (scale 2f): the truncation's ulp never moves a value across an edge
                applied = activation.forward(s.be(), y, z, 2 * s.fracBits(), s.purpose("act"));
                y = applied.y();
            }
        } // deferred ReLU: the max-pool layer gets the raw scale-2f z and truncates inside its ReLU
        Im2col.Geometry g = c.geometry(batch);
        SharedTensor out = SharedTensor.of(y, batch, g.outC(), g.outH(), g.outW());
        return oneD ? Windows.nchwAsNcw(out) : out;
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dyIn) {
        SharedTensor dy = oneD ? Windows.ncwAsNchw(s, dyIn) : dyIn;
        long[] dz = dy.values();
        org.securetrain.backend.ShareKind kind = dy.kind();
        if (activation != null) {
            dz = activation.backward(s.be(), s.fromForward(applied), dz, s.purpose("act"));
            kind = org.securetrain.backend.ShareKind.BOTH;
        }
        long[] dx = kernel.current(s).backward(s.be(), dz, kind, s.needInputGradient());
        if (oneD) {
            // the gradient back into DL4J's layout, where the updater and export see the weights
            weights.setGradient(oneDimWeights.toDl4j(oneDimWeights.kernel.gradient()),
                    oneDimWeights.kernel.gradientScaleBits());
        }
        if (dx == null) {
            return null;
        }
        SharedTensor out = explicit.crop(dx, kernel.inputShape(dy.dim(0)));
        return oneD ? Windows.nchwAsNcw(out) : out;
    }
}
