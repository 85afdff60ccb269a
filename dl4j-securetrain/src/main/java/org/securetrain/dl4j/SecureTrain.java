package org.securetrain.dl4j;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.securetrain.dl4j.checkpoint.Checkpoints;
import org.securetrain.dl4j.checkpoint.ResumedTraining;
import org.securetrain.dl4j.checkpoint.SecureNetworkState;
import org.securetrain.layers.ReluMaxPoolFusion;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;

/**
 * The user-facing entry point: an ordinary {@link MultiLayerConfiguration} becomes privacy-preserving once a
 * {@link SecurePartyContext} is attached. Both parties run the same program, each with its own context:
 *
 * <pre>{@code
 * SecurePartyContext.Builder b = SecurePartyContext.builder().fracBits(f)
 *         .labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS);
 * byte[] hash = b.configHash(conf);                       // -> SessionOptions.builder(role).configHash(hash)
 * SecurePartyContext ctx = b.session(session).backend(...).build();
 * MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
 * net.fit(ctx.sharedIterator(dataOwner ? trainIter : null));
 * MultiLayerNetwork plain = SecureTrain.reveal(net, ctx);  // the model owner gets the trained network
 * }</pre>
 *
 * <p>A facade: configurations are rewritten and hashed by {@link SecureConfigurations}, networks built,
 * bound and revealed by {@link SecureNetworks}, checkpoints written and resumed by
 * {@link org.securetrain.dl4j.checkpoint.Checkpoints}.
 *
 * <p>A {@link ComputationGraphConfiguration} works the same way ({@code ComputationGraph net = SecureTrain.attach(
 * graphConf, ctx); net.fit(ctx.sharedIterator(...))}): its layer vertices take the same secure layers and refusals,
 * the vertices that are exact on shares are kept (see {@link SecureGraphConfigurations}), the rest refused naming the
 * vertex. A graph with several inputs or outputs trains on {@code ctx.sharedMultiIterator(...)} (the data owner's
 * {@code MultiDataSetIterator}: every feature array is shared, every label array stays with it; each output layer's
 * loss is computed as a single output's, DL4J's score is their sum) and evaluates with
 * {@link #evaluate(ComputationGraph, SecurePartyContext, MultiDataSetIterator)}.
 */
public final class SecureTrain {
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
     * SHA-256 of the secure configuration's JSON and the fixed-point bits: what exported state and checkpoints
     * record (the shares depend on nothing else). A session's {@link SessionOptions.Builder#configHash} binds more
     * (the loss mode and its leakage, the debug reveal): take it from
     * {@link SecurePartyContext.Builder#configHash}. Accepts the ordinary or the secure configuration (same hash).
     * Left out because they do not change what is computed jointly: the seeds (only the model owner's
     * initialisation uses one), the iteration/epoch counters and the parameter-name lists DL4J fills in at init.
     */
    public static byte[] configHash(MultiLayerConfiguration conf, int fracBits) {
        return SecureConfigurations.hash(conf, fracBits);
    }

    /**
     * The readable form of what {@link #configHash} covers, for {@link SessionOptions.Builder#configSummary}: when
     * the parties' hashes differ they exchange it and both name the fields that differ, e.g. "fracBits (this party
     * 24, peer 20)" or "layer 0 iupdater.learningRate (this party 0.01, peer 0.02)". See {@link ConfigurationSummary}.
     */
    public static java.util.Map<String, String> configSummary(MultiLayerConfiguration conf, int fracBits) {
        return ConfigurationSummary.of(SecureConfigurations.hashedJson(conf), fracBits);
    }

    /** {@link #configSummary(MultiLayerConfiguration, int)} with the non-linear settings the session hash binds. */
    public static java.util.Map<String, String> configSummary(MultiLayerConfiguration conf, int fracBits,
            NonlinearSettings nonlinear) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>(configSummary(conf, fracBits));
        m.put("nonlinear", nonlinear.configString());
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Builds and initialises the secure network; initial weights from DL4J's initialiser (conf's seed). The
     * context's session must carry {@link SecurePartyContext#configHash}; in label-owner mode a network whose
     * logits are an affine function of the data owner's input is refused ({@link LabelOwnerLeakage}).
     * A convolution with ReLU directly followed by max pooling applies its ReLU after the pooling
     * ({@link ReluMaxPoolFusion}: the same result, a quarter of the garbled ReLUs for 2x2 pooling), decided
     * from the configuration alone, so both parties do the same and the config hash still binds them.
     */
    public static MultiLayerNetwork attach(MultiLayerConfiguration conf, SecurePartyContext ctx) {
        return SecureNetworks.attach(conf, ctx, null);
    }

