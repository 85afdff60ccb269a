package org.securetrain.layers;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.MaxPoolKernel;

/**
 * Implementation of {@link SecureSubsamplingLayer} on a {@link MaxPoolKernel}: forward keeps the one-hot
 * argmax bits, backward routes the gradient through them (no comparison). No parameters, no update.
 * As the first layer, backward is skipped: its input gradient is never used.
 */
public class SecureSubsamplingLayerImpl extends AbstractLayer<SecureSubsamplingLayer> implements SecureLayer {
    private transient SecureLayerContext ctx;
    private MaxPoolKernel kernel;
    private long[] kernelInputShape; // [C, H, W] the kernel was built for
    private boolean reluAfter;       // fused with the preceding conv's ReLU, see ReluMaxPoolFusion

    public SecureSubsamplingLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private String id() {
        return "layer " + getIndex() + " (SecureSubsamplingLayer" + (layerConf().getLayerName() == null ? ""
                : " '" + layerConf().getLayerName() + "'") + ")";
    }

    @Override
    public Type type() {
        return Type.SUBSAMPLING;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
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
    }

    @Override
    public boolean hasShares() {
        return true;
    }

    /**
     * Set by {@link ReluMaxPoolFusion} from the public configuration: this layer's input is the preceding
     * convolution's raw output (scale 2f, no ReLU) and this layer applies that ReLU (with truncation) to
     * the pooled values. Set before the first forward; never changes the layer's (empty) state.
     */
    void setReluAfter(boolean reluAfter) {
        if (reluAfter != this.reluAfter) {
            this.reluAfter = reluAfter;
            this.kernel = null;
        }
    }

    /** Whether the preceding convolution's ReLU runs here, after the max (see {@link ReluMaxPoolFusion}). */
    public boolean reluAfter() {
        return reluAfter;
    }

    private MaxPoolKernel kernelFor(long[] shape) {
        long[] chw = {shape[1], shape[2], shape[3]};
        if (kernel == null || !Arrays.equals(chw, kernelInputShape)) {
            SecureSubsamplingLayer c = layerConf();
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            if (c.getConvolutionMode() == org.deeplearning4j.nn.conf.ConvolutionMode.Strict
                    && ((shape[2] - k[0]) % s[0] != 0 || (shape[3] - k[1]) % s[1] != 0)) {
                throw new IllegalArgumentException(id() + ": Strict mode but input " + shape[2] + "x" + shape[3]
                        + " is not covered exactly by kernel " + Arrays.toString(k) + " stride " + Arrays.toString(s));
            }
            kernel = new MaxPoolKernel("layer" + getIndex() + ".maxpool", (int) chw[0], (int) chw[1], (int) chw[2],
                    k[0], k[1], s[0], s[1], reluAfter);
            kernelInputShape = chw;
        }
        return kernel;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return LayerSupport.guarded(ctx, id() + " forward", () -> {
            Backend be = LayerSupport.requireContext(ctx, id()).backend();
            if (input.rank() != 4) {
                throw new IllegalArgumentException(id() + ": expected NCHW input [batch, C, H, W], got "
                        + Arrays.toString(input.shape()));
            }
            long[] shape = input.shape();
            MaxPoolKernel k = kernelFor(shape);
            int batch = LayerSupport.toIntSize(shape[0], "batch size", id());
            long[] y = k.forward(be, Shares.toLongs(input, id()), batch);
            return workspaceMgr.dup(ArrayType.ACTIVATIONS,
                    Shares.toIndArray(y, batch, shape[1], k.outHeight(), k.outWidth()));
        });
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return LayerSupport.guarded(ctx, id() + " backward", () -> {
            LayerSupport.requireContext(ctx, id());
            long[] dIn;
            if (getIndex() == 0) {
                dIn = new long[(int) input.length()];
            } else {
                if (kernel == null) {
                    throw new IllegalStateException(id() + ": backward before forward");
                }
                dIn = kernel.backward(ctx.backend(), Shares.toLongs(epsilon, id() + " epsilon"));
            }
            INDArray eps = Shares.toIndArray(dIn, input.shape());
            return new Pair<>(new DefaultGradient(), workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps));
        });
    }

    @Override
    public Map<String, long[]> exportShares() {
        return Collections.emptyMap();
    }

    @Override
    public void importShares(Map<String, long[]> shares) {
        if (!shares.isEmpty()) {
            throw new IllegalArgumentException(id() + ": has no parameters, got shares " + shares.keySet());
        }
    }

    @Override
    public Map<String, double[]> revealParams(int receiver) {
        return Collections.emptyMap();
    }
}
