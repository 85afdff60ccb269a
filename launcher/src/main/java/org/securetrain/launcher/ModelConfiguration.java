package org.securetrain.launcher;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
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
 * (one input, one output: the launcher's data is one feature array and one label array per batch). Each kind says
 * how {@link SecureTrain} attaches, resumes, evaluates and reveals it, so {@link PartyTraining} runs either the same way.
 */
public sealed interface ModelConfiguration {
    /** A multi-layer network's configuration. */
    static ModelConfiguration of(MultiLayerConfiguration conf) {
        return new Layers(conf);
    }

    /** A graph's configuration. */
    static ModelConfiguration of(ComputationGraphConfiguration conf) {
        return new Graph(conf);
    }

    /** "MultiLayerConfiguration" or "ComputationGraphConfiguration", for messages. */
    String kind();

    /** The secure twin, only to refuse what cannot be trained on shares (every reason at once). */
    void requireSecurable();

    /** {@link SecureTrain#configHash}. */
    byte[] configHash(int fracBits);

    /** The session hash over the agreed terms ({@link SecurePartyContext.Builder#configHash}). */
    byte[] sessionHash(SecurePartyContext.Builder terms);

    /** {@link SecureTrain#configSummary}. */
    Map<String, String> configSummary(int fracBits, NonlinearSettings nonlinear);

    /** {@link SecureTrain#attach}. */
    Model attach(SecurePartyContext ctx);

    /** {@link SecureTrain#resume}. */
    ResumedTraining resume(SecurePartyContext ctx, Path dir, DataSetIterator dataOwnersIteratorOrNull);

    /** DL4J's {@code fit(iterator, epochs)} of the network this configuration built. */
    void fit(Model net, DataSetIterator shared, int epochs);

    /** {@link SecureTrain#evaluate}: the data owner's evaluation, null at the model owner. */
    Evaluation evaluate(Model net, SecurePartyContext ctx, DataSetIterator shared);

    /** {@link SecureTrain#reveal}: the plain network at the model owner, null at the data owner. */
    Model reveal(Model net, SecurePartyContext ctx);

    /** DL4J's iteration count of the network. */
    int iterationCount(Model net);

    /** Sets DL4J's listeners on the network. */
    default void setListeners(Model net, Collection<TrainingListener> listeners) {
        net.setListeners(listeners);
    }

    /** {@link ModelConfiguration} of a {@link MultiLayerNetwork}. */
    record Layers(MultiLayerConfiguration conf) implements ModelConfiguration {
        public Layers {
            Objects.requireNonNull(conf, "conf");
        }

        @Override
        public String kind() {
            return "MultiLayerConfiguration";
        }

        @Override
        public void requireSecurable() {
            SecureTrain.secureConfiguration(conf);
        }

        @Override
        public byte[] configHash(int fracBits) {
            return SecureTrain.configHash(conf, fracBits);
        }

        @Override
        public byte[] sessionHash(SecurePartyContext.Builder terms) {
            return terms.configHash(conf);
        }

        @Override
        public Map<String, String> configSummary(int fracBits, NonlinearSettings nonlinear) {
            return SecureTrain.configSummary(conf, fracBits, nonlinear);
        }

        @Override
        public Model attach(SecurePartyContext ctx) {
            return SecureTrain.attach(conf, ctx);
        }

        @Override
        public ResumedTraining resume(SecurePartyContext ctx, Path dir, DataSetIterator dataOwnersIteratorOrNull) {
            return SecureTrain.resume(conf, ctx, dir, dataOwnersIteratorOrNull);
        }

        @Override
        public void fit(Model net, DataSetIterator shared, int epochs) {
            ((MultiLayerNetwork) net).fit(shared, epochs);
        }

        @Override
        public Evaluation evaluate(Model net, SecurePartyContext ctx, DataSetIterator shared) {
            return SecureTrain.evaluate((MultiLayerNetwork) net, ctx, shared);
        }

        @Override
        public Model reveal(Model net, SecurePartyContext ctx) {
            return SecureTrain.reveal((MultiLayerNetwork) net, ctx);
        }

        @Override
        public int iterationCount(Model net) {
            return ((MultiLayerNetwork) net).getIterationCount();
        }
    }

    /** {@link ModelConfiguration} of a {@link ComputationGraph}. */
    record Graph(ComputationGraphConfiguration conf) implements ModelConfiguration {
        public Graph {
            Objects.requireNonNull(conf, "conf");
        }

        @Override
        public String kind() {
            return "ComputationGraphConfiguration";
        }

        @Override
        public void requireSecurable() {
            SecureTrain.secureConfiguration(conf);
        }

        @Override
        public byte[] configHash(int fracBits) {
            return SecureTrain.configHash(conf, fracBits);
        }

        @Override
        public byte[] sessionHash(SecurePartyContext.Builder terms) {
            return terms.configHash(conf);
        }

        @Override
        public Map<String, String> configSummary(int fracBits, NonlinearSettings nonlinear) {
            return SecureTrain.configSummary(conf, fracBits, nonlinear);
        }

        @Override
        public Model attach(SecurePartyContext ctx) {
            return SecureTrain.attach(conf, ctx);
        }

        @Override
        public ResumedTraining resume(SecurePartyContext ctx, Path dir, DataSetIterator dataOwnersIteratorOrNull) {
            return SecureTrain.resume(conf, ctx, dir, dataOwnersIteratorOrNull);
        }

        @Override
        public void fit(Model net, DataSetIterator shared, int epochs) {
            ((ComputationGraph) net).fit(shared, epochs);
        }

        @Override
        public Evaluation evaluate(Model net, SecurePartyContext ctx, DataSetIterator shared) {
            return SecureTrain.evaluate((ComputationGraph) net, ctx, shared);
        }

        @Override
        public Model reveal(Model net, SecurePartyContext ctx) {
            return SecureTrain.reveal((ComputationGraph) net, ctx);
        }

        @Override
        public int iterationCount(Model net) {
            return ((ComputationGraph) net).getIterationCount();
        }
    }
}
