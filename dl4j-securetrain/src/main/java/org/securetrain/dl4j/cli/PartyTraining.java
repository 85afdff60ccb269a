package org.securetrain.dl4j.cli;

import java.util.Locale;
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

    /**
     * Runs training at this party.
     *
     * @param trainOrNull the data owner's training set; null at the model owner
     * @param progress show progress (bar or log lines) at this party
     */
    public static Result train(Session s, MultiLayerConfiguration conf, int fracBits, DataSet trainOrNull, int batch,
            int epochs, int examples, boolean progress, boolean interactive) {
        return train(s, conf, fracBits, trainOrNull, batch, epochs, examples, progress, interactive, null);
    }

    /**
     * As above, then (if the data owner passes a test set) a secure evaluation on it: the data owner's
     * accuracy, computed from logits revealed to it only; NaN at the model owner and when there is no test set.
     * The data owner tells the model owner first whether an evaluation follows (one byte).
     */
    public static Result train(Session s, MultiLayerConfiguration conf, int fracBits, DataSet trainOrNull, int batch,
            int epochs, int examples, boolean progress, boolean interactive, DataSet testOrNull) {
        Role role = s.role();
        int stepsPerEpoch = examples <= 0 ? 0 : (examples + batch - 1) / batch; // 0: unknown (model owner)
        try (SecurePartyContext ctx = SecurePartyContext.builder()
                .session(s)
                .fracBits(fracBits)
                .backend(session -> TwoPartyBackend.open(session, FixedPoint.of(fracBits)))
                .lossVisibility(LossVisibility.DATA_OWNER_ONLY) // the default: the model owner sees no loss
                .build()) {
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
            String who = role == Role.MODEL_OWNER ? "model owner" : "data owner";
            TrainingProgress bar = progress
                    ? new TrainingProgress(who, stepsPerEpoch, () -> s.traffic().total().bytesSent(), interactive)
                    : null;
            if (bar != null) {
                net.setListeners(bar);
            }
            long t0 = System.nanoTime();
            try {
                net.fit(ctx.sharedIterator(trainOrNull == null ? null : batches(trainOrNull, batch)), epochs);
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
                evaluate = testOrNull != null;
                ch.send(new byte[] {(byte) (evaluate ? 1 : 0)});
            } else {
                byte[] m = ch.receive();
                if (m.length != 1 || (m[0] & ~1) != 0) {
                    throw new IllegalStateException("malformed evaluation flag from the data owner");
                }
                evaluate = m[0] == 1;
            }
            if (evaluate) {
                Evaluation e = SecureTrain.evaluate(net, ctx, ctx.sharedIterator(testOrNull == null ? null
                        : batches(testOrNull, 250)));
                if (e != null) {
                    acc = e.accuracy();
                }
            }
            MultiLayerNetwork revealed = SecureTrain.reveal(net, ctx);
            log.debug("{} done", who);
            return new Result(role, revealed, stepsPerEpoch * epochs, secs, s.traffic().snapshot(), acc);
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