    /**
     * As {@link #attach(MultiLayerConfiguration, SecurePartyContext)}, with the model owner's own initial
     * (e.g. pre-trained) parameters, flattened as {@code MultiLayerNetwork.params()}; the data owner passes
     * null. The weights are shared as (W, 0): the model owner's share is W, the data owner's zero.
     */
    public static MultiLayerNetwork attach(MultiLayerConfiguration conf, SecurePartyContext ctx,
            INDArray modelOwnerInitialParams) {
        return SecureNetworks.attach(conf, ctx, modelOwnerInitialParams);
    }

    /**
     * Binds {@code ctx} (e.g. a new session after a reconnect) to a network whose layers still hold their
     * shares. A {@code clone()} or restored network has none: use the overload with a state.
     */
    public static void reattach(MultiLayerNetwork net, SecurePartyContext ctx) {
        SecureNetworks.reattach(net, ctx);
    }

    /** Binds {@code ctx} and installs this party's shares from {@code state} (clone, restore, checkpoint). */
    public static void reattach(MultiLayerNetwork net, SecurePartyContext ctx, SecureNetworkState state) {
        SecureNetworks.reattach(net, ctx, state);
    }

    /** This party's shares of the network (local, no communication). */
    public static SecureNetworkState exportState(MultiLayerNetwork net) {
        return SecureNetworks.exportState(net);
    }

    /**
     * Evaluates the secure network on a shared iterator (both parties call it): the data owner's
     * {@link Evaluation} (predictions from the logits revealed to it, its own labels); null at the model
     * owner, which has neither predictions nor labels (DL4J's own {@code evaluate} there returns a
     * meaningless result computed on zeros).
     */
    public static Evaluation evaluate(MultiLayerNetwork net, SecurePartyContext ctx, DataSetIterator sharedIterator) {
        return dataOwnersResult(ctx, net.evaluate(shared(sharedIterator)));
    }

    private static DataSetIterator shared(DataSetIterator it) {
        if (!(it instanceof SharedDataSetIterator)) {
            throw new IllegalArgumentException("evaluate takes the iterator from ctx.sharedIterator(...)");
        }
        return it;
    }

    /** The model owner runs DL4J's evaluation in lockstep, but its result is computed on zeros: none is returned. */
    private static Evaluation dataOwnersResult(SecurePartyContext ctx, Evaluation e) {
        return ctx.isDataOwner() ? e : null;
    }

    /** Reveals the trained network to the model owner: a plain network there, null at the data owner. */
    public static MultiLayerNetwork reveal(MultiLayerNetwork net, SecurePartyContext ctx) {
        return SecureNetworks.revealTo(net, ctx, Role.MODEL_OWNER);
    }

    /**
     * Reveals the weights to {@code receiver} (both parties must call this with the same receiver) and
     * returns there a plain {@link MultiLayerNetwork} with the ordinary configuration and the trained
     * weights; null at the other party. Optimiser state (momentum) is not revealed: the plain network's
     * updater starts fresh.
     */
    public static MultiLayerNetwork revealTo(MultiLayerNetwork net, SecurePartyContext ctx, Role receiver) {
        return SecureNetworks.revealTo(net, ctx, receiver);
    }

