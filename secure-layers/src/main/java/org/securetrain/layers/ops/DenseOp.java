package org.securetrain.layers.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.securetrain.layermath.DenseKernel;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layermath.ElementwiseActivation;
import org.securetrain.layermath.PiecewiseLinear;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * A fully connected layer on a {@link DenseKernel}: X [batch, nIn] · W [nIn, nOut] + b. Forward gives the exact
 * ReLU with its truncation to scale f (derivative bits kept for backward), or the product truncated to f, then a
 * piecewise-linear activation if configured; as an output layer's logits ({@link #logits}) the raw product at scale 2f. Backward: dZ = dY ⊙ ReLU', dW,
 * db, and dX unless the layer takes the network input.
 */
public final class DenseOp extends SecureOp {
    private final FeedForwardLayer conf;
    private final boolean relu;
    private final boolean truncate;
    private final ElementwiseActivation activation;
    private ElementwiseActivation.Applied applied;
    private DenseKernel kernel;

    private DenseOp(String kind, FeedForwardLayer conf, boolean relu, boolean truncate, ElementwiseActivation activation) {
        super(kind, Layer.Type.FEED_FORWARD);
        if (activation != null && (relu || !truncate)) {
            throw new IllegalArgumentException("a piecewise-linear activation follows the truncated product only");
        }
        this.conf = conf;
        this.relu = relu;
        this.truncate = truncate;
        this.activation = activation;
    }

    /**
     * A hidden dense layer with the fused ReLU ({@code relu}), or the product truncated to f followed by
     * {@code activation} (null: identity).
     */
    public static DenseOp hidden(FeedForwardLayer conf, boolean relu, ElementwiseActivation activation) {
        return new DenseOp("dense", conf, relu, !relu, activation);
    }

    /** An output layer's logits: the product plus bias at scale 2f, no activation. */
    public static DenseOp logits(FeedForwardLayer conf) {
        return new DenseOp("output", conf, false, false, null);
    }

    public int nIn() {
        return kernel.nIn();
    }

    public int nOut() {
        return kernel.nOut();
    }

    @Override
    public Map<String, ParameterShare> initParameters(String name, Map<String, long[]> initialShares) {
        int nIn = LayerCore.intSize(conf.getNIn(), "nIn", name);
        int nOut = LayerCore.intSize(conf.getNOut(), "nOut", name);
        // without a bias parameter the kernel adds a zero share that is never trained
        kernel = new DenseKernel(name, nIn, nOut, relu, initialShares.get("W"),
                initialShares.getOrDefault("b", new long[nOut]));
        Map<String, ParameterShare> live = new LinkedHashMap<>();
        live.put("W", kernel.weights());
        if (initialShares.containsKey("b")) {
            live.put("b", kernel.bias());
        }
        return live;
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor x) {
        if (x.rank() != 2 || x.shape()[1] != kernel.nIn()) {
            throw s.badInput("input [batch, " + kernel.nIn() + "]", x.shape());
        }
        int batch = x.dim(0);
        long[] z = kernel.forward(s.be(), x.values(), x.kind(), batch);
        long[] y = z;
        if (truncate) {
            // identity: the raw product has scale 2f; bring it back to f (faithful truncation)
            y = s.be().truncate(z, s.fracBits(), s.purpose("trunc"));
        }
        if (activation != null) {
            // comparisons on the exact product z (scale 2f): the truncation's ulp never moves a value across an edge
            applied = activation.forward(s.be(), y, z, 2 * s.fracBits(), s.purpose("act"));
            y = applied.y();
        }
        return SharedTensor.of(y, batch, kernel.nOut());
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dy) {
        long[] dz = dy.values();
        org.securetrain.backend.ShareKind kind = dy.kind();
        if (activation != null) {
            dz = activation.backward(s.be(), s.fromForward(applied), dz, s.purpose("act"));
            kind = org.securetrain.backend.ShareKind.BOTH;
        }
        long[] dx = kernel.backward(s.be(), dz, kind, s.needInputGradient());
        return dx == null ? null : SharedTensor.of(dx, dy.dim(0), kernel.nIn());
    }
}
