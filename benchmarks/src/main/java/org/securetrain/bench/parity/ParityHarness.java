package org.securetrain.bench.parity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.data.FashionMnist;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end parity harness: trains the same model from the same seed on the same minibatches three
 * ways — plaintext DL4J in float32, the INSECURE fixed-point plaintext reference (one process), and the
 * real two-party secure run (two JVMs over TLS 1.3 on 127.0.0.1), plus DL4J in float64 to show what float
 * rounding alone does — and reports per step the loss of each,
 * time per step, bytes and rounds, the secure step's time per protocol, and at the end the test accuracy of
 * each. Writes {@code results.md}, {@code <model>-steps.csv} and PNG plots into {@code --out}.
 *
 * <pre>
 * java -Xmx6g -cp benchmarks/target/benchmarks.jar org.securetrain.bench.parity.ParityHarness --model both --quick
 * </pre>
 *
 * <p>The runs go one after the other, never concurrently, so each has the machine to itself; the secure run's
 * two parties share it (one ND4J thread each). Exit code 0 on success, 1 when a run fails (a child process's
 * log tail is printed), 2 on bad options or missing data.
 */
@Command(name = "parity-harness", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Secure two-party training vs plaintext DL4J vs the fixed-point reference, side by side.")
public final class ParityHarness implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "both", description = "mlp, cnn or both (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--quick", description = "minutes: the bundled subset, 30 steps (3840 training images), 1000 "
            + "test images (the default size)")
    boolean quick;

    @Option(names = "--full", description = "one epoch of the full 60000 training images (469 steps) and the "
            + "10000 test images, from --data (default " + "/usr/share/datasets/fashion-mnist)")
    boolean full;

    @Option(names = "--steps", description = "stop after this many steps (caps the training images to steps x batch)")
    Integer steps;

    @Option(names = "--data", description = "'bundled' or a directory with the Fashion-MNIST IDX files")
    String data;

    @Option(names = "--train", description = "training images (overrides --quick/--full)") Integer train;
    @Option(names = "--test", description = "test images (0: no test evaluation)") Integer test;
    @Option(names = "--epochs", defaultValue = "1") int epochs;
    @Option(names = "--batch", defaultValue = "128") int batch;
    @Option(names = "--lr", defaultValue = "0.01", description = "learning rate (Nesterov momentum 0.9)") double lr;
    @Option(names = "--updater", defaultValue = "nesterov", description = "nesterov (momentum 0.9) or adam (DL4J's "
            + "default betas and epsilon) (default ${DEFAULT-VALUE})") String updater;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--private-loss", description = "the secure runs in private-loss mode (softmax and cross-entropy on "
            + "shares, the loss opened to the data owner) instead of label-owner mode") boolean privateLoss;
    @Option(names = "--frac-bits", defaultValue = "24") int fracBits;
    @Option(names = "--nonlinear", defaultValue = "ot", description = "the secure runs' non-linear protocols: gc, or "
            + "ot[,relu=exact|faithful][,radix=N][,cots=silent|iknp] (default ${DEFAULT-VALUE} with its defaults)")
    String nonlinear;

    @Option(names = "--mlp-hidden", defaultValue = "128,128", description = "hidden sizes of the MLP "
            + "(default ${DEFAULT-VALUE}: 784-128-128-10)")
    String mlpHidden;

    @Option(names = "--cnn", defaultValue = "6,16,84", description = "LeNet-style CNN: conv1 maps, conv2 maps, dense "
            + "units (default ${DEFAULT-VALUE})")
    String cnn;

    @Option(names = "--out", defaultValue = "benchmarks/target/parity", description = "output directory")
    Path out;

    @Option(names = "--img-prefix", defaultValue = "", description = "prefix of the image links in results.md")
    String imgPrefix;

    @Option(names = "--child-heap", defaultValue = "4g", description = "-Xmx of each secure party's JVM")
    String childHeap;

    @Option(names = "--timeout-minutes", description = "limit of each secure run (default: 10 + 2 per step)")
    Integer timeoutMinutes;

    @Option(names = "--audit-secure-truncations", description = "INSECURE measurement: both secure parties dump "
            + "their truncation shares, the harness reconstructs them and counts wrap-arounds of the secure run "
            + "itself, then deletes the dumps (~16 bytes per truncated value per party: 250 MB per party for the "
            + "quick MLP)")
    boolean auditSecure;

    @Option(names = "--plaintext-only", description = "only the plaintext runs (DL4J float/double, reference): "
            + "their step CSVs, no secure run and no report")
    boolean plaintextOnly;

    @Option(names = "--link", defaultValue = "loopback", paramLabel = "PROFILES", description = "simulated links "
            + "(MEASUREMENT AID): the secure run is made once per profile, e.g. loopback,lan,wan (lan = 1 Gbit/s and "
            + "0.5 ms RTT, wan = 100 Mbit/s and 40 ms RTT, or BW,RTT such as 200mbit,10ms); PROFILE:N caps that run "
            + "at N steps (not the first, which is compared step by step with plaintext DL4J and alone runs the test "
            + "evaluation and the truncation audit). Default ${DEFAULT-VALUE}")
    List<String> links;

    private final List<String> commandLine = new ArrayList<>();
    private List<LinkRun> linkRuns;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the harness; the exit code (for tests: no System.exit). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.err, true), args);
    }

    /** As {@link #run(String...)}, with error messages going to {@code err}. */
    public static int run(java.io.PrintWriter err, String... args) {
        System.setProperty("java.awt.headless", "true");
        ParityHarness h = new ParityHarness();
        h.commandLine.addAll(List.of(args));
        CommandLine cl = new CommandLine(h);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            if (ex instanceof UsageException || ex instanceof IOException) {
                c.getErr().println("parity harness: " + ex.getMessage());
                return 2;
            }
            c.getErr().println("parity harness: a run failed: " + ex.getMessage());
            ex.printStackTrace(c.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    static final class UsageException extends RuntimeException {
        UsageException(String m) {
            super(m);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (quick && full) {
            throw new UsageException("give --quick or --full, not both");
        }
        try {
            linkRuns = LinkRun.parseList(links);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<String> models = switch (model) {
            case "both" -> List.of("mlp", "cnn");
            case "mlp", "cnn" -> List.of(model);
            default -> throw new UsageException("--model must be mlp, cnn or both, got " + model);
        };
        String dataSrc = data != null ? data : full ? FashionMnist.DEBIAN_DIR.toString() : ParitySetup.BUNDLED;
        int nTrain = train != null ? train : full ? 60000 : 3840;
        int nTest = test != null ? test : full ? 10000 : 1000;
        if (steps != null) {
            if (steps < 1) {
                throw new UsageException("--steps must be positive, got " + steps);
            }
            nTrain = Math.min(nTrain, steps * batch);
        }
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        md.append("# Parity harness results\n\n");
        md.append("Generated ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(" by `org.securetrain.bench.parity.ParityHarness ").append(String.join(" ", commandLine))
                .append("`.\n\n");
        md.append(machine()).append("\n\n");
        for (String m : models) {
            ParitySetup setup;
            try {
                setup = new ParitySetup(m, ParitySetup.ints(mlpHidden), ParitySetup.ints(cnn), lr, seed, fracBits,
                        batch, epochs, dataSrc, nTrain, nTest, nonlinear, updater,
                        privateLoss ? "private" : "label-owner");
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            md.append(experiment(setup));
            Files.writeString(out.resolve("results.md"), md.toString() + HOW_COUNTED); // after each model
        }
        System.out.println("parity harness: wrote " + out.resolve("results.md"));
        return 0;
    }

    private String experiment(ParitySetup s) throws Exception {
        say("== " + s.modelName() + ", batch " + s.batch() + ", " + s.totalSteps() + " steps ==");
        DataSet trainSet = s.trainingData();
        DataSet testSet = s.testData();
        List<String> loads = new ArrayList<>();
        loads.add("start " + loadAvg());
        say("plaintext DL4J (float32) ...");
        PlaintextRuns.Run f = PlaintextRuns.dl4j(s, trainSet, testSet, DataType.FLOAT);
        say(String.format(Locale.ROOT, "  %d steps, %.4f s/step, final loss %.5f, test accuracy %s", f.steps().size(),
                ParityReport.meanSeconds(f.steps(), 1), last(f), ParityReport.pct(f.testAccuracy())));
        loads.add("after DL4J float " + loadAvg());
        say("plaintext DL4J (float64, for comparison: what float rounding alone does) ...");
        PlaintextRuns.Run d = PlaintextRuns.dl4j(s, trainSet, testSet, DataType.DOUBLE);
        say(String.format(Locale.ROOT, "  %d steps, %.4f s/step, final loss %.5f, test accuracy %s, max relative loss "
                + "difference vs float32 %.2e", d.steps().size(), ParityReport.meanSeconds(d.steps(), 1), last(d),
                ParityReport.pct(d.testAccuracy()), ParityReport.maxRelDiff(d.steps(), f.steps())));
        loads.add("after DL4J double " + loadAvg());
        writeSteps(out.resolve(s.model() + "-dl4j-float-steps.csv"), f.steps());
        writeSteps(out.resolve(s.model() + "-dl4j-double-steps.csv"), d.steps());
        say("fixed-point reference (INSECURE plaintext backend, one process) ...");
        PlaintextRuns.ReferenceRun r = PlaintextRuns.fixedPointReference(s, trainSet, testSet);
        say(String.format(Locale.ROOT, "  %d steps, %.4f s/step, final loss %.5f, test accuracy %s, truncation "
                + "inputs beyond 2^62: %d", r.run().steps().size(), ParityReport.meanSeconds(r.run().steps(), 1),
                last(r.run()), ParityReport.pct(r.run().testAccuracy()), r.all().beyondBound()));
        loads.add("after reference " + loadAvg());
        writeSteps(out.resolve(s.model() + "-reference-steps.csv"), r.run().steps());
        if (plaintextOnly) {
            say("--plaintext-only: no secure run; step files written");
            return "";
        }
        List<LinkReport.LinkResult> linkResults = new ArrayList<>();
        SecureRun.Result sec = null; // the first link's run: compared step by step with the plaintext runs
        for (LinkRun lr : linkRuns) {
            boolean first = linkResults.isEmpty();
            ParitySetup ls = lr.apply(s, first);
            say("secure two-party run (2 JVMs, TLS on 127.0.0.1, link " + lr.profile().describe() + ", "
                    + ls.totalSteps() + " steps) ...");
            double perStepMinutes = 2;
            if (lr.profile().isSimulated()) {
                // twice what the link alone needs by an earlier run's traffic; 10 minutes a step before any
                LinkReport.LinkResult earlier = first ? null : linkResults.get(0);
                int k = earlier == null ? 0 : earlier.steps();
                perStepMinutes += earlier == null ? 10 : 2 * lr.profile().estimateSeconds(
                        (long) earlier.bytesPerStep(k), earlier.roundsPerStep(k)) / 60;
            }
            int minutes = timeoutMinutes != null ? timeoutMinutes
                    : (int) Math.ceil(10 + perStepMinutes * ls.totalSteps());
            SecureRun.Result res = SecureRun.run(ls, out.resolve("secure-" + s.model() + "-" + lr.label()), childHeap,
                    Duration.ofMinutes(minutes), first && auditSecure, lr.profile(), ParityHarness::say);
            loads.add("after secure (" + lr.profile().name() + ") " + loadAvg());
            int expected = first ? f.steps().size() : ls.totalSteps();
            if (res.dataOwnerSteps().size() != expected || res.modelOwnerSteps().size() != expected) {
                throw new IllegalStateException("the secure run over " + lr.profile().name() + " made "
                        + res.modelOwnerSteps().size() + "/" + res.dataOwnerSteps().size() + " steps, expected "
                        + expected);
            }
            if (first) {
                sec = res;
            }
            LinkReport.LinkResult done = LinkReport.LinkResult.of(lr, res);
            linkResults.add(done);
            int k = done.steps();
            say(String.format(Locale.ROOT, "  over %s: %.3f s/step (slower party), %s and %.0f rounds per step, "
                    + "CPU %.3f / %.3f s per step (model owner / data owner)", lr.profile().name(),
                    done.stepSeconds(k), org.securetrain.runtime.Traffic.human((long) done.bytesPerStep(k)),
                    done.roundsPerStep(k), done.cpuSeconds(0, k), done.cpuSeconds(1, k)));
        }
        int n = f.steps().size();
        if (d.steps().size() != n || r.run().steps().size() != n) {
            throw new IllegalStateException("the runs made different numbers of steps: DL4J " + n + ", reference "
                    + r.run().steps().size() + ", DL4J float64 " + d.steps().size());
        }
        MultiLayerNetwork revealed = sec.revealed();
        double revealedAcc = testSet == null ? Double.NaN
                : PlaintextRuns.accuracy(revealed, testSet, revealed.getLayerWiseConfigurations().getDataType());
        var e = new ParityReport.Experiment(s, f, d, r, sec, revealedAcc, loads, linkResults);
        say(String.format(Locale.ROOT, "  secure: %.3f s/step (data owner), final loss %.5f, test accuracy %s "
                + "(revealed model %s); max relative loss difference vs DL4J float %.2e",
                ParityReport.meanSeconds(sec.dataOwnerSteps(), 1), sec.dataOwnerSteps().get(n - 1).loss(),
                ParityReport.pct(sec.secureTestAccuracy()), ParityReport.pct(revealedAcc),
                ParityReport.maxRelDiff(sec.dataOwnerSteps(), f.steps())));
        return ParityReport.write(e, out, imgPrefix);
    }

    private static void writeSteps(Path file, List<StepRecord> steps) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(StepRecord.csvHeader());
        steps.forEach(r -> lines.add(r.toCsv()));
        Files.write(file, lines);
    }

    private static double last(PlaintextRuns.Run r) {
        return r.steps().get(r.steps().size() - 1).loss();
    }

    static void say(String s) {
        System.out.println("[parity " + java.time.LocalTime.now().withNano(0) + "] " + s);
        System.out.flush();
    }

    static String loadAvg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return String.format(Locale.ROOT, "Machine: %d CPU(s) (%s), %.1f GiB max heap in the harness, Java %s, "
                + "ND4J native %s. The secure run's two party processes share these cores.", Runtime.getRuntime()
                .availableProcessors(), cpu, Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024),
                System.getProperty("java.version"),
                org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
    }

    static final String HOW_COUNTED = """
            ## How the figures are measured

            - **Same start, same batches.** All runs build the model from the same DL4J configuration and seed;
              the secure, reference and DL4J float64 networks start from DL4J's own initial weights (double),
              the float32 network from the same weights rounded to float. Minibatches are the first N images in
              file order (DL4J `ViewIterator`, no shuffling), as the data owner feeds them in `PartyTraining`.
            - **Why a DL4J float64 run.** Training amplifies any perturbation over the steps; the float64 run
              against the float32 run shows how far rounding alone (no fixed point, no cryptography) moves the
              per-step loss, the scale against which the secure run's differences can be read.
            - **Step time** runs from the end of one step to the end of the next (the first from the start of the
              epoch, after session set-up), so it includes fetching and secret-sharing the minibatch. Means skip
              step 1 (warm-up). The secure figures are per party; the ratio uses the slower party.
            - **Per-protocol time** is the secure backend's `KernelTimings` (wall time inside each kind of
              two-party operation) per step; 'local' is the rest.
            - **Bytes and rounds** are the session's traffic accounting (frame headers and payloads handed to
              TLS, without TLS record overhead); a round is a flight of messages sent without receiving between
              them, counted per stream.
            - **Loss**: DL4J's score of the minibatch before the update. The secure loss is the data owner's (the
              model owner does not see it by default).
            - **Test accuracy**: DL4J float evaluates in float; the reference evaluates with its fixed-point
              forward pass; the secure figure is the data owner's secure evaluation (logits revealed to it only),
              and the model owner's revealed weights are also evaluated in plaintext by the harness as a check.
            - **How wrap-arounds are counted.** The secure faithful truncation is exact to one ulp only while
              the pre-truncation value satisfies |x| < 2^62 (`FaithfulTruncation.MAGNITUDE_LIMIT`); beyond it a
              wrap-around error of about 2^(64-k) ulps can occur. The secure run cannot see its own values (they
              are shared), so the count comes from the fixed-point reference run: its backend is wrapped
              (`TruncationHeadroomAudit`) to check every value entering a truncation in the clear. The reference
              computes the same fixed-point values as the secure run up to the secure truncation's one-ulp
              differences, so a count of 0 with many bits of headroom means the secure run's values stayed far
              from the bound too. That is a count on the twin run. With `--audit-secure-truncations` the secure
              run is counted directly as well (INSECURE measurement mode): each party writes the input and
              output shares of every faithful truncation to a file (`TruncationShareDump`), and the harness
              reconstructs each value afterwards and classifies the result as exact, one ulp below the floor
              (the documented error) or a wrap-around, then deletes the files. A wrap-around would also show in
              the loss: it moves a value by about 2^(64-k-f) in real units.
            """;
}
