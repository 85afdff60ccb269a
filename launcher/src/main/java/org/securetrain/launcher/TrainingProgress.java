package org.securetrain.launcher;

import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training progress of one party, driven by DL4J's listener calls on the secure network: a progress bar
 * per epoch (steps/s, bytes sent, loss where this party may see it, ETA) on an interactive terminal,
 * otherwise (CI, a pipe, {@code --plain}) one log line per step.
 */
public final class TrainingProgress extends BaseTrainingListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrainingProgress.class);

    private final String who;
    private final int stepsPerEpoch;
    private final LongSupplier bytesSent;
    private final boolean bar;
    private ProgressBar pb;
    private int stepInEpoch;
    private int epoch;
    private int resumeStepInEpoch = -1;
    private long startNanos = System.nanoTime();
    private long lastNanos = startNanos;

    /**
     * @param who label (e.g. "data owner")
     * @param stepsPerEpoch minibatches per epoch
     * @param bytesSent this party's bytes sent so far (from the session's traffic accounting)
     * @param interactive draw a bar (true only on a terminal)
     */
    public TrainingProgress(String who, int stepsPerEpoch, LongSupplier bytesSent, boolean interactive) {
        this.who = who;
        this.stepsPerEpoch = stepsPerEpoch;
        this.bytesSent = bytesSent;
        this.bar = interactive;
    }

    /** True when stdout is a terminal and the user did not ask for plain lines. */
    public static boolean interactiveTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** A resumed run: the first epoch fit runs is {@code epoch} (0-based), {@code stepsDone} of its steps done. */
    public void resumeAt(int epoch, int stepsDone) {
        this.epoch = epoch;
        this.resumeStepInEpoch = stepsDone;
    }

    @Override
    public void onEpochStart(Model model) {
        stepInEpoch = Math.max(0, resumeStepInEpoch);
        resumeStepInEpoch = -1;
        if (bar && stepsPerEpoch > 0) {
            pb = new ProgressBarBuilder().setTaskName(who + " epoch " + (epoch + 1)).setInitialMax(stepsPerEpoch)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed()
                    .setUnit(" st", 1).continuousUpdate().build();
            pb.stepTo(stepInEpoch);
        }
    }

    @Override
    public void onEpochEnd(Model model) {
        if (pb != null) {
            pb.close();
            pb = null;
        }
        epoch++;
    }

    @Override
    public void iterationDone(Model model, int iteration, int ep) {
        stepInEpoch++;
        long now = System.nanoTime();
        double stepSec = (now - lastNanos) / 1e9;
        lastNanos = now;
        double score = model.score();
        String loss = Double.isNaN(score) ? "hidden" : String.format(Locale.ROOT, "%.4f", score);
        String sent = Bytes.format(bytesSent.getAsLong());
        if (pb != null) {
            pb.setExtraMessage(" loss " + loss + " sent " + sent.replace(" ", ""));
            pb.stepTo(stepInEpoch);
        } else {
            double elapsed = (now - startNanos) / 1e9;
            String of = stepsPerEpoch > 0 ? "/" + stepsPerEpoch : "";
            log.info(String.format(Locale.ROOT, "%s: epoch %d step %d%s  loss %s  %.1f s/step  sent %s  elapsed %.0f s",
                    who, epoch + 1, stepInEpoch, of, loss, stepSec, sent, elapsed));
        }
    }

    @Override
    public void close() {
        if (pb != null) {
            pb.close();
            pb = null;
        }
    }

    /** Human-readable byte counts. */
    public static final class Bytes {
        private Bytes() {
        }

        public static String format(long b) {
            if (b < 1024) {
                return b + " B";
            }
            if (b < 1024L * 1024) {
                return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
            }
            if (b < 1024L * 1024 * 1024) {
                return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
            }
            return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
        }
    }
}
