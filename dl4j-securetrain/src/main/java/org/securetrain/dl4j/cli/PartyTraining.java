package org.securetrain.dl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.ViewIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.dl4j.LossVisibility;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SecureTrain;
import org.securetrain.kernels.Backend;
import org.securetrain.kernels.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TrafficStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One party's secure training run, the same code at both parties: attach the secure context to the ordinary
 * configuration, fit on the shared iterator (only the data owner has data), reveal the trained model to the
 * model owner. Used by the launcher ({@link SecureTrainCli}) and the samples.
 */
public final class PartyTraining {
    private static final Logger log = LoggerFactory.getLogger(PartyTraining.class);

    /** Channel on which the data owner announces whether a secure evaluation follows training. */
    static final String EVAL_CHANNEL = "securetrain.cli.evaluate";

    private PartyTraining() {
    }

    /** What one party ends with. */
    public record Result(Role role, MultiLayerNetwork revealedOrNull, int steps, double seconds,
            TrafficStats.Snapshot traffic, double testAccuracyOrNaN) {
        public String summary() {
            var t = traffic.total();
            return String.format(Locale.ROOT, "%s: %d steps in %.1f s (%.2f s/step), sent %s, received %s, %d rounds",
                    role, steps, seconds, steps == 0 ? 0.0 : seconds / steps, TrainingProgress.Bytes.format(t.bytesSent()),
                    TrainingProgress.Bytes.format(t.bytesReceived()), t.rounds());
        }
    }

    /** Session options for a training session: the configuration hash binds both parties to the same model. */
    public static SessionOptions sessionOptions(Role role, MultiLayerConfiguration conf, int fracBits) {
        return SessionOptions.builder(role).sessionId("securetrain-train")
                .configHash(SecureTrain.configHash(conf, fracBits)).build();
    }

    /** ND4J on one OpenMP thread per party: two parties share this machine's cores (DL4J-INTEGRATION.md). */
    public static void oneNativeThread() {
        Nd4j.getEnvironment().setMaxMasterThreads(1);
    }

    /** The data owner's minibatches in a fixed order (no shuffling), so plaintext DL4J can see the same ones. */
    public static DataSetIterator batches(DataSet data, int batch) {
        return new ViewIterator(data, batch);
    }

    /** What to run at one party; the same configuration at both. Build with {@link #spec}. */
    public static final class Spec {
        final MultiLayerConfiguration conf;
        int fracBits = FixedPoint.DEFAULT_FRAC_BITS;
        DataSet trainOrNull;
        DataSet testOrNull;
        int batch = 64;
        int epochs = 1;
        boolean progress;
        boolean interactive;
        final List<TrainingListener> listeners = new ArrayList<>();
        UnaryOperator<Backend> backendDecorator = UnaryOperator.identity();

        private Spec(MultiLayerConfiguration conf) {
            this.conf = Objects.requireNonNull(conf, "conf");
        }

        public Spec fracBits(int f) {
            this.fracBits = f;
            return this;
        }

        /** The data owner's training set (null, the default, at the model owner). */
        public Spec train(DataSet trainOrNull) {
            this.trainOrNull = trainOrNull;
            return this;
        }

        /**
         * The data owner's test set: after training, a secure evaluation on it gives the data owner's accuracy
         * from logits revealed to it only. The data owner tells the model owner whether one follows (one byte).
         */
        public Spec test(DataSet testOrNull) {
            this.testOrNull = testOrNull;
            return this;
        }

        public Spec batch(int batch) {
            this.batch = batch;
            return this;
        }

        public Spec epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Show progress at this party: a bar when {@code interactive}, log lines otherwise. */
        public Spec progress(boolean progress, boolean interactive) {
            this.progress = progress;
            this.interactive = interactive;
            return this;
        }

        /** Further DL4J listeners on the secure network (they see only what this party may see). */
        public Spec listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /**
         * Wraps this party's two-party backend, e.g. to instrument it (the parity harness's truncation audit).
         * The wrapper must delegate every operation; the context still refuses an insecure reference.
         */
        public Spec backendDecorator(UnaryOperator<Backend> decorator) {
            this.backendDecorator = Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        public Result run(Session s) {
            return PartyTraining.run(s, this);
        }
    }

    public static Spec spec(MultiLayerConfiguration conf) {
        return new Spec(conf);
    }

    /** Runs training at this party as {@code spec} says, then the optional evaluation and the reveal. */
    static Result run(Session s, Spec spec) {
        Role role = s.role();
        DataSet trainOrNull = spec.trainOrNull;
        int batch = spec.batch;
        int examples = trainOrNull == null ? 0 : trainOrNull.numExamples();
        int stepsPerEpoch = examples <= 0 ? 0 : (examples + batch - 1) / batch; // 0: unknown (model owner)
        try (SecurePartyContext ctx = SecurePartyContext.builder()
                .session(s)
                .fracBits(spec.fracBits)
                .backend(session -> spec.backendDecorator.apply(TwoPartyBackend.open(session,
                        FixedPoint.of(spec.fracBits))))
                .lossVisibility(LossVisibility.DATA_OWNER_ONLY) // the default: the model owner sees no loss
                .build()) {
            MultiLayerNetwork net = SecureTrain.attach(spec.conf, ctx);
            String who = role == Role.MODEL_OWNER ? "model owner" : "data owner";
            TrainingProgress bar = spec.progress
                    ? new TrainingProgress(who, stepsPerEpoch, () -> s.traffic().total().bytesSent(), spec.interactive)
                    : null;
            List<TrainingListener> listeners = new ArrayList<>(spec.listeners);
            if (bar != null) {
                listeners.add(0, bar);
            }
            net.setListeners(listeners);
            long t0 = System.nanoTime();
            try {
                net.fit(ctx.sharedIterator(trainOrNull == null ? null : batches(trainOrNull, batch)), spec.epochs);
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double acc = Double.NaN;
            var ch = s.channel(EVAL_CHANNEL);
            boolean evaluate;
            if (role == Role.DATA_OWNER) {
                evaluate = spec.testOrNull != null;
                ch.send(new byte[] {(byte) (evaluate ? 1 : 0)});
            } else {
                byte[] m = ch.receive();
                if (m.length != 1 || (m[0] & ~1) != 0) {
                    throw new IllegalStateException("malformed evaluation flag from the data owner");
                }
                evaluate = m[0] == 1;
            }
            if (evaluate) {
                Evaluation e = SecureTrain.evaluate(net, ctx, ctx.sharedIterator(spec.testOrNull == null ? null
                        : batches(spec.testOrNull, 250)));
                if (e != null) {
                    acc = e.accuracy();
                }
            }
            MultiLayerNetwork revealed = SecureTrain.reveal(net, ctx);
            log.debug("{} done", who);
            return new Result(role, revealed, net.getIterationCount(), secs, s.traffic().snapshot(), acc);
        }
    }

    /** Plaintext DL4J on the same configuration, seed and minibatches: the accuracy baseline. */
    public static MultiLayerNetwork trainPlain(MultiLayerConfiguration conf, DataSet train, int batch, int epochs) {
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        plain.fit(batches(train, batch), epochs);
        return plain;
    }

    public static double accuracy(MultiLayerNetwork net, DataSet test) {
        Evaluation e = net.evaluate(batches(test, 250));
        return e.accuracy();
    }
}
