package org.securetrain.dl4j;

import org.securetrain.backend.NonlinearSettings;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.dl4j.checkpoint.SecureNetworkState;
import org.securetrain.layers.ReluMaxPoolFusion;
import org.securetrain.layers.SecureLayer;
import org.securetrain.layers.core.GraphPlacement;
import org.securetrain.layers.vertices.ShareVertexImpl;
import org.securetrain.runtime.Role;

/**
 * What {@link SecureTrain} does to a network's secure layers: build and bind them, move this party's shares
 * in and out, reveal them. Users call these through {@link SecureTrain}; the checkpoint package calls them
 * directly, so that neither it nor the facade depends on the other's internals.
 */
public final class SecureNetworks {
    private SecureNetworks() {
    }

    /** See {@link SecureTrain#attach(MultiLayerConfiguration, SecurePartyContext, INDArray)}. */
    public static MultiLayerNetwork attach(MultiLayerConfiguration conf, SecurePartyContext ctx,
            INDArray modelOwnerInitialParams) {
        MultiLayerConfiguration secure = SecureConfigurations.toSecure(conf);
        checkSessionHash(secure, ctx);
        requireOnlyModelOwnerParams(ctx, modelOwnerInitialParams);
        ctx.inputRanges(List.of(InputRange.of(secure)));
        MultiLayerNetwork net = new MultiLayerNetwork(secure);
        net.init();
        if (modelOwnerInitialParams != null) {
            setInitialParams(net.numParams(), net.params(), modelOwnerInitialParams, net::setParams);
        }
        initShares(secureLayers(net), ctx);
        ReluMaxPoolFusion.apply(net);
        return net;
    }

    /** See {@link SecureTrain#attach(ComputationGraphConfiguration, SecurePartyContext, INDArray)}. */
    public static ComputationGraph attach(ComputationGraphConfiguration conf, SecurePartyContext ctx,
            INDArray modelOwnerInitialParams) {
        ComputationGraphConfiguration secure = SecureGraphConfigurations.toSecure(conf);
        checkSessionHash(secure, ctx);
        requireOnlyModelOwnerParams(ctx, modelOwnerInitialParams);
        ComputationGraph net = new ComputationGraph(secure);
        net.init();
        if (modelOwnerInitialParams != null) {
            setInitialParams(net.numParams(), net.params(), modelOwnerInitialParams, net::setParams);
        }
        ctx.inputRanges(inputRanges(net));
        initShares(secureLayers(net), ctx);
        bindVertices(net, ctx);
        ReluMaxPoolFusion.apply(net);
        return net;
    }

    private static void requireOnlyModelOwnerParams(SecurePartyContext ctx, INDArray modelOwnerInitialParams) {
        if (modelOwnerInitialParams != null && !ctx.actsFor(Role.MODEL_OWNER)) {
            throw new IllegalArgumentException("only the model owner supplies initial parameters; the data owner "
                    + "passes null");
        }
    }

    private static void setInitialParams(long numParams, INDArray current, INDArray initial,
            java.util.function.Consumer<INDArray> set) {
        if (initial.length() != numParams) {
            throw new IllegalArgumentException("initial parameters have " + initial.length() + " values, the network "
                    + numParams);
        }
        set.accept(initial.castTo(current.dataType()));
    }

    private static void initShares(List<SecureLayer> layers, SecurePartyContext ctx) {
        for (SecureLayer l : layers) {
            l.initShares(ctx);
        }
    }

    /** See {@link SecureTrain#reattach(MultiLayerNetwork, SecurePartyContext)}. */
    public static void reattach(MultiLayerNetwork net, SecurePartyContext ctx) {
        checkSessionHash(net.getLayerWiseConfigurations(), ctx);
        bindKeepingShares(secureLayers(net), ctx);
        ctx.inputRanges(List.of(InputRange.of(net.getLayerWiseConfigurations())));
        ReluMaxPoolFusion.apply(net);
    }

    /** See {@link SecureTrain#reattach(ComputationGraph, SecurePartyContext)}. */
    public static void reattach(ComputationGraph net, SecurePartyContext ctx) {
        checkSessionHash(net.getConfiguration(), ctx);
        bindKeepingShares(secureLayers(net), ctx);
        bindVertices(net, ctx);
        ctx.inputRanges(inputRanges(net));
        ReluMaxPoolFusion.apply(net);
    }

    private static void bindKeepingShares(List<SecureLayer> layers, SecurePartyContext ctx) {
        for (int i = 0; i < layers.size(); i++) {
            if (!layers.get(i).hasShares()) {
                throw new IllegalStateException(layers.get(i).core().id() + " has no weight shares (a clone or "
                        + "restored network loses them): use SecureTrain.reattach(net, ctx, "
                        + "SecureTrain.exportState(original))");
            }
        }
        for (SecureLayer l : layers) {
            l.bind(ctx);
        }
    }

