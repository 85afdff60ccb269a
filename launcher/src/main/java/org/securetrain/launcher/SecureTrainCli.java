package org.securetrain.launcher;

import org.securetrain.crypto.he.HeParameters;
import org.securetrain.backend.NonlinearEngine;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.dl4j.LabelOwnerLeakage;
import org.securetrain.dl4j.LossMode;
import org.securetrain.dl4j.LossVisibility;
import org.securetrain.dl4j.UnsupportedConfigurationException;
import org.securetrain.launcher.ui.TrainingUi;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.data.FashionMnist;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.link.LinkProfile;
import org.securetrain.launcher.partycli.HostPort;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Launcher of one party of a two-party secure training run on Fashion-MNIST: run it once per party, one
 * with {@code --listen}, the other with {@code --connect}. Keys and fingerprints come from
 * {@code PartyCli keygen}. The data owner reads the training (and test) images; the model owner chooses the
 * model and receives the trained weights ({@code --out}).
 *
 * <p>Exit codes: 0 success, 1 the run failed (peer unreachable, wrong certificate, mismatched model, port in
 * use, ...), 2 misuse (bad option, missing file, data that is not IDX).
 */
@Command(name = "securetrain-train", mixinStandardHelpOptions = true, version = "SecureTrain 0.1",
        description = "One party of a two-party secure DL4J training run on Fashion-MNIST over TLS.")
