package org.securetrain.dl4j;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.layers.ReluMaxPoolFusion;
import org.securetrain.layers.SecureLayer;
import org.securetrain.runtime.Role;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.runtime.SessionOptions;

/**
 * The user-facing entry point: an ordinary {@link MultiLayerConfiguration} becomes privacy-preserving once a
 * {@link SecurePartyContext} is attached. Both parties run the same program, each with its own context:
 *
 * <pre>{@code
 * byte[] hash = SecureTrain.configHash(conf, f);          // -> SessionOptions.builder(role).configHash(hash)
 * SecurePartyContext ctx = SecurePartyContext.builder().session(session).fracBits(f).backend(...).build();
 * MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
 * net.fit(ctx.sharedIterator(dataOwner ? trainIter : null));
 * MultiLayerNetwork plain = SecureTrain.reveal(net, ctx);  // the model owner gets the trained network
 * }</pre>
 */
public final class SecureTrain {
    /** Version tag of everything the hash covers besides the configuration (bump on protocol changes). */
    static final String HASH_DOMAIN = "securetrain-dl4j/1";

    private SecureTrain() {
    }

    /**
     * The secure twin of {@code conf} (a rewritten clone; {@code conf} is not modified). Throws
     * {@link UnsupportedConfigurationException} naming the first layer that cannot be secured.
     */
    public static MultiLayerConfiguration secureConfiguration(MultiLayerConfiguration conf) {
        return SecureConfigurations.toSecure(conf);
    }

    /** The ordinary twin of a secure configuration: what {@link #reveal} builds the plain network from. */
    public static MultiLayerConfiguration plainConfiguration(MultiLayerConfiguration secureConf) {
        return SecureConfigurations.toPlain(secureConf);
    }

    /**
     * SHA-256 of the secure configuration's JSON and the fixed-point bits: what both parties must agree on.
     * Build the session's {@link SessionOptions.Builder#configHash} from it so that mismatched parties fail
     * at the handshake. Accepts the ordinary or the secure configuration (same hash). Left out because they
     * do not change what is computed jointly: the seeds (only the model owner's initialisation uses one),
     * the iteration/epoch counters and the parameter-name lists DL4J fills in at init.
     */
    public static byte[] configHash(MultiLayerConfiguration conf, int fracBits) {
        return SessionOptions.hashConfig(HASH_DOMAIN, comparableJson(conf), "fracBits=" + fracBits,
                "constantBits=" + SgdConfig.CONSTANT_BITS);
    }

    /**
     * {@link #configHash(MultiLayerConfiguration, int)} that also binds the non-linear protocol choice
     * ({@link NonlinearSettings#configString()}): what a training session's handshake should compare, so that
     * parties that would run different protocols (e.g. one on garbled circuits, one on OT) fail there. The
     * two-argument hash stays what checkpoints and exported shares record: shares do not depend on the engine.
     */
    public static byte[] configHash(MultiLayerConfiguration conf, int fracBits, NonlinearSettings nonlinear) {
        return SessionOptions.hashConfig(HASH_DOMAIN, comparableJson(conf), "fracBits=" + fracBits,
                "constantBits=" + SgdConfig.CONSTANT_BITS, nonlinear.configString());
    }

    private static String comparableJson(MultiLayerConfiguration conf) {
        MultiLayerConfiguration c = secureConfiguration(conf);
        c.setIterationCount(0);
        c.setEpochCount(0);
        for (NeuralNetConfiguration nnc : c.getConfs()) {
            nnc.setSeed(0);
            nnc.setIterationCount(0);
            nnc.setEpochCount(0);
            nnc.clearVariables();
        }
        return c.toJson();
    }

    /**
     * Builds and initialises the secure network; initial weights from DL4J's initialiser (conf's seed).
     * A convolution with ReLU directly followed by max pooling applies its ReLU after the pooling
     * ({@link ReluMaxPoolFusion}: the same result, a quarter of the garbled ReLUs for 2x2 pooling), decided
     * from the configuration alone, so both parties do the same and the config hash still binds them.
     */
    public static MultiLayerNetwork attach(MultiLayerConfiguration conf, SecurePartyContext ctx) {
        return attach(conf, ctx, null);
    }