    /**
     * Writes this party's checkpoint (shares, momentum, step, epoch, batch position, configuration) into
     * {@code dir}; see {@link Checkpoints}. Local; both parties call it at the same step
     * (or use {@link Checkpoints#listener}).
     */
    public static Path checkpoint(MultiLayerNetwork net, SecurePartyContext ctx, DataSetIterator sharedIterator,
            Path dir) {
        return Checkpoints.save(net, ctx, sharedIterator, dir);
    }

    /**
     * Resumes after a crash from the newest checkpoint step both parties hold (they agree over the session);
     * see {@link Checkpoints#resume}. The data owner passes its (deterministic) data iterator, the model owner null.
     */
    public static ResumedTraining resume(MultiLayerConfiguration conf, SecurePartyContext ctx, Path dir,
            DataSetIterator dataOwnersIteratorOrNull) {
        return Checkpoints.resume(conf, ctx, dir, dataOwnersIteratorOrNull);
    }

    // ------------------------------------------------------------------ ComputationGraph

    /** The secure twin of a graph configuration (a rewritten clone); every refusal at once, naming the vertices. */
    public static ComputationGraphConfiguration secureConfiguration(ComputationGraphConfiguration conf) {
        return SecureGraphConfigurations.toSecure(conf);
    }

    /** The ordinary twin of a secure graph configuration. */
    public static ComputationGraphConfiguration plainConfiguration(ComputationGraphConfiguration secureConf) {
        return SecureGraphConfigurations.toPlain(secureConf);
    }

