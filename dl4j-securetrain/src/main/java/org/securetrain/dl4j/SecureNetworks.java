package org.securetrain.dl4j;

import org.securetrain.backend.NonlinearSettings;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.dl4j.checkpoint.SecureNetworkState;
import org.securetrain.layers.ReluMaxPoolFusion;
import org.securetrain.layers.SecureLayer;
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
        if (modelOwnerInitialParams != null && !ctx.actsFor(Role.MODEL_OWNER)) {
            throw new IllegalArgumentException("only the model owner supplies initial parameters; the data owner "
                    + "passes null");
        }
        ctx.inputRange(InputRange.of(secure));
        MultiLayerNetwork net = new MultiLayerNetwork(secure);
        net.init();
        if (modelOwnerInitialParams != null) {
            if (modelOwnerInitialParams.length() != net.numParams()) {
                throw new IllegalArgumentException("initial parameters have " + modelOwnerInitialParams.length()
                        + " values, the network " + net.numParams());
            }
            net.setParams(modelOwnerInitialParams.castTo(net.params().dataType()));
        }
        for (SecureLayer l : secureLayers(net)) {
            l.initShares(ctx);
        }
        ReluMaxPoolFusion.apply(net);
        return net;
    }

    /** See {@link SecureTrain#reattach(MultiLayerNetwork, SecurePartyContext)}. */
    public static void reattach(MultiLayerNetwork net, SecurePartyContext ctx) {
        checkSessionHash(net.getLayerWiseConfigurations(), ctx);
        List<SecureLayer> layers = secureLayers(net);
        for (int i = 0; i < layers.size(); i++) {
            if (!layers.get(i).hasShares()) {
                throw new IllegalStateException("layer " + i + " has no weight shares (a clone or restored network "
                        + "loses them): use SecureTrain.reattach(net, ctx, SecureTrain.exportState(original))");
            }
        }
        for (SecureLayer l : layers) {
            l.bind(ctx);
        }
        ctx.inputRange(InputRange.of(net.getLayerWiseConfigurations()));
        ReluMaxPoolFusion.apply(net);
    }

    /** See {@link SecureTrain#reattach(MultiLayerNetwork, SecurePartyContext, SecureNetworkState)}. */
    public static void reattach(MultiLayerNetwork net, SecurePartyContext ctx, SecureNetworkState state) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        checkSessionHash(conf, ctx);
        if (state.fracBits() != ctx.fracBits()
                || !MessageDigest.isEqual(state.configHash(), SecureConfigurations.hash(conf, state.fracBits()))) {
            throw new IllegalArgumentException("the state belongs to another configuration or precision (f = "
                    + state.fracBits() + ", context f = " + ctx.fracBits() + ")");
        }
        List<SecureLayer> layers = secureLayers(net);
        if (layers.size() != state.numLayers()) {
            throw new IllegalArgumentException("state has " + state.numLayers() + " layers, network " + layers.size());
        }
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).initShares(ctx);
            layers.get(i).importShares(state.layer(i));
        }
        ctx.inputRange(InputRange.of(conf));
        ReluMaxPoolFusion.apply(net);
    }

    /** See {@link SecureTrain#exportState}. */
    public static SecureNetworkState exportState(MultiLayerNetwork net) {
        List<SecureLayer> layers = secureLayers(net);
        List<Map<String, long[]>> shares = new ArrayList<>();
        for (SecureLayer l : layers) {
            shares.add(l.exportShares());
        }
        if (layers.get(0).context() == null) {
            throw new IllegalStateException("network is not attached: use SecureTrain.attach or reattach first");
        }
        int f = layers.get(0).context().backend().fixedPoint().fracBits();
        return SecureNetworkState.of(SecureConfigurations.hash(net.getLayerWiseConfigurations(), f), f, shares);
    }

    /** See {@link SecureTrain#revealTo}. */
    public static MultiLayerNetwork revealTo(MultiLayerNetwork net, SecurePartyContext ctx, Role receiver) {
        List<SecureLayer> layers = secureLayers(net);
        List<Map<String, double[]>> revealed = new ArrayList<>();
        for (SecureLayer l : layers) {
            l.bind(ctx);
            revealed.add(l.revealParams(receiver.id()));
        }
        if (!ctx.actsFor(receiver)) {
            return null;
        }
        MultiLayerNetwork plain = new MultiLayerNetwork(SecureConfigurations.toPlain(net.getLayerWiseConfigurations()));
        plain.init();
        for (int i = 0; i < revealed.size(); i++) {
            Layer pl = plain.getLayer(i);
            for (Map.Entry<String, double[]> e : revealed.get(i).entrySet()) {
                INDArray view = pl.getParam(e.getKey());
                view.assign(Nd4j.create(e.getValue(), view.shape(), 'c').castTo(view.dataType()));
            }
        }
        return plain;
    }

    /**
     * A two-party context's session must carry the hash of this configuration with this context's choices (precision,
     * loss mode and its leakage, debug reveal), so both parties agreed to all of them at the handshake; in
     * label-owner mode a network whose logits are affine in the data owner's input is refused.
     */
    private static void checkSessionHash(MultiLayerConfiguration conf, SecurePartyContext ctx) {
        if (ctx.labelOwnerLeakage() != null) {
            SecureConfigurations.requireLogitsNotAffineInTheDataOwnersInput(SecureConfigurations.toSecure(conf));
        }
        if (ctx.session() == null) {
            return;
        }
        byte[] expected = ctx.configHash(conf);
        if (!MessageDigest.isEqual(expected, ctx.session().options().configHash())) {
            throw new IllegalStateException("the session was not opened with this context's configuration hash: build "
                    + "SessionOptions with configHash(builder.configHash(conf)) at both parties, from the same "
                    + "fracBits (" + ctx.fracBits() + "), non-linear settings (" + (ctx.nonlinear() == null ? "default"
                    : ctx.nonlinear().configString()) + "), range guard, loss mode (labelOwnerLoss(" + ctx.labelOwnerLeakage() + "))"
                    + (ctx.debugRevealWeights() ? " and insecureDebugRevealWeights()" : " and no debug reveal")
                    + ", so that parties that differ fail at the handshake");
        }
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
