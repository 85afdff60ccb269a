package org.securetrain.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.ops.ConvolutionOp;
import org.securetrain.layers.ops.MaxPoolOp;

/**
 * Applies a convolution's ReLU after the max-pool that directly follows it instead of before: the garbled
 * ReLU then runs on the pooled values (k = kh*kw times fewer elements, 4x for 2x2 pooling) rather than on
 * every convolution output. An exact reorder: ReLU (with the truncation to scale f) is monotone
 * non-decreasing, so max-pool(ReLU(z)) = ReLU(max-pool(z)) bit for bit; the backward pass routes the
 * same deltas except in sub-ulp tie cases described in {@link org.securetrain.layermath.MaxPoolKernel}.
 *
 * <p>The decision is a deterministic function of the public configuration only (layer types, the
 * convolution's activation, preprocessors), so both parties, holding the same configuration (bound by the
 * session's config hash), fuse the same pairs. Nothing in the configuration or its JSON changes: the
 * user's network is the same. The pattern is exactly: layer i a {@link ConvolutionOp} with {@link SecureReLU},
 * layer i+1 a {@link MaxPoolOp} with no input preprocessor in between. Every other layer is left (or reset to)
 * unfused.
 */
public final class ReluMaxPoolFusion {
    private ReluMaxPoolFusion() {
    }

    /**
     * Sets the fusion flags of every secure convolution and max-pool layer of an initialised network from
     * its configuration (idempotent; call before the first forward, e.g. at attach). Returns the number of
     * fused convolution -> max-pool pairs.
     */
    public static int apply(MultiLayerNetwork net) {
        Layer[] layers = net.getLayers();
        if (layers == null) {
            throw new IllegalStateException("network is not initialised");
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        boolean[] fuse = new boolean[layers.length];
        int pairs = 0;
        for (int i = 0; i + 1 < layers.length; i++) {
            if (op(layers[i]) instanceof ConvolutionOp conv && conv.relu()
                    && op(layers[i + 1]) instanceof MaxPoolOp
                    && conf.getInputPreProcess(i + 1) == null) {
                fuse[i] = true;
                pairs++;
            }
        }
        for (int i = 0; i < layers.length; i++) {
            if (op(layers[i]) instanceof ConvolutionOp conv) {
                conv.setReluDeferred(fuse[i]);
            }
            if (op(layers[i]) instanceof MaxPoolOp pool) {
                pool.setReluAfter(i > 0 && fuse[i - 1]);
            }
        }
        return pairs;
    }

    private static SecureOp op(Layer layer) {
        return layer instanceof SecureLayer s ? s.core().op() : null;
    }
}