    /** {@link #configSummary(MultiLayerConfiguration, int, NonlinearSettings)} of a graph. */
    public static java.util.Map<String, String> configSummary(ComputationGraphConfiguration conf, int fracBits,
            NonlinearSettings nonlinear) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>(
                ConfigurationSummary.of(SecureGraphConfigurations.hashedJson(conf), fracBits));
        m.put("nonlinear", nonlinear.configString());
        return java.util.Collections.unmodifiableMap(m);
    }

    /** {@link #configHash(MultiLayerConfiguration, int)} of a graph. */
    public static byte[] configHash(ComputationGraphConfiguration conf, int fracBits) {
        return SecureGraphConfigurations.hash(conf, fracBits);
    }

    /**
     * {@link #attach(MultiLayerConfiguration, SecurePartyContext)} for a graph: layer vertices with the secure layers,
     * the share-exact vertices as DL4J runs them. The ReLU/max-pool fusion applies to a convolution (ReLU) whose only
     * consumer is a max-pool layer ({@link ReluMaxPoolFusion#apply(ComputationGraph)}).
     */
    public static ComputationGraph attach(ComputationGraphConfiguration conf, SecurePartyContext ctx) {
        return SecureNetworks.attach(conf, ctx, null);
    }

    /** As {@link #attach(ComputationGraphConfiguration, SecurePartyContext)}, with the model owner's own parameters. */
    public static ComputationGraph attach(ComputationGraphConfiguration conf, SecurePartyContext ctx,
            INDArray modelOwnerInitialParams) {
        return SecureNetworks.attach(conf, ctx, modelOwnerInitialParams);
    }

    /** {@link #reattach(MultiLayerNetwork, SecurePartyContext)} for a graph. */
    public static void reattach(ComputationGraph net, SecurePartyContext ctx) {
        SecureNetworks.reattach(net, ctx);
    }

    /** {@link #reattach(MultiLayerNetwork, SecurePartyContext, SecureNetworkState)} for a graph. */
    public static void reattach(ComputationGraph net, SecurePartyContext ctx, SecureNetworkState state) {
        SecureNetworks.reattach(net, ctx, state);
    }

    /** This party's shares of a graph's layers, in topological order (local). */
    public static SecureNetworkState exportState(ComputationGraph net) {
        return SecureNetworks.exportState(net);
    }

    /** {@link #evaluate(MultiLayerNetwork, SecurePartyContext, DataSetIterator)} for a graph. */
    public static Evaluation evaluate(ComputationGraph net, SecurePartyContext ctx, DataSetIterator sharedIterator) {
        return dataOwnersResult(ctx, net.evaluate(shared(sharedIterator)));
    }

    /**
     * Evaluates a graph with one or several outputs on {@code ctx.sharedMultiIterator(...)} (both parties call it): at
     * the data owner one {@link Evaluation} per network output, by output name in the graph's output order (predictions
     * from the logits revealed to it, its own labels); null at the model owner.
     */
    public static java.util.Map<String, Evaluation> evaluate(ComputationGraph net, SecurePartyContext ctx,
            MultiDataSetIterator sharedIterator) {
        if (!(sharedIterator instanceof SharedMultiDataSetIterator)) {
            throw new IllegalArgumentException("evaluate takes the iterator from ctx.sharedMultiIterator(...)");
        }
        List<String> outputs = net.getConfiguration().getNetworkOutputs();
        java.util.Map<Integer, Evaluation[]> perOutput = new java.util.HashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            perOutput.put(i, new Evaluation[] {new Evaluation()});
        }
        net.evaluate(sharedIterator, perOutput);
        if (!ctx.isDataOwner()) {
            return null;
        }
        java.util.Map<String, Evaluation> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            out.put(outputs.get(i), perOutput.get(i)[0]);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** {@link #reveal(MultiLayerNetwork, SecurePartyContext)} for a graph. */
    public static ComputationGraph reveal(ComputationGraph net, SecurePartyContext ctx) {
        return SecureNetworks.revealTo(net, ctx, Role.MODEL_OWNER);
    }

    /** {@link #revealTo(MultiLayerNetwork, SecurePartyContext, Role)} for a graph: a plain ComputationGraph there. */
    public static ComputationGraph revealTo(ComputationGraph net, SecurePartyContext ctx, Role receiver) {
        return SecureNetworks.revealTo(net, ctx, receiver);
    }

    /** {@link #checkpoint(MultiLayerNetwork, SecurePartyContext, DataSetIterator, Path)} of a graph. */
    public static Path checkpoint(ComputationGraph net, SecurePartyContext ctx, DataSetIterator sharedIterator,
            Path dir) {
        return Checkpoints.save(net, ctx, sharedIterator, dir);
    }

    /** {@link #checkpoint(ComputationGraph, SecurePartyContext, DataSetIterator, Path)} of a run on ctx.sharedMultiIterator. */
    public static Path checkpoint(ComputationGraph net, SecurePartyContext ctx, MultiDataSetIterator sharedIterator,
            Path dir) {
        return Checkpoints.save(net, ctx, sharedIterator, dir);
    }

    /**
     * {@link #resume(ComputationGraphConfiguration, SecurePartyContext, Path, DataSetIterator)} of a run on
     * ctx.sharedMultiIterator: the data owner passes its MultiDataSetIterator, the model owner null; continue with
     * {@code r.graph().fit(r.sharedMultiIterator(), r.remainingEpochs(total))}.
     */
    public static ResumedTraining resumeMulti(ComputationGraphConfiguration conf, SecurePartyContext ctx, Path dir,
            MultiDataSetIterator dataOwnersIteratorOrNull) {
        return Checkpoints.resumeMulti(conf, ctx, dir, dataOwnersIteratorOrNull);
    }

    /** {@link #resume(MultiLayerConfiguration, SecurePartyContext, Path, DataSetIterator)} of a graph's run. */
    public static ResumedTraining resume(ComputationGraphConfiguration conf, SecurePartyContext ctx, Path dir,
            DataSetIterator dataOwnersIteratorOrNull) {
        return Checkpoints.resume(conf, ctx, dir, dataOwnersIteratorOrNull);
    }
}
