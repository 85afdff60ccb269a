package org.securetrain.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
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
 * unfused. In a {@code ComputationGraph} ({@link #apply(ComputationGraph)}) the pattern is the same chain: a
 * convolution vertex with ReLU whose only consumer is a max-pool layer vertex without a preprocessor (a convolution
 * that also feeds a skip connection or a merge keeps its ReLU: that consumer needs the activated values).
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

    /**
     * {@link #apply(MultiLayerNetwork)} for an initialised graph: fuses every convolution (ReLU) vertex whose only
     * consumer is a max-pool layer vertex with no preprocessor. Returns the number of fused pairs.
     */
    public static int apply(ComputationGraph net) {
        GraphVertex[] vertices = net.getVertices();
        if (vertices == null) {
            throw new IllegalStateException("network is not initialised");
        }
        boolean[] fuse = new boolean[vertices.length];
        int pairs = 0;
        for (GraphVertex v : vertices) {
            VertexIndices[] out = v.getOutputVertices();
            if (v.hasLayer() && op(v.getLayer()) instanceof ConvolutionOp conv && conv.relu() && out != null
                    && out.length == 1) {
                GraphVertex next = vertices[out[0].getVertexIndex()];
                if (next instanceof LayerVertex lv && op(lv.getLayer()) instanceof MaxPoolOp
                        && lv.getLayerPreProcessor() == null) {
                    fuse[v.getVertexIndex()] = true;
                    pairs++;
                }
            }
        }
        for (GraphVertex v : vertices) {
            if (!v.hasLayer()) {
                continue;
            }
            if (op(v.getLayer()) instanceof ConvolutionOp conv) {
                conv.setReluDeferred(fuse[v.getVertexIndex()]);
            }
            if (op(v.getLayer()) instanceof MaxPoolOp pool) {
                VertexIndices[] in = v.getInputVertices();
                pool.setReluAfter(in != null && in.length == 1 && fuse[in[0].getVertexIndex()]);
            }
        }
        return pairs;
    }

    private static SecureOp op(Layer layer) {
        return layer instanceof SecureLayer s ? s.core().op() : null;
    }
}
