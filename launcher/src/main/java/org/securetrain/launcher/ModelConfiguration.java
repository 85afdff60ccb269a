package org.securetrain.launcher;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SecureTrain;
import org.securetrain.dl4j.checkpoint.ResumedTraining;

/**
 * The model a run trains: an ordinary DL4J {@link MultiLayerConfiguration} or {@link ComputationGraphConfiguration}
 * (one input, one output: the launcher's data is one feature array and one label array per batch), with the
 * {@link SecureTrain} calls of its kind, so that {@link PartyTraining} runs either the same way. Immutable.
 */
public final class ModelConfiguration {
    /** DL4J's {@code fit(iterator, epochs)} of a network. */
    private interface Fit {
        void fit(Model net, DataSetIterator shared, int epochs);
    }

    /** {@code SecureTrain.resume} of the configuration. */
    private interface Resume {
        ResumedTraining resume(SecurePartyContext ctx, Path dir, DataSetIterator dataOwnersIteratorOrNull);
    }

    /** {@code SecureTrain.evaluate} of a network. */
    private interface Evaluate {
        Evaluation evaluate(Model net, SecurePartyContext ctx, DataSetIterator shared);
    }

    private final String kind;
    private final Runnable requireSecurable;
    private final java.util.function.IntFunction<byte[]> configHash;
    private final Function<SecurePartyContext.Builder, byte[]> sessionHash;
    private final BiFunction<Integer, NonlinearSettings, Map<String, String>> configSummary;
    private final Function<SecurePartyContext, Model> attach;
    private final Resume resume;
    private final Fit fit;
    private final Evaluate evaluate;
    private final BiFunction<Model, SecurePartyContext, Model> reveal;
    private final ToIntFunction<Model> iterationCount;

    private ModelConfiguration(String kind, Runnable requireSecurable, java.util.function.IntFunction<byte[]> configHash,
            Function<SecurePartyContext.Builder, byte[]> sessionHash,
            BiFunction<Integer, NonlinearSettings, Map<String, String>> configSummary,
            Function<SecurePartyContext, Model> attach, Resume resume, Fit fit, Evaluate evaluate,
            BiFunction<Model, SecurePartyContext, Model> reveal, ToIntFunction<Model> iterationCount) {
        this.kind = kind;
        this.requireSecurable = requireSecurable;
        this.configHash = configHash;
        this.sessionHash = sessionHash;
        this.configSummary = configSummary;
        this.attach = attach;
        this.resume = resume;
        this.fit = fit;
        this.evaluate = evaluate;
        this.reveal = reveal;
        this.iterationCount = iterationCount;
    }

    /** A multi-layer network's configuration. */
    public static ModelConfiguration of(MultiLayerConfiguration conf) {
        Objects.requireNonNull(conf, "conf");
        return new ModelConfiguration("MultiLayerConfiguration", () -> SecureTrain.secureConfiguration(conf),
                f -> SecureTrain.configHash(conf, f), terms -> terms.configHash(conf),
                (f, nonlinear) -> SecureTrain.configSummary(conf, f, nonlinear), ctx -> SecureTrain.attach(conf, ctx),
                (ctx, dir, it) -> SecureTrain.resume(conf, ctx, dir, it),
                (net, it, epochs) -> ((MultiLayerNetwork) net).fit(it, epochs),
                (net, ctx, it) -> SecureTrain.evaluate((MultiLayerNetwork) net, ctx, it),
                (net, ctx) -> SecureTrain.reveal((MultiLayerNetwork) net, ctx),
                net -> ((MultiLayerNetwork) net).getIterationCount());
    }

    /** A graph's configuration. */
    public static ModelConfiguration of(ComputationGraphConfiguration conf) {
        Objects.requireNonNull(conf, "conf");
        return new ModelConfiguration("ComputationGraphConfiguration", () -> requireOneInputAndOutput(conf),
                f -> SecureTrain.configHash(conf, f), terms -> terms.configHash(conf),
                (f, nonlinear) -> SecureTrain.configSummary(conf, f, nonlinear), ctx -> SecureTrain.attach(conf, ctx),
                (ctx, dir, it) -> SecureTrain.resume(conf, ctx, dir, it),
                (net, it, epochs) -> ((ComputationGraph) net).fit(it, epochs),
                (net, ctx, it) -> SecureTrain.evaluate((ComputationGraph) net, ctx, it),
                (net, ctx) -> SecureTrain.reveal((ComputationGraph) net, ctx),
                net -> ((ComputationGraph) net).getIterationCount());
    }

    /**
     * The launcher's data owner holds one feature array and one label array per batch (Fashion-MNIST): a graph with
     * several inputs or outputs is refused here, before anything is computed (the API trains it on
     * {@code ctx.sharedMultiIterator}); then the secure twin refuses what cannot be trained on shares.
     */
    private static void requireOneInputAndOutput(ComputationGraphConfiguration conf) {
        int in = conf.getNetworkInputs().size();
        int out = conf.getNetworkOutputs().size();
        if (in != 1 || out != 1) {
            throw new IllegalArgumentException("the graph has " + in + " input(s) and " + out + " output(s): the "
                    + "launcher trains graphs with one input and one output (its data is one image array and one label "
                    + "array per batch); train several inputs or outputs through the API (ctx.sharedMultiIterator)");
        }
        SecureTrain.secureConfiguration(conf);
    }

    /** "MultiLayerConfiguration" or "ComputationGraphConfiguration", for messages. */
    public String kind() {
        return kind;
    }

    /** Builds the secure twin only to refuse what cannot be trained on shares (every reason at once). */
    public void requireSecurable() {
        requireSecurable.run();
    }

    /** {@link SecureTrain#configHash}. */
    public byte[] configHash(int fracBits) {
        return configHash.apply(fracBits);
    }

    /** The session hash over the agreed terms ({@link SecurePartyContext.Builder#configHash}). */
    public byte[] sessionHash(SecurePartyContext.Builder terms) {
        return sessionHash.apply(terms);
    }

    /** {@link SecureTrain#configSummary}. */
    public Map<String, String> configSummary(int fracBits, NonlinearSettings nonlinear) {
        return configSummary.apply(fracBits, nonlinear);
    }

    /** {@link SecureTrain#attach}: a {@code MultiLayerNetwork} or a {@code ComputationGraph}. */
    public Model attach(SecurePartyContext ctx) {
        return attach.apply(ctx);
    }

    /** {@link SecureTrain#resume}. */
    public ResumedTraining resume(SecurePartyContext ctx, Path dir, DataSetIterator dataOwnersIteratorOrNull) {
        return resume.resume(ctx, dir, dataOwnersIteratorOrNull);
    }

    /** DL4J's {@code fit(iterator, epochs)} of the network this configuration built. */
    public void fit(Model net, DataSetIterator shared, int epochs) {
        fit.fit(net, shared, epochs);
    }

    /** {@link SecureTrain#evaluate}: the data owner's evaluation, null at the model owner. */
    public Evaluation evaluate(Model net, SecurePartyContext ctx, DataSetIterator shared) {
        return evaluate.evaluate(net, ctx, shared);
    }

    /** {@link SecureTrain#reveal}: the plain network at the model owner, null at the data owner. */
    public Model reveal(Model net, SecurePartyContext ctx) {
        return reveal.apply(net, ctx);
    }

    /** DL4J's iteration count of the network. */
    public int iterationCount(Model net) {
        return iterationCount.applyAsInt(net);
    }

    /** Sets DL4J's listeners on the network. */
    public void setListeners(Model net, Collection<TrainingListener> listeners) {
        net.setListeners(listeners);
    }
}
