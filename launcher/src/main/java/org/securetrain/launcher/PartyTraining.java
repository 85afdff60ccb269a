package org.securetrain.launcher;

import org.securetrain.crypto.he.HeParameters;
import org.securetrain.launcher.ui.ProtocolFigures;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.ViewIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.dl4j.LabelOwnerLeakage;
import org.securetrain.dl4j.LossMode;
import org.securetrain.dl4j.LossVisibility;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.checkpoint.CheckpointDirectory;
import org.securetrain.dl4j.checkpoint.Checkpoints;
import org.securetrain.dl4j.checkpoint.ResumedTraining;
import org.securetrain.backend.Backend;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.link.LinkProfile;
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

    /**
     * What one party ends with. {@code steps} counts all training steps of the run, those before a resume
     * included; {@code resumedFromStep} is the checkpoint step a resumed run started from, -1 for a fresh run;
     * {@code figures}: this party's time per kernel and traffic per protocol step over the whole session (set-up,
     * training, evaluation, reveal).
     */
    public record Result(Role role, Model revealedModelOrNull, int steps, double seconds,
            TrafficStats.Snapshot traffic, double testAccuracyOrNaN, long resumedFromStep, ProtocolFigures figures) {
        /** The revealed multi-layer network at the model owner, null at the data owner. */
        public MultiLayerNetwork revealedOrNull() {
            if (revealedModelOrNull instanceof ComputationGraph) {
                throw new IllegalStateException("the run trained a ComputationGraph: use revealedGraphOrNull()");
            }
            return (MultiLayerNetwork) revealedModelOrNull;
        }

        /** The revealed graph at the model owner, null at the data owner. */
        public ComputationGraph revealedGraphOrNull() {
            if (revealedModelOrNull instanceof MultiLayerNetwork) {
                throw new IllegalStateException("the run trained a MultiLayerNetwork: use revealedOrNull()");
            }
            return (ComputationGraph) revealedModelOrNull;
        }

        /** Per-protocol tables (time per kernel, bytes/messages/rounds per step) for the final summary. */
        public String protocolTable() {
            return figures.table();
        }

        public String summary() {
            var t = traffic.total();
            long now = resumedFromStep < 0 ? steps : steps - resumedFromStep;
            String resumed = resumedFromStep < 0 ? "" : " (resumed from checkpoint step " + resumedFromStep + ": " + now
                    + " steps in this run)";
            return String.format(Locale.ROOT, "%s: %d steps%s in %.1f s (%.2f s/step), sent %s, received %s, %d rounds",
                    role, steps, resumed, seconds, now == 0 ? 0.0 : seconds / now,
                    TrainingProgress.Bytes.format(t.bytesSent()), TrainingProgress.Bytes.format(t.bytesReceived()),
                    t.rounds());
        }
    }

    /** Session options for a training session on the default non-linear protocols, without a simulated link. */
    public static SessionOptions sessionOptions(Role role, MultiLayerConfiguration conf, int fracBits,
            LabelOwnerLeakage accepted) {
        return sessionOptions(role, conf, fracBits, accepted, NonlinearSettings.defaults(), LinkProfile.LOOPBACK);
    }

    /**
     * Session options for a training session: the configuration hash binds both parties to the same model,
     * precision, loss mode with its accepted leakage and non-linear protocols
     * ({@link SecurePartyContext.Builder#configHash}). What this party sends passes a simulated link (a
     * measurement aid; {@link LinkProfile#LOOPBACK}: none); the link is not part of the configuration hash: each
     * party shapes its own direction.
     */
    public static SessionOptions sessionOptions(Role role, MultiLayerConfiguration conf, int fracBits,
            LabelOwnerLeakage accepted, NonlinearSettings nonlinear, LinkProfile link) {
        return sessionOptions(role, conf, fracBits, accepted, nonlinear, HeParameters.standard(), link);
    }

    /**
     * As above, with the run's statistical security ({@link Spec#statisticalSecurity}; in the configuration hash,
     * so both parties must choose alike).
     */
    public static SessionOptions sessionOptions(Role role, MultiLayerConfiguration conf, int fracBits,
            LabelOwnerLeakage accepted, NonlinearSettings nonlinear, HeParameters he, LinkProfile link) {
        return sessionOptions(role, ModelConfiguration.of(conf), fracBits, accepted, nonlinear, he, link);
    }

    /** {@link #sessionOptions(Role, MultiLayerConfiguration, int, LabelOwnerLeakage, NonlinearSettings, LinkProfile)} of a graph. */
    public static SessionOptions sessionOptions(Role role, ComputationGraphConfiguration conf, int fracBits,
            LabelOwnerLeakage accepted, NonlinearSettings nonlinear, LinkProfile link) {
        return sessionOptions(role, ModelConfiguration.of(conf), fracBits, accepted, nonlinear,
                HeParameters.standard(), link);
    }

    /** The session options of either kind of model (see the multi-layer overloads). */
    public static SessionOptions sessionOptions(Role role, ModelConfiguration model, int fracBits,
            LabelOwnerLeakage accepted, NonlinearSettings nonlinear, HeParameters he, LinkProfile link) {
        return sessionOptions(role, model, fracBits, accepted == null ? null : LossMode.labelOwner(accepted), nonlinear,
                he, link);
    }

    /**
     * The session options of either kind of model in either loss mode: the mode (private-loss mode with who sees the
     * loss) is in the configuration hash and in the summary, so parties that chose differently fail at the handshake
     * with both choices named.
     */
    public static SessionOptions sessionOptions(Role role, ModelConfiguration model, int fracBits, LossMode mode,
            NonlinearSettings nonlinear, HeParameters he, LinkProfile link) {
        return sessionOptions(role, model.sessionHash(terms(fracBits, mode, nonlinear, he)),
                model.configSummary(fracBits, nonlinear), mode, he, link);
    }

    /** The options over the hash and the readable form of the hashed terms (named field by field when they differ). */
    private static SessionOptions sessionOptions(Role role, byte[] hash, Map<String, String> confSummary,
            LossMode mode, HeParameters he, LinkProfile link) {
        Map<String, String> m = new LinkedHashMap<>(confSummary);
        m.put("lossMode", String.valueOf(mode));
        m.put("statisticalSecurity", he.runStatisticalSecurity() + " bits over " + he.plannedCrossTerms()
                + " HE cross terms");
        m.put("hePlanningBandwidth", he.planningBandwidth() + " bit/s");
        return SessionOptions.builder(role).sessionId("securetrain-train").configHash(hash).configSummary(m).link(link)
                .build();
    }

    /**
     * What both parties must choose alike: the precision, the loss mode with its named leakage, the protocols, the
     * run's statistical security.
     */
    static SecurePartyContext.Builder terms(int fracBits, LossMode mode, NonlinearSettings nonlinear,
            HeParameters he) {
        SecurePartyContext.Builder b = SecurePartyContext.builder().fracBits(fracBits).nonlinear(nonlinear)
                .statisticalSecurity(he.runStatisticalSecurity(), he.plannedCrossTerms())
                .hePlanningBandwidth(he.planningBandwidth());
        return mode == null ? b : mode.isPrivate() ? b.privateLoss(mode.privateVisibility())
                : b.labelOwnerLoss(mode.labelOwnerLeakage());
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
        final ModelConfiguration model;
        int fracBits = FixedPoint.DEFAULT_FRAC_BITS;
        DataSet trainOrNull;
        DataSet testOrNull;
        int batch = 64;
        /** Whether {@link #batch(int)} was called: the model owner then checks the data owner's size against it. */
        boolean batchGiven;
        int epochs = 1;
        boolean progress;
        boolean interactive;
        final List<TrainingListener> listeners = new ArrayList<>();
        Path checkpointDirOrNull;
        int checkpointEvery;
        boolean resume;
        UnaryOperator<Backend> backendDecorator = UnaryOperator.identity();
        NonlinearSettings nonlinear = NonlinearSettings.defaults();
        LossMode lossMode;
        HeParameters he = HeParameters.standard();

        private Spec(ModelConfiguration model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * Label-owner loss mode with its leakage named (required; both parties; launcher {@code --loss-mode
         * label-owner}): see {@link SecurePartyContext.Builder#labelOwnerLoss}.
         */
        public Spec labelOwnerLoss(LabelOwnerLeakage accepted) {
            this.lossMode = LossMode.labelOwner(accepted);
            return this;
        }

        /**
         * Private-loss mode (both parties alike, visibility included; launcher {@code --loss-mode private
         * --loss-visibility ...}): see {@link SecurePartyContext.Builder#privateLoss}.
         */
        public Spec privateLoss(LossVisibility whoSeesTheLoss) {
            this.lossMode = LossMode.privateLoss(whoSeesTheLoss);
            return this;
        }

        /** Either loss mode (both parties alike). */
        public Spec lossMode(LossMode mode) {
            this.lossMode = Objects.requireNonNull(mode, "loss mode");
            return this;
        }

        /** This party's session options for this run (see {@link PartyTraining#sessionOptions}). */
        public SessionOptions sessionOptions(Role role) {
            return PartyTraining.sessionOptions(role, model, fracBits, lossMode, nonlinear, he,
                    LinkProfile.LOOPBACK);
        }

        /**
         * The run's statistical security (default 40 bits over {@link HeParameters#DEFAULT_PLANNED_CROSS_TERMS} HE
         * cross terms; launcher {@code --statistical-security}, {@code --he-cross-terms}): see
         * {@link SecurePartyContext.Builder#statisticalSecurity}. Both parties alike.
         */
        public Spec statisticalSecurity(int runBits, long plannedCrossTerms) {
            this.he = he.withRunStatisticalSecurity(runBits, plannedCrossTerms);
            return this;
        }

        /**
         * The link bandwidth the HE products are blocked for (default 100 Mbit/s; launcher
         * {@code --he-planning-bandwidth}): see {@link SecurePartyContext.Builder#hePlanningBandwidth}. Both parties
         * alike.
         */
        public Spec hePlanningBandwidth(long bitsPerSecond) {
            this.he = he.withPlanningBandwidth(bitsPerSecond);
            return this;
        }

        public Spec fracBits(int f) {
            this.fracBits = f;
            return this;
        }

        /**
         * The non-linear protocols (default {@link NonlinearSettings#defaults()}); both parties must choose alike,
         * and their session options must carry the same ({@link PartyTraining#sessionOptions(Role,
         * MultiLayerConfiguration, int, LabelOwnerLeakage, NonlinearSettings, LinkProfile)}).
         */
        public Spec nonlinear(NonlinearSettings settings) {
            this.nonlinear = Objects.requireNonNull(settings, "nonlinear settings");
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

        /**
         * The data owner's minibatch size (default 64). Given to the model owner, which has no data, it is a check:
         * the run stops at both parties if the data owner's differs.
         */
        public Spec batch(int batch) {
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be at least 1, got " + batch);
            }
            this.batch = batch;
            this.batchGiven = true;
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
         * Writes this party's checkpoints into {@code dir} after every {@code everySteps}-th step (the last two are
         * kept; see {@link Checkpoints}). Both parties must give the same interval; the run checks it with the peer
         * before training. A fresh run refuses a directory that already holds checkpoints.
         */
        public Spec checkpoints(Path dir, int everySteps) {
            if (everySteps < 1) {
                throw new IllegalArgumentException("checkpoint interval must be at least 1 step, got " + everySteps);
            }
            this.checkpointDirOrNull = Objects.requireNonNull(dir, "checkpoint directory");
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * Continues from the newest checkpoint step both parties hold instead of starting fresh (both parties
         * must resume): the steps already done are skipped, the data owner's minibatches continue in the same
         * order, and the run ends after the same number of epochs as an uninterrupted one. Needs {@link #checkpoints}.
         */
        public Spec resume(boolean resume) {
            this.resume = resume;
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
        return new Spec(ModelConfiguration.of(conf));
    }

    /** A run of a graph (one input, one output: the data owner's batches are one feature and one label array). */
    public static Spec spec(ComputationGraphConfiguration conf) {
        return new Spec(ModelConfiguration.of(conf));
    }

    /** A run of either kind of model (e.g. {@link Models#configurationFromJson}). */
    public static Spec spec(ModelConfiguration model) {
        return new Spec(model);
    }

    /** Runs training at this party as {@code spec} says, then the optional evaluation and the reveal. */
    static Result run(Session s, Spec spec) {
        Role role = s.role();
        DataSet trainOrNull = spec.trainOrNull;
        int batch = spec.batch;
        int examples = trainOrNull == null ? 0 : trainOrNull.numExamples();
        int stepsPerEpoch = examples <= 0 ? 0 : (examples + batch - 1) / batch; // 0: unknown (model owner)
        if (spec.resume && spec.checkpointDirOrNull == null) {
            throw new IllegalArgumentException("resume needs the checkpoint directory (Spec.checkpoints)");
        }
        if (spec.lossMode == null) {
            throw new IllegalArgumentException("choose the loss mode: Spec.labelOwnerLoss(LabelOwnerLeakage."
                    + "DATA_OWNER_SEES_EXACT_LOGITS) (the data owner sees the exact logits of every batch) or "
                    + "Spec.privateLoss(LossVisibility) (softmax and loss on shares)");
        }
        agreeOnTheRun(s, spec, examples);
        // Opened before training, not after: the data owner may finish (flag, reveal) and close the session while
        // the model owner is still returning from fit, and the session refuses to open a stream after the peer's
        // goodbye even though that stream's messages have arrived (it does deliver them on streams already open).
        var ch = s.channel(EVAL_CHANNEL);
        SecurePartyContext.Builder terms = terms(spec.fracBits, spec.lossMode, spec.nonlinear, spec.he).session(s)
                .backend(session -> spec.backendDecorator.apply(TwoPartyBackend.open(session,
                        FixedPoint.of(spec.fracBits), spec.nonlinear, spec.he)));
        if (!spec.lossMode.isPrivate()) {
            terms.lossVisibility(LossVisibility.DATA_OWNER_ONLY); // the default: the model owner sees no loss
        }
        try (SecurePartyContext ctx = terms.build()) {
            String who = role == Role.MODEL_OWNER ? "model owner" : "data owner";
            ModelConfiguration model = spec.model;
            Model net;
            DataSetIterator shared;
            int epochsToRun = spec.epochs;
            long resumedFrom = -1;
            int resumedEpoch = 0;
            int resumedBatchInEpoch = 0;
            if (spec.resume) {
                ResumedTraining r = model.resume(ctx, spec.checkpointDirOrNull,
                        trainOrNull == null ? null : batches(trainOrNull, batch));
                net = r.model();
                shared = r.sharedIterator();
                epochsToRun = r.remainingEpochs(spec.epochs);
                resumedFrom = r.step();
                resumedEpoch = r.epoch();
                // a checkpoint after an epoch's last batch resumes at the start of the next epoch
                resumedBatchInEpoch = r.epoch() == r.checkpoint().epoch() ? r.checkpoint().batchInEpoch() : 0;
                List<Path> aside = new CheckpointDirectory(spec.checkpointDirOrNull).setAsideNewerThan(r.step());
                log.info("{}: resumed from checkpoint step {} (epoch {}, {} batches of it done){}", who, r.step(),
                        r.checkpoint().epoch() + 1, r.checkpoint().batchInEpoch(), aside.isEmpty() ? ""
                                : "; this party's later checkpoints " + aside + " were set aside (the peer lacks them)");
            } else {
                net = model.attach(ctx);
                shared = ctx.sharedIterator(trainOrNull == null ? null : batches(trainOrNull, batch));
            }
            TrainingProgress bar = spec.progress
                    ? new TrainingProgress(who, stepsPerEpoch, () -> s.traffic().total().bytesSent(), spec.interactive)
                    : null;
            List<TrainingListener> listeners = new ArrayList<>();
            if (bar != null) {
                listeners.add(bar);
                if (resumedFrom >= 0) {
                    bar.resumeAt(resumedEpoch, resumedBatchInEpoch);
                }
            }
            if (spec.checkpointDirOrNull != null) {
                // before the caller's listeners: a failing listener must not cost the step's checkpoint
                listeners.add(Checkpoints.listener(ctx, shared, spec.checkpointDirOrNull, spec.checkpointEvery));
            }
            listeners.addAll(spec.listeners);
            model.setListeners(net, listeners);
            long t0 = System.nanoTime();
            try {
                if (epochsToRun > 0) {
                    model.fit(net, shared, epochsToRun);
                }
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double acc = Double.NaN;
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
                Evaluation e = model.evaluate(net, ctx, ctx.sharedIterator(spec.testOrNull == null ? null
                        : batches(spec.testOrNull, 250)));
                if (e != null) {
                    acc = e.accuracy();
                }
            }
            Model revealed = model.reveal(net, ctx);
            log.debug("{} done", who);
            int steps = model.iterationCount(net);
            return new Result(role, revealed, steps, secs, s.traffic().snapshot(), acc, resumedFrom,
                    ProtocolFigures.of(ctx, steps, secs));
        }
    }

    /**
     * Before any secure computation: checks this party's checkpoint directory, then exchanges the plan with the
     * peer (see {@link RunAgreement}) so a problem at either party, or differing epochs, checkpoint intervals or
     * resume flags, stop both parties with the cause. A fresh run with checkpoints then records its run description.
     */
    private static void agreeOnTheRun(Session s, Spec spec, int examples) {
        RunDescription run = spec.checkpointDirOrNull == null ? null
                : new RunDescription(s.role(), spec.model.configHash(spec.fracBits), spec.batch, examples,
                        RunDescription.digest(spec.trainOrNull));
        CheckpointPreflight.Problem problem = spec.checkpointDirOrNull == null ? null
                : CheckpointPreflight.check(spec.checkpointDirOrNull, spec.resume, run);
        if (s.role() == Role.DATA_OWNER && examples == 0) {
            // nothing to train on: both parties stop before any secure computation instead of "training" 0 steps
            problem = new CheckpointPreflight.Problem("the training set is empty (0 examples): nothing to train on",
                    "it has no training data (0 examples)");
        }
        int batchInPlan = s.role() == Role.DATA_OWNER ? spec.batch : spec.batchGiven ? spec.batch : 0;
        RunAgreement.agree(s, new RunAgreement.Plan(spec.epochs, spec.checkpointEvery, spec.resume, batchInPlan),
                problem);
        if (spec.checkpointDirOrNull != null && !spec.resume) {
            run.writeTo(spec.checkpointDirOrNull);
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
