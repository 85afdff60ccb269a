package org.securetrain.samples;

import org.securetrain.dl4j.LabelOwnerLeakage;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.data.FashionMnist;
import org.securetrain.launcher.LocalTlsParties;
import org.securetrain.launcher.Models;
import org.securetrain.launcher.PartyTraining;
import org.securetrain.launcher.TrainingProgress;
import org.securetrain.launcher.ui.TrainingUi;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.link.LinkProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample 1, the README's main job: two-party secure training of an MLP on the bundled Fashion-MNIST subset,
 * both parties in this JVM (two threads) over TLS on 127.0.0.1. Prints per-step progress, then the test
 * accuracy of the secure model (revealed to the model owner) next to plaintext DL4J trained on the same
 * configuration, seed and minibatches, and time, bytes and rounds per party.
 *
 * <p>Options ({@code key=value}): {@code train=4000 test=1000 batch=64 epochs=2 hidden=128 lr=0.01 fracBits=24
 * ui=false uiPort=9000 link=loopback}.
 * {@code ui=true}: DL4J's training UI on 127.0.0.1:uiPort ({@link TrainingUi}), the data
 * owner's loss chart and both parties' protocol figures; on a terminal it stays up after the run until Enter.
 * {@code link=wan} (or {@code lan}, {@code BW,RTT} such as {@code 200mbit,10ms}): both parties' sends pass a
 * simulated link, a measurement aid for what a deployment over that network would see.
 */
public final class FashionMnistMlp {
    private static final Logger log = LoggerFactory.getLogger(FashionMnistMlp.class);

    private FashionMnistMlp() {
    }

    public static void main(String[] args) {
        SampleArgs a = new SampleArgs(args);
        int train = a.integer("train", 4000);
        int test = a.integer("test", 1000);
        int batch = a.integer("batch", 64);
        int epochs = a.integer("epochs", 2);
        int hidden = a.integer("hidden", 128);
        double lr = a.real("lr", 0.01);
        int f = a.integer("fracBits", 24);
        String ui = a.string("ui", "false");
        if (!ui.equals("true") && !ui.equals("false")) {
            throw new IllegalArgumentException("ui must be true or false, got '" + ui + "'");
        }
        int uiPort = a.integer("uiPort", TrainingUi.DEFAULT_PORT);
        LinkProfile link = a.link("link");
        a.done();
        MultiLayerConfiguration conf = Models.mlp(hidden, lr, 42);
        if (ui.equals("false")) {
            run("MLP 784-" + hidden + "-10", conf, f, link, train, test, batch, epochs, null);
            return;
        }
        try (TrainingUi trainingUi = TrainingUi.start(uiPort)) {
            System.out.println("training UI (127.0.0.1 only): " + trainingUi.overviewUri() + " (the data owner's loss) and "
                    + trainingUi.figuresUri() + " (time, bytes and rounds per protocol, both parties)");
            run("MLP 784-" + hidden + "-10", conf, f, link, train, test, batch, epochs, trainingUi);
            if (System.console() != null) {
                System.out.println("the training UI stays up at " + trainingUi.overviewUri() + "; press Enter to close it");
                System.console().readLine();
            }
        }
    }

    /**
     * Secure two-party training and the plaintext baseline, with the summary. Shared by the CNN sample.
     * {@code link}: both parties' sends pass this simulated link (a measurement aid; loopback = none).
     * {@code uiOrNull}: both parties' networks report to this training UI.
     */
    static void run(String name, MultiLayerConfiguration conf, int f, LinkProfile link, int train, int test, int batch,
            int epochs, TrainingUi uiOrNull) {
        org.securetrain.ring.FixedPoint.of(f); // a bad fracBits fails here, before any party starts
        PartyTraining.oneNativeThread();
        DataSet trainSet = FashionMnist.bundled(FashionMnist.Split.TRAIN, train);
        DataSet testSet = FashionMnist.bundled(FashionMnist.Split.TEST, test);
        int n = trainSet.numExamples();
        log.info("{} on the bundled Fashion-MNIST subset: {} training images, batch {}, {} epoch(s) = {} secure steps; "
                + "fixed point with {} fractional bits", name, n, batch, epochs, epochs * ((n + batch - 1) / batch), f);
        if (link.isSimulated()) { // on stdout: visible whatever logging backend the application has
            System.out.println("SIMULATED LINK (measurement aid, not a network): each party's sends are delayed as over "
                    + link.describe() + "; both parties still share this machine");
        }
        boolean tty = TrainingProgress.interactiveTerminal();
        long t0 = System.nanoTime();
        // label-owner mode: the data owner sees the exact logits of its batches (docs/SECURITY.md)
        LabelOwnerLeakage accepted = LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS;
        var r = LocalTlsParties.run(conf, f, accepted, link,
                s -> withUi(PartyTraining.spec(conf).fracBits(f).labelOwnerLoss(accepted).batch(batch).epochs(epochs),
                        uiOrNull, s).run(s),
                s -> withUi(PartyTraining.spec(conf).fracBits(f).labelOwnerLoss(accepted).train(trainSet).batch(batch)
                        .epochs(epochs)
                        .progress(true, tty), uiOrNull, s).run(s));
        double total = (System.nanoTime() - t0) / 1e9;
        MultiLayerNetwork secure = r.modelOwner().revealedOrNull();

        long p0 = System.nanoTime();
        MultiLayerNetwork plain = PartyTraining.trainPlain(conf, trainSet, batch, epochs);
        double plainSecs = (System.nanoTime() - p0) / 1e9;

        double accSecure = PartyTraining.accuracy(secure, testSet);
        double accPlain = PartyTraining.accuracy(plain, testSet);
        double maxW = secure.params().sub(plain.params()).amaxNumber().doubleValue();
        String line = "=".repeat(78);
        System.out.println(line);
        System.out.printf(Locale.ROOT, "%s, %d training images, batch %d, %d epoch(s), test on %d images%n", name, n,
                batch, epochs, testSet.numExamples());
        System.out.printf(Locale.ROOT, "  test accuracy, secure two-party (revealed to model owner): %.2f %%%n",
                100 * accSecure);
        System.out.printf(Locale.ROOT, "  test accuracy, plaintext DL4J (same conf, seed, batches):  %.2f %%%n",
                100 * accPlain);
        System.out.printf(Locale.ROOT, "  max |secure weight - plaintext weight|: %.2e%n", maxW);
        System.out.printf(Locale.ROOT, "  time: secure %.1f s (incl. TLS and setup%s), plaintext %.2f s%n", total,
                link.isSimulated() ? ", over the simulated link " + link.name() : "", plainSecs);
        System.out.println("  " + r.modelOwner().summary());
        System.out.println("  " + r.dataOwner().summary());
        System.out.println(line);
        System.out.print(r.modelOwner().protocolTable());
        System.out.print(r.dataOwner().protocolTable());
        if (uiOrNull != null) { // the final figures, with evaluation and reveal
            uiOrNull.publish(r.modelOwner().figures());
            uiOrNull.publish(r.dataOwner().figures());
        }
    }

    private static PartyTraining.Spec withUi(PartyTraining.Spec spec, TrainingUi uiOrNull, Session s) {
        return uiOrNull == null ? spec : spec.listener(uiOrNull.listener(s.role()));
    }
}