    /** See {@link SecureTrain#reattach(MultiLayerNetwork, SecurePartyContext, SecureNetworkState)}. */
    public static void reattach(MultiLayerNetwork net, SecurePartyContext ctx, SecureNetworkState state) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        checkSessionHash(conf, ctx);
        importState(secureLayers(net), ctx, state, SecureConfigurations.hash(conf, state.fracBits()));
        ctx.inputRanges(List.of(InputRange.of(conf)));
        ReluMaxPoolFusion.apply(net);
    }

    /** See {@link SecureTrain#reattach(ComputationGraph, SecurePartyContext, SecureNetworkState)}. */
    public static void reattach(ComputationGraph net, SecurePartyContext ctx, SecureNetworkState state) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        checkSessionHash(conf, ctx);
        importState(secureLayers(net), ctx, state, SecureGraphConfigurations.hash(conf, state.fracBits()));
        bindVertices(net, ctx);
        ctx.inputRanges(inputRanges(net));
        ReluMaxPoolFusion.apply(net);
    }

    private static void importState(List<SecureLayer> layers, SecurePartyContext ctx, SecureNetworkState state,
            byte[] confHashAtStatePrecision) {
        if (state.fracBits() != ctx.fracBits() || !MessageDigest.isEqual(state.configHash(), confHashAtStatePrecision)) {
            throw new IllegalArgumentException("the state belongs to another configuration or precision (f = "
                    + state.fracBits() + ", context f = " + ctx.fracBits() + ")");
        }
        if (layers.size() != state.numLayers()) {
            throw new IllegalArgumentException("state has " + state.numLayers() + " layers, network " + layers.size());
        }
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).initShares(ctx);
            layers.get(i).importShares(state.layer(i));
        }
    }

    /** See {@link SecureTrain#exportState(MultiLayerNetwork)}. */
    public static SecureNetworkState exportState(MultiLayerNetwork net) {
        return exportState(secureLayers(net), f -> SecureConfigurations.hash(net.getLayerWiseConfigurations(), f));
    }

    /** See {@link SecureTrain#exportState(ComputationGraph)}: the layers in topological order. */
    public static SecureNetworkState exportState(ComputationGraph net) {
        return exportState(secureLayers(net), f -> SecureGraphConfigurations.hash(net.getConfiguration(), f));
    }

    private static SecureNetworkState exportState(List<SecureLayer> layers, IntFunction<byte[]> hashAtPrecision) {
        List<Map<String, long[]>> shares = new ArrayList<>();
        for (SecureLayer l : layers) {
            shares.add(l.exportShares());
        }
        if (layers.get(0).context() == null) {
            throw new IllegalStateException("network is not attached: use SecureTrain.attach or reattach first");
        }
        int f = layers.get(0).context().backend().fixedPoint().fracBits();
        return SecureNetworkState.of(hashAtPrecision.apply(f), f, shares);
    }

    /** See {@link SecureTrain#revealTo(MultiLayerNetwork, SecurePartyContext, Role)}. */
    public static MultiLayerNetwork revealTo(MultiLayerNetwork net, SecurePartyContext ctx, Role receiver) {
        return revealTo(secureLayers(net), ctx, receiver, () -> {
            MultiLayerNetwork plain = new MultiLayerNetwork(
                    SecureConfigurations.toPlain(net.getLayerWiseConfigurations()));
            plain.init();
            return plain;
        }, (plain, secureLayer) -> plain.getLayer(secureLayer.getIndex()));
    }

    /** See {@link SecureTrain#revealTo(ComputationGraph, SecurePartyContext, Role)}. */
    public static ComputationGraph revealTo(ComputationGraph net, SecurePartyContext ctx, Role receiver) {
        return revealTo(secureLayers(net), ctx, receiver, () -> {
            ComputationGraph plain = new ComputationGraph(SecureGraphConfigurations.toPlain(net.getConfiguration()));
            plain.init();
            return plain;
        }, (plain, secureLayer) -> plain.getLayer(secureLayer.conf().getLayer().getLayerName()));
    }

    /**
     * Every layer's parameters revealed to {@code receiver} (both parties call it) and written into the plain twin
     * there ({@code plainTwin}; {@code plainLayerOf} finds a secure layer's plain counterpart); null at the other party.
     */
    private static <N> N revealTo(List<SecureLayer> layers, SecurePartyContext ctx, Role receiver,
            java.util.function.Supplier<N> plainTwin, java.util.function.BiFunction<N, Layer, Layer> plainLayerOf) {
        List<Map<String, double[]>> revealed = new ArrayList<>();
        for (SecureLayer l : layers) {
            l.bind(ctx);
            revealed.add(l.revealParams(receiver.id()));
        }
        if (!ctx.actsFor(receiver)) {
            return null;
        }
        N plain = plainTwin.get();
        for (int i = 0; i < revealed.size(); i++) {
            assign(plainLayerOf.apply(plain, (Layer) layers.get(i)), revealed.get(i));
        }
        return plain;
    }

    private static void assign(Layer plainLayer, Map<String, double[]> values) {
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            INDArray view = plainLayer.getParam(e.getKey());
            view.assign(Nd4j.create(e.getValue(), view.shape(), 'c').castTo(view.dataType()));
        }
    }

    /**
     * A two-party context's session must carry the hash of this configuration with this context's choices (precision,
     * loss mode and its leakage, debug reveal), so both parties agreed to all of them at the handshake; in
     * label-owner mode a network whose logits are affine in the data owner's input is refused.
     */
    private static void checkSessionHash(MultiLayerConfiguration conf, SecurePartyContext ctx) {
        if (ctx.lossMode() != null) {
            SecureConfigurations.requireLossModeFits(SecureConfigurations.toSecure(conf), ctx.fracBits(), ctx.lossMode());
        }
        checkSessionHash(ctx, () -> ctx.configHash(conf));
    }

    private static void checkSessionHash(ComputationGraphConfiguration conf, SecurePartyContext ctx) {
        if (ctx.lossMode() != null) {
            SecureGraphConfigurations.requireLossModeFits(SecureGraphConfigurations.toSecure(conf), ctx.fracBits(),
                    ctx.lossMode());
        }
        checkSessionHash(ctx, () -> ctx.configHash(conf));
    }

    private static void checkSessionHash(SecurePartyContext ctx, java.util.function.Supplier<byte[]> expectedHash) {
        if (ctx.session() == null) {
            return;
        }
        byte[] expected = expectedHash.get();
        if (!MessageDigest.isEqual(expected, ctx.session().options().configHash())) {
            throw new IllegalStateException("the session was not opened with this context's configuration hash: build "
                    + "SessionOptions with configHash(builder.configHash(conf)) at both parties, from the same "
                    + "fracBits (" + ctx.fracBits() + "), non-linear settings (" + (ctx.nonlinear() == null ? "default"
                    : ctx.nonlinear().configString()) + "), range guard, loss mode (" + ctx.lossMode() + ")"
                    + (ctx.debugRevealWeights() ? " and insecureDebugRevealWeights()" : " and no debug reveal")
                    + ", so that parties that differ fail at the handshake");
        }
    }

    /**
     * A graph's secure layers in topological order (the order of its exported state), each told where it sits: whether
     * it reads the network input, and which one's backward ends an iteration (the first).
     */
    private static List<SecureLayer> secureLayers(ComputationGraph net) {
        GraphVertex[] vertices = net.getVertices();
        if (vertices == null) {
            throw new IllegalStateException("network is not initialised");
        }
        List<SecureLayer> out = new ArrayList<>();
        for (int idx : net.topologicalSortOrder()) {
            GraphVertex v = vertices[idx];
            if (!v.hasLayer()) {
                continue;
            }
            if (!(v.getLayer() instanceof SecureLayer s)) {
                throw new IllegalStateException("vertex '" + v.getVertexName() + "' ("
                        + v.getLayer().getClass().getSimpleName() + ") is not a secure layer: build the network with "
                        + "SecureTrain.attach");
            }
            s.core().placeInGraph(new GraphPlacement(readsNetworkInput(vertices, v), out.isEmpty(), net::batchSize));
            out.add(s);
        }
        return out;
    }

    /** Binds the context to the secure vertices (those with a truncation need the backend). */
    private static void bindVertices(ComputationGraph net, SecurePartyContext ctx) {
        for (GraphVertex v : net.getVertices()) {
            if (v instanceof ShareVertexImpl s) {
                s.bind(ctx);
            }
        }
    }

    private static boolean readsNetworkInput(GraphVertex[] vertices, GraphVertex v) {
        for (VertexIndices in : v.getInputVertices()) {
            if (vertices[in.getVertexIndex()].isInputVertex()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Per network input (in DL4J's input order, which is its vertex numbering), the input range of the first layer that
     * reads that input directly; whole examples when only vertices read it.
     */
    private static List<InputRange> inputRanges(ComputationGraph net) {
        GraphVertex[] vertices = net.getVertices();
        int inputs = net.getConfiguration().getNetworkInputs().size();
        List<InputRange> out = new ArrayList<>();
        for (int input = 0; input < inputs; input++) {
            org.deeplearning4j.nn.conf.layers.Layer first = null;
            for (int idx : net.topologicalSortOrder()) {
                GraphVertex v = vertices[idx];
                if (first == null && v.hasLayer() && readsInput(v, input)) {
                    first = v.getLayer().conf().getLayer();
                }
            }
            out.add(InputRange.of(first));
        }
        return out;
    }

    private static boolean readsInput(GraphVertex v, int inputVertexIndex) {
        for (VertexIndices in : v.getInputVertices()) {
            if (in.getVertexIndex() == inputVertexIndex) {
                return true;
            }
        }
        return false;
    }

    private static List<SecureLayer> secureLayers(MultiLayerNetwork net) {
        List<SecureLayer> out = new ArrayList<>();
        Layer[] layers = net.getLayers();
        if (layers == null) {
            throw new IllegalStateException("network is not initialised");
        }
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof SecureLayer s)) {
                throw new IllegalStateException("layer " + i + " (" + layers[i].getClass().getSimpleName()
                        + ") is not a secure layer: build the network with SecureTrain.attach");
            }
            out.add(s);
        }
        return out;
    }
}