public final class SecureTrainCli implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "model-owner or data-owner")
    String role;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Endpoint endpoint;

    static final class Endpoint {
        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "wait for the peer on this address")
        String listen;

        @Option(names = "--connect", paramLabel = "HOST:PORT",
                description = "connect to the listening peer (retried until --timeout)")
        String connect;
    }

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "this party's private key (PEM)")
    Path key;

    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "this party's certificate (PEM)")
    Path cert;

    @Option(names = "--peer-fingerprint", required = true, paramLabel = "HEX",
            description = "SHA-256 fingerprint of the peer's certificate (from its keygen)")
    String peerFingerprint;

    @Option(names = "--model", defaultValue = "mlp", paramLabel = "MODEL",
            description = "mlp (784-64-10), cnn (LeNet-style) or a DL4J JSON file of a MultiLayerConfiguration or a "
                    + "ComputationGraphConfiguration (one input, one output; told apart by content); both parties "
                    + "must give the same (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--data", defaultValue = "bundled", paramLabel = "DATA",
            description = "data owner: 'bundled' (the subset shipped in the jar) or a directory with Fashion-MNIST IDX "
                    + "files, e.g. /usr/share/datasets/fashion-mnist (default ${DEFAULT-VALUE}); ignored by the model owner")
    String data;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "N") int epochs;
    @Option(names = "--batch", paramLabel = "N", description = "data owner: minibatch size (default "
            + DEFAULT_BATCH + "); model owner: the size it expects, checked against the data owner's (default: none)")
    Integer batch;
    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "X", description = "learning rate of mlp/cnn (Nesterov momentum 0.9)")
    double lr;
    @Option(names = "--loss-mode", paramLabel = "label-owner|private", description = "required, both parties alike: "
            + "label-owner (the data owner receives the exact logits of every training and evaluation batch and computes "
            + "the loss; docs/SECURITY.md, 'Label-owner mode') or private (softmax and cross-entropy on shares: nobody "
            + "sees the logits; softmax output with MCXENT/NLL only; the data owner's evaluation gets the predicted "
            + "class; docs/security/private-loss.md)")
    String lossMode;
    @Option(names = "--private-loss", description = "the same as --loss-mode private")
    boolean privateLoss;
    @Option(names = "--loss-visibility", paramLabel = "data-owner|model-owner|both|none", description = "private-loss "
            + "mode, both parties alike: who sees the loss value (default data-owner); the others' score is NaN")
    String lossVisibility;
    @Option(names = "--frac-bits", defaultValue = "24", paramLabel = "F", description = "fixed-point fractional bits (default ${DEFAULT-VALUE})")
    int fracBits;
    @Option(names = "--nonlinear", defaultValue = "ot", paramLabel = "ot|gc", description = "protocols of ReLU, "
            + "max-pool, truncation and bit times share: ot (millionaire and multiplexers on silent OT) or gc (garbled "
            + "circuits, round 1); both parties must give the same (default ${DEFAULT-VALUE})")
    String nonlinearName;
    @Option(names = "--statistical-security", defaultValue = "40", paramLabel = "BITS", description = "statistical "
            + "security of the whole run in bits (default ${DEFAULT-VALUE}); both parties alike: each HE cross term is "
            + "flooded at BITS + ceil(log2 of --he-cross-terms) bits")
    int statisticalSecurity;

    @Option(names = "--he-cross-terms", defaultValue = "131072", paramLabel = "N", description = "HE cross terms the "
            + "run may use (default ${DEFAULT-VALUE}; the MLP uses 14 per training step); the run stops before the next "
            + "one; both parties alike")
    long heCrossTerms;

    @Option(names = "--he-planning-bandwidth", paramLabel = "BW", description = "the link bandwidth the HE products "
            + "are blocked for, e.g. 100mbit or 1gbit (default 100mbit); a slower link gets fewer bytes and more local "
            + "work, the results are the same; both parties alike (unlike --link, which each party sets for its own "
            + "direction)")
    String hePlanningBandwidth;

    @Option(names = "--compute-threads", paramLabel = "N", description = "threads of this party's compute pool for "
            + "the HE products (default: the available processors); this party's choice alone")
    Integer computeThreads;

    @Option(names = "--limit", defaultValue = "1024", paramLabel = "N", description = "data owner: training images used (default ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--test-limit", defaultValue = "1000", paramLabel = "N", description = "data owner: test images evaluated on, 0 = none")
    int testLimit;
    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "how long to wait for the peer (default ${DEFAULT-VALUE})")
    int timeoutSeconds;
    @Option(names = "--receive-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "longest wait for the peer's next message in the exchanges it answers at once "
            + "(run agreement, plan; default ${DEFAULT-VALUE})")
    int receiveTimeoutSeconds;
    @Option(names = "--compute-timeout", defaultValue = "600", paramLabel = "SECONDS", description = "longest wait for "
            + "the peer's next message during the secure computation, where it may work long in between (default "
            + "${DEFAULT-VALUE}); a stopped peer is detected within 20 s regardless")
    int computeTimeoutSeconds;
    @Option(names = "--max-buffered-mib", paramLabel = "MIB",
            description = "cap on data the peer sent that is not read yet, in MiB; above it the run stops "
            + "naming the stream (default: a quarter of the JVM heap)")
    Integer maxBufferedMib;
    @Option(names = "--max-buffered-messages", paramLabel = "N", description = "cap on messages the peer sent that are "
            + "not read yet (default ${DEFAULT-VALUE})", defaultValue = "262144")
    int maxBufferedMessages;
    @Option(names = "--ignore-peer-certificate-dates", description = "accept the pinned peer certificate outside its "
            + "validity dates (it is refused by default, naming the date; the fingerprint is checked regardless)")
    boolean ignorePeerCertificateDates;
    @Option(names = "--out", paramLabel = "FILE", description = "model owner: save the trained (revealed) model here (DL4J zip)")
    Path out;
    @Option(names = "--plain-progress", description = "log lines instead of a progress bar")
    boolean plainProgress;
    @Option(names = "--ui", description = "show this party's training in DL4J's training UI on 127.0.0.1 (the loss "
            + "only where this party may see it, plus the protocol figures page /securetrain); the URLs are printed")
    boolean ui;
    @Option(names = "--ui-port", defaultValue = "9000", paramLabel = "PORT",
            description = "port of the training UI (default ${DEFAULT-VALUE}; 0 = any free port); two parties on one "
                    + "machine need two ports")
    int uiPort;

    /** The training UI while this run has one (closed when {@link #call} ends). */
    private TrainingUi trainingUi;
    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "write this party's checkpoints here (the "
            + "last two are kept); each party has its own directory, both give --checkpoint-dir or neither")
    Path checkpointDir;
    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "checkpoint after every STEPS training "
            + "steps; both parties must give the same (default " + DEFAULT_CHECKPOINT_EVERY + ")")
    Integer checkpointEvery;
    @Option(names = "--resume", description = "continue from the newest checkpoint both parties hold in their "
            + "--checkpoint-dir (both parties give --resume); the run ends where an uninterrupted one would")
    boolean resume;

    @Option(names = "--link", defaultValue = "loopback", paramLabel = "PROFILE",
            description = "MEASUREMENT AID: what this party sends arrives as over a simulated link: loopback (off, "
                    + "the default), lan (1 Gbit/s, 0.5 ms RTT), wan (100 Mbit/s, 40 ms RTT) or BW,RTT such as "
                    + "200mbit,10ms; each party shapes its own direction, so give it to both")
    String link;

    /** The loss mode the user named: label-owner with the leakage it accepts, or private (required; misuse otherwise). */
    private LossMode lossMode() {
        String mode = lossMode;
        if (privateLoss) {
            if (mode != null && !mode.equals("private")) {
                throw misuse("--private-loss contradicts --loss-mode " + mode);
            }
            mode = "private";
        }
        if (mode == null) {
            throw misuse("--loss-mode is required (both parties): label-owner, in which the data owner receives the "
                    + "exact logits of every batch (docs/SECURITY.md, 'Label-owner mode'), or private (--private-loss: "
                    + "softmax and cross-entropy on shares)");
        }
        if (mode.equals("private")) {
            return LossMode.privateLoss(lossVisibility());
        }
        if (!mode.equals("label-owner")) {
            throw misuse("--loss-mode must be label-owner or private, got '" + mode + "'");
        }
        if (lossVisibility != null) {
            throw misuse("--loss-visibility is for private-loss mode; in label-owner mode the data owner computes the "
                    + "loss and sees it");
        }
        return LossMode.labelOwner(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS);
    }

    private LossVisibility lossVisibility() {
        if (lossVisibility == null) {
            return LossVisibility.DATA_OWNER_ONLY;
        }
        return switch (lossVisibility) {
            case "data-owner" -> LossVisibility.DATA_OWNER_ONLY;
            case "model-owner" -> LossVisibility.MODEL_OWNER_ONLY;
            case "both" -> LossVisibility.BOTH_PARTIES;
            case "none" -> LossVisibility.NONE;
            default -> throw misuse("--loss-visibility must be data-owner, model-owner, both or none, got '"
                    + lossVisibility + "'");
        };
    }

    static final int DEFAULT_CHECKPOINT_EVERY = 10;
    static final int DEFAULT_BATCH = 64;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it directly). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SecureTrainCli());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof CommandLine.ParameterException pe) {
                err.println("error: " + pe.getMessage());
                err.println("(see '" + commandLine.getCommandSpec().qualifiedName() + " --help')");
                err.flush();
                return 2;
            }
            Throwable c = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            err.println("error: " + (c.getMessage() == null ? c.toString() : c.getMessage()));
            err.flush();
            return 1;
        });
        return cl;
    }

    private CommandLine.ParameterException misuse(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() {
        try {
            return run();
        } finally {
            if (trainingUi != null) {
                trainingUi.close();
            }
        }
    }

    private Integer run() {
        Role r = switch (role.toLowerCase(Locale.ROOT)) {
            case "model-owner", "0" -> Role.MODEL_OWNER;
            case "data-owner", "1" -> Role.DATA_OWNER;
            default -> throw misuse("--role must be model-owner or data-owner, got '" + role + "'");
        };
        String pinned;
        try {
            pinned = TlsIdentity.parseFingerprint(peerFingerprint);
        } catch (IllegalArgumentException e) {
            throw misuse("--peer-fingerprint: " + e.getMessage());
        }
        positive("--epochs", epochs);
        if (batch != null) {
            positive("--batch", batch);
        }
        positive("--limit", limit);
        positive("--timeout", timeoutSeconds);
        positive("--receive-timeout", receiveTimeoutSeconds);
        positive("--compute-timeout", computeTimeoutSeconds);
        if (maxBufferedMib != null) {
            positive("--max-buffered-mib", maxBufferedMib);
        }
        if (maxBufferedMessages < 16) {
            throw misuse("--max-buffered-messages must be at least 16, got " + maxBufferedMessages);
        }
        if (testLimit < 0) {
            throw misuse("--test-limit must be >= 0");
        }
        if (!(lr > 0)) {
            throw misuse("--lr must be positive, got " + lr);
        }
        checkCheckpointOptions();
        LinkProfile linkProfile;
        try {
            linkProfile = LinkProfile.parse(link);
        } catch (IllegalArgumentException e) {
            throw misuse("--link: " + e.getMessage());
        }
        InetSocketAddress addr = hostPort(endpoint.listen != null ? endpoint.listen : endpoint.connect,
                endpoint.listen != null ? "--listen" : "--connect");
        TlsIdentity id = identity();
        LossMode mode = lossMode();
        ModelConfiguration conf = modelConf();
        try {
            conf.requireSecurable();
        } catch (org.securetrain.dl4j.UnsupportedConfigurationException e) {
            // every (layer, reason) pair at once, one per line
            throw misuse("--model: this configuration cannot be trained on shares (" + e.problems().size()
                    + (e.problems().size() == 1 ? " reason" : " reasons") + "):\n  "
                    + e.getMessage().replace("\n", "\n  "));
        } catch (IllegalArgumentException e) {
            throw misuse("--model: " + e.getMessage());
        }
        try {
            org.securetrain.ring.FixedPoint.of(fracBits);
        } catch (IllegalArgumentException e) {
            throw misuse("--frac-bits: " + e.getMessage());
        }
        NonlinearSettings nonlinear;
        try {
            nonlinear = NonlinearSettings.of(NonlinearEngine.parse(nonlinearName));
        } catch (IllegalArgumentException e) {
            throw misuse("--nonlinear: " + e.getMessage());
        }
        HeParameters he;
        try {
            he = HeParameters.standard().withRunStatisticalSecurity(statisticalSecurity, heCrossTerms);
        } catch (IllegalArgumentException e) {
            throw misuse("--statistical-security / --he-cross-terms: " + e.getMessage());
        }
        try {
            if (hePlanningBandwidth != null) {
                he = he.withPlanningBandwidth(LinkProfile.parseBitsPerSecond(hePlanningBandwidth));
            }
        } catch (IllegalArgumentException e) {
            throw misuse("--he-planning-bandwidth: " + e.getMessage());
        }
        this.heParams = he;
        try {
            // a model the loss mode refuses fails here
            PartyTraining.sessionOptions(r, conf, fracBits, mode, nonlinear, he, LinkProfile.LOOPBACK);
        } catch (UnsupportedConfigurationException e) {
            throw misuse("--model: " + e.getMessage());
        }
        DataSet train = null;
        DataSet test = null;
        if (r == Role.DATA_OWNER) {
            train = load(FashionMnist.Split.TRAIN, limit);
            test = testLimit == 0 ? null : load(FashionMnist.Split.TEST, testLimit);
        } else if (out != null && Files.isDirectory(out)) {
            throw misuse("--out " + out + " is a directory; give a file name");
        }
        PrintWriter o = spec.commandLine().getOut();
        PartyTraining.oneNativeThread();
        startUi(r, o); // before the peer connects: a busy port fails here, not in the middle of a run
        if (linkProfile.isSimulated()) {
            o.println("SIMULATED LINK (measurement aid, not a network): what this party sends is delayed as over "
                    + linkProfile.describe());
        }
        TlsTransport t = TlsTransport.builder().options(sessionOptions(r, conf, mode, nonlinear, linkProfile))
                .identity(id)
                .pinnedPeer(pinned).acceptTimeout(Duration.ofSeconds(timeoutSeconds))
                .connectTimeout(Duration.ofSeconds(timeoutSeconds))
                .ignorePeerCertificateDates(ignorePeerCertificateDates).build();
        TlsSession s;
        if (endpoint.listen != null) {
            try (TlsListener l = t.listen(addr)) {
                o.println(r + " listening on " + l.address().getHostString() + ":" + l.port()
                        + "; this party's fingerprint " + id.fingerprint());
                o.flush();
                s = l.accept();
            }
        } else {
            o.println(r + " connecting to " + addr.getHostString() + ":" + addr.getPort());
            o.flush();
            s = t.connect(addr);
        }
        try (TlsSession session = s) {
            o.println("connected over " + session.protocol() + " " + session.cipherSuite());
            o.flush();
            boolean tty = !plainProgress && TrainingProgress.interactiveTerminal();
            PartyTraining.Spec training = PartyTraining.spec(conf).fracBits(fracBits).nonlinear(nonlinear)
                    .statisticalSecurity(he.runStatisticalSecurity(), he.plannedCrossTerms())
                    .hePlanningBandwidth(he.planningBandwidth())
                    .lossMode(mode).train(train).test(test)
                    .epochs(epochs).progress(true, tty);
            if (batch != null || r == Role.DATA_OWNER) {
                // at the model owner: a check against the data owner's batch, given only if asked
                training.batch(batch != null ? batch : DEFAULT_BATCH);
            }
            if (trainingUi != null) {
                training.listener(trainingUi.listener(r));
            }
            if (checkpointDir != null) {
                training.checkpoints(checkpointDir, checkpointEvery == null ? DEFAULT_CHECKPOINT_EVERY : checkpointEvery)
                        .resume(resume);
            }
            PartyTraining.Result res = training.run(session);
            if (res.testAccuracyOrNaN() == res.testAccuracyOrNaN()) {
                o.printf(Locale.ROOT, "test accuracy of the secure model on %d images: %.2f %%%n", test.numExamples(),
                        100 * res.testAccuracyOrNaN());
            }
            if (res.resumedFromStep() >= 0) {
                o.println("resumed from checkpoint step " + res.resumedFromStep() + "; training finished at step "
                        + res.steps());
            }
            o.println(res.summary());
            o.print(res.protocolTable());
            if (trainingUi != null) {
                trainingUi.publish(res.figures()); // the final figures, with evaluation and reveal
            }
            org.deeplearning4j.nn.api.Model m = res.revealedModelOrNull();
            if (r == Role.MODEL_OWNER && res.steps() == 0) {
                // never label an untrained model as trained
                throw new IllegalStateException("no training step ran (the data owner had no minibatch to train on)"
                        + (out != null ? "; nothing was saved to " + out : ""));
            }
            if (m != null && out != null) {
                try {
                    ModelSerializer.writeModel(m, out.toFile(), false);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot write the trained model to " + out + ": " + e.getMessage(), e);
                }
                o.println("trained model (revealed to the model owner) saved to " + out);
            }
            o.flush();
        }
        keepUiOpen(o);
        return 0;
    }

    private HeParameters heParams = HeParameters.standard();

    /** The training session's options with the limits given on the command line. */
    private org.securetrain.runtime.SessionOptions sessionOptions(Role r, ModelConfiguration conf,
            LossMode mode, NonlinearSettings nonlinear, LinkProfile linkProfile) {
        org.securetrain.runtime.SessionOptions.Builder b = PartyTraining
                .sessionOptions(r, conf, fracBits, mode, nonlinear, heParams, linkProfile).toBuilder()
                .receiveTimeout(Duration.ofSeconds(receiveTimeoutSeconds))
                .computeTimeout(Duration.ofSeconds(computeTimeoutSeconds))
                .maxBufferedMessages(maxBufferedMessages);
        if (computeThreads != null) {
            b.computeThreads(computeThreads);
        }
        if (maxBufferedMib != null) {
            b.maxBufferedBytes((long) maxBufferedMib << 20);
        }
        return b.build();
    }

    /** With {@code --ui}: starts DL4J's training UI on 127.0.0.1 and prints its addresses. */
    private void startUi(Role r, PrintWriter o) {
        if (!ui) {
            return;
        }
        if (uiPort < 0 || uiPort > 65535) {
            throw misuse("--ui-port must be 0..65535, got " + uiPort);
        }
        trainingUi = TrainingUi.start(uiPort);
        o.println("training UI (127.0.0.1 only): " + trainingUi.overviewUri() + " (loss chart"
                + (r == Role.MODEL_OWNER ? ": empty here, the model owner may not see the loss)" : ")")
                + " and " + trainingUi.figuresUri() + " (time, bytes and rounds per protocol)");
        o.flush();
    }

    /** On a terminal, the UI stays up after training until Enter (it closes with this process). */
    private void keepUiOpen(PrintWriter o) {
        if (trainingUi == null || System.console() == null) {
            return;
        }
        o.println("the training UI stays up at " + trainingUi.overviewUri() + "; press Enter to close it and exit");
        o.flush();
        System.console().readLine();
    }

    /** Option-level checks; the directory's content is checked after connecting, so both parties learn of it. */
    private void checkCheckpointOptions() {
        if (resume && checkpointDir == null) {
            throw misuse("--resume needs --checkpoint-dir (the directory this party's checkpoints were written to)");
        }
        if (checkpointEvery != null && checkpointDir == null) {
            throw misuse("--checkpoint-every needs --checkpoint-dir");
        }
        if (checkpointEvery != null) {
            positive("--checkpoint-every", checkpointEvery);
        }
        if (checkpointDir != null && Files.exists(checkpointDir) && !Files.isDirectory(checkpointDir)) {
            throw misuse("--checkpoint-dir " + checkpointDir + " is a file, not a directory");
        }
    }

    private void positive(String name, int v) {
        if (v < 1) {
            throw misuse(name + " must be at least 1, got " + v);
        }
    }

    private InetSocketAddress hostPort(String value, String option) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw misuse(option + ": " + e.getMessage());
        }
    }

    private TlsIdentity identity() {
        for (Path p : new Path[] {key, cert}) {
            if (!Files.isRegularFile(p)) {
                throw misuse((p == key ? "--key" : "--cert") + " file " + p + " does not exist");
            }
        }
        try {
            return TlsIdentity.load(key, cert);
        } catch (IOException | RuntimeException e) {
            throw misuse("cannot load the TLS identity from " + key + " and " + cert + ": " + e.getMessage());
        }
    }

    private ModelConfiguration modelConf() {
        switch (model) {
            case "mlp":
                return ModelConfiguration.of(Models.mlp(64, lr, 42));
            case "cnn":
                return ModelConfiguration.of(Models.cnn(4, 8, 32, lr, 7));
            default:
                try {
                    return Models.configurationFromJson(Path.of(model));
                } catch (IOException e) {
                    throw misuse("--model: " + e.getMessage());
                }
        }
    }

    private DataSet load(FashionMnist.Split split, int n) {
        if ("bundled".equals(data)) {
            return FashionMnist.bundled(split, n);
        }
        Path dir = Path.of(data);
        try {
            return FashionMnist.load(dir, split, n);
        } catch (IOException | RuntimeException e) {
            throw misuse("--data " + dir + ": " + e.getMessage());
        }
    }
}