    /**
     * As {@link #attach(MultiLayerConfiguration, SecurePartyContext)}, with the model owner's own initial
     * (e.g. pre-trained) parameters, flattened as {@code MultiLayerNetwork.params()}; the data owner passes
     * null. The weights are shared as (W, 0): the model owner's share is W, the data owner's zero.
     */
    public static MultiLayerNetwork attach(MultiLayerConfiguration conf, SecurePartyContext ctx,
            INDArray modelOwnerInitialParams) {
        MultiLayerConfiguration secure = secureConfiguration(conf);
        checkSessionHash(secure, ctx);
        if (modelOwnerInitialParams != null && !ctx.actsFor(Role.MODEL_OWNER)) {
            throw new IllegalArgumentException("only the model owner supplies initial parameters; the data owner "
                    + "passes null");
        }
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

    /**
     * Binds {@code ctx} (e.g. a new session after a reconnect) to a network whose layers still hold their
     * shares. A {@code clone()} or restored network has none: use the overload with a state.
     */
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
        ReluMaxPoolFusion.apply(net);
    }

    /** Binds {@code ctx} and installs this party's shares from {@code state} (clone, restore, checkpoint). */
    public static void reattach(MultiLayerNetwork net, SecurePartyContext ctx, SecureNetworkState state) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        checkSessionHash(conf, ctx);
        if (state.fracBits() != ctx.fracBits()
                || !MessageDigest.isEqual(state.configHash(), configHash(conf, state.fracBits()))) {
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
        ReluMaxPoolFusion.apply(net);
    }

    /** This party's shares of the network (local, no communication). */
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
        return new SecureNetworkState(configHash(net.getLayerWiseConfigurations(), f), f, shares);
    }

    /**
     * Evaluates the secure network on a shared iterator (both parties call it): the data owner's
     * {@link Evaluation} (predictions from the logits revealed to it, its own labels); null at the model
     * owner, which has neither predictions nor labels (DL4J's own {@code evaluate} there returns a
     * meaningless result computed on zeros).
     */
    public static Evaluation evaluate(MultiLayerNetwork net, SecurePartyContext ctx, DataSetIterator sharedIterator) {
        if (!(sharedIterator instanceof SharedDataSetIterator)) {
            throw new IllegalArgumentException("evaluate takes the iterator from ctx.sharedIterator(...)");
        }
        Evaluation e = net.evaluate(sharedIterator);
        return ctx.isDataOwner() ? e : null;
    }

    /** Reveals the trained network to the model owner: a plain network there, null at the data owner. */
    public static MultiLayerNetwork reveal(MultiLayerNetwork net, SecurePartyContext ctx) {
        return revealTo(net, ctx, Role.MODEL_OWNER);
    }

    /**
     * Reveals the weights to {@code receiver} (both parties must call this with the same receiver) and
     * returns there a plain {@link MultiLayerNetwork} with the ordinary configuration and the trained
     * weights; null at the other party. Optimiser state (momentum) is not revealed: the plain network's
     * updater starts fresh.
     */
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
        MultiLayerNetwork plain = new MultiLayerNetwork(plainConfiguration(net.getLayerWiseConfigurations()));
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
     * Writes this party's checkpoint (shares, momentum, step, epoch, batch position, configuration) into
     * {@code dir}; see {@link Checkpoints}. Local; both parties call it at the same step
     * (or use {@link Checkpoints#listener}).
     */
    public static java.nio.file.Path checkpoint(MultiLayerNetwork net, SecurePartyContext ctx,
            DataSetIterator sharedIterator, java.nio.file.Path dir) {
        return Checkpoints.save(net, ctx, sharedIterator, dir);
    }

    /**
     * Resumes after a crash from the newest checkpoint step both parties hold (they agree over the session);
     * see {@link Checkpoints#resume}. The data owner passes its (deterministic) data iterator, the model owner null.
     */
    public static ResumedTraining resume(MultiLayerConfiguration conf, SecurePartyContext ctx, java.nio.file.Path dir,
            DataSetIterator dataOwnersIteratorOrNull) {
        return Checkpoints.resume(conf, ctx, dir, dataOwnersIteratorOrNull);
    }

    private static void checkSessionHash(MultiLayerConfiguration conf, SecurePartyContext ctx) {
        if (ctx.session() == null) {
            return;
        }
        // With the non-linear settings (what the launcher uses), or without (then parties on different engines
        // fail at their first non-linear call, with both protocol descriptions, instead of at the handshake).
        byte[] actual = ctx.session().options().configHash();
        NonlinearSettings nl = ctx.nonlinear();
        boolean bound = nl != null && MessageDigest.isEqual(configHash(conf, ctx.fracBits(), nl), actual);
        if (!bound && !MessageDigest.isEqual(configHash(conf, ctx.fracBits()), actual)) {
            throw new IllegalStateException("the session was not opened with this configuration's hash: build "
                    + "SessionOptions with configHash(SecureTrain.configHash(conf, " + ctx.fracBits()
                    + (nl == null ? "" : ", " + nl.spec()) + ")) at both parties, so that mismatched configurations "
                    + "fail at the handshake");
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
