package org.securetrain.bench.parity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.link.LinkProfile;
import org.securetrain.runtime.tls.TlsIdentity;

/**
 * The secure run of a parity experiment: two child JVMs ({@link SecurePartyProcess}), the model owner and the
 * data owner, with the current Java and class path, connected over TLS 1.3 on 127.0.0.1 with freshly
 * generated pinned identities and an ephemeral port. The harness waits for both, never longer than the
 * timeout; when a child fails it stops the other and throws with the tail of both logs.
 */
public final class SecureRun {
    /** How long the surviving party may take to notice its peer died before it is stopped. */
    private static final Duration PEER_GRACE = Duration.ofSeconds(30);

    private SecureRun() {
    }

    /** What the two parties wrote. */
    public record Result(List<StepRecord> modelOwnerSteps, List<StepRecord> dataOwnerSteps,
            Map<String, Traffic> modelOwnerTraffic, Map<String, Traffic> dataOwnerTraffic, Properties modelOwner,
            Properties dataOwner, MultiLayerNetwork revealed, double wallSeconds,
            TruncationShareDump.Audit truncationAuditOrNull) {
        public double secureTestAccuracy() {
            return Double.parseDouble(dataOwner.getProperty("testAccuracy", "NaN"));
        }

        public double setupSeconds(int party) {
            return Double.parseDouble((party == 0 ? modelOwner : dataOwner).getProperty("setupSeconds", "NaN"));
        }
    }

    /** A child process failed or timed out; the message carries the tails of both logs. */
    public static final class ChildFailedException extends RuntimeException {
        public ChildFailedException(String message) {
            super(message);
        }
    }

    public static Result run(ParitySetup setup, Path dir, String childHeap, Duration timeout, boolean auditTruncations,
            Consumer<String> progress) throws IOException, InterruptedException {
        return run(setup, dir, childHeap, timeout, auditTruncations, LinkProfile.LOOPBACK, progress);
    }

    /** As above, with both parties' sends passing the simulated link {@code link} (a measurement aid). */
    public static Result run(ParitySetup setup, Path dir, String childHeap, Duration timeout, boolean auditTruncations,
            LinkProfile link, Consumer<String> progress) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (String f : List.of("port", "party0-steps.csv", "party1-steps.csv", "party0-result.properties",
                "party1-result.properties", "party0-model.zip", "party0-traffic.csv", "party1-traffic.csv",
                "party0-truncations.bin", "party1-truncations.bin")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Path keys = Files.createDirectories(dir.resolve("keys"));
        TlsIdentity mo = TlsIdentity.generate("parity-model-owner");
        TlsIdentity dOwner = TlsIdentity.generate("parity-data-owner");
        mo.save(keys.resolve("model-owner.key.pem"), keys.resolve("model-owner.crt.pem"));
        dOwner.save(keys.resolve("data-owner.key.pem"), keys.resolve("data-owner.crt.pem"));
        Path portFile = dir.resolve("port");
        long deadline = System.nanoTime() + timeout.toNanos();
        long t0 = System.nanoTime();
        List<Process> started = new ArrayList<>();
        Thread killer = new Thread(() -> started.forEach(Process::destroyForcibly), "parity-children-cleanup");
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            List<String> partyOptions = new ArrayList<>(List.of("--link", link.name()));
            if (auditTruncations) {
                partyOptions.add("--audit-truncations");
            }
            Process p0 = start(command(childHeap, "model-owner", concat(List.of("--port-file", portFile.toString()),
                    partyOptions), keys, "model-owner", dOwner.fingerprint(), dir, setup), dir.resolve("party0.log"));
            started.add(p0);
            long portDeadline = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(180));
            while (!Files.exists(portFile)) {
                if (!p0.isAlive()) {
                    throw failure("the model owner process exited (code " + p0.exitValue() + ") before listening",
                            dir);
                }
                if (System.nanoTime() > portDeadline) {
                    throw failure("the model owner process did not start listening within 180 s", dir);
                }
                Thread.sleep(100);
            }
            String port = Files.readString(portFile).trim();
            Process p1 = start(command(childHeap, "data-owner", concat(List.of("--port", port), partyOptions), keys,
                    "data-owner", mo.fingerprint(), dir, setup), dir.resolve("party1.log"));
            started.add(p1);
            progress.accept("secure run: model owner pid " + p0.pid() + " listening on 127.0.0.1:" + port
                    + ", data owner pid " + p1.pid());
            waitForBoth(p0, p1, dir, deadline, setup.totalSteps(), progress);
        } finally {
            for (Process p : started) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        TruncationShareDump.Audit audit = null;
        if (auditTruncations) {
            Path d0 = dir.resolve("party0-truncations.bin");
            Path d1 = dir.resolve("party1-truncations.bin");
            progress.accept("auditing the secure run's truncations (" + (Files.size(d0) >> 20) + " MiB per party)");
            audit = TruncationShareDump.audit(d0, d1);
            Files.delete(d0); // together the two dumps are plaintext
            Files.delete(d1);
        }
        MultiLayerNetwork revealed = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("party0-model.zip").toFile(),
                false);
        return new Result(StepRecord.read(dir.resolve("party0-steps.csv")),
                StepRecord.read(dir.resolve("party1-steps.csv")), readTraffic(dir.resolve("party0-traffic.csv")),
                readTraffic(dir.resolve("party1-traffic.csv")), props(dir.resolve("party0-result.properties")),
                props(dir.resolve("party1-result.properties")), revealed, wall, audit);
    }

    private static void waitForBoth(Process p0, Process p1, Path dir, long deadline, int steps,
            Consumer<String> progress) throws InterruptedException, IOException {
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (p0.isAlive() || p1.isAlive()) {
            for (Process p : new Process[] {p0, p1}) {
                if (!p.isAlive() && p.exitValue() != 0) {
                    String who = p == p0 ? "model owner" : "data owner";
                    Process other = p == p0 ? p1 : p0;
                    other.waitFor(PEER_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    other.destroyForcibly();
                    other.waitFor(10, TimeUnit.SECONDS);
                    throw failure("the " + who + " process failed with exit code " + p.exitValue(), dir);
                }
            }
            if (System.nanoTime() > deadline) {
                p0.destroyForcibly();
                p1.destroyForcibly();
                throw failure("the secure run did not finish within the timeout (--timeout-minutes)", dir);
            }
            if (System.nanoTime() > nextReport) {
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                progress.accept(lastStep(dir.resolve("party1-steps.csv"), steps));
            }
            p0.waitFor(200, TimeUnit.MILLISECONDS);
        }
        for (Process p : new Process[] {p0, p1}) {
            if (p.exitValue() != 0) {
                throw failure((p == p0 ? "the model owner" : "the data owner") + " process failed with exit code "
                        + p.exitValue(), dir);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String lastStep(Path csv, int steps) {
        try {
            if (!Files.exists(csv)) {
                return "secure run: setting up (base OTs, HE keys)";
            }
            List<String> lines = Files.readAllLines(csv);
            if (lines.size() < 2) {
                return "secure run: first step running";
            }
            StepRecord r = StepRecord.parse(lines.get(lines.size() - 1));
            return String.format(Locale.ROOT, "secure run: step %d/%d, loss %.5f, last step %.2f s", r.step(), steps,
                    r.loss(), r.seconds());
        } catch (IOException | RuntimeException e) {
            return "secure run: progress unreadable (" + e.getMessage() + ")";
        }
    }

    private static List<String> command(String heap, String role, List<String> endpoint, Path keys, String keyName,
            String peerFp, Path dir, ParitySetup setup) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SecurePartyProcess.class.getName());
        cmd.add("--role");
        cmd.add(role);
        cmd.addAll(endpoint);
        cmd.add("--key");
        cmd.add(keys.resolve(keyName + ".key.pem").toString());
        cmd.add("--cert");
        cmd.add(keys.resolve(keyName + ".crt.pem").toString());
        cmd.add("--peer-fingerprint");
        cmd.add(peerFp);
        cmd.add("--out-dir");
        cmd.add(dir.toString());
        cmd.add("--");
        cmd.addAll(setup.toArgs());
        return cmd;
    }

    private static Process start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1"); // each party one native thread: the two share the cores
        return pb.start();
    }

    private static ChildFailedException failure(String what, Path dir) {
        StringBuilder sb = new StringBuilder(what);
        for (int p = 0; p < 2; p++) {
            Path log = dir.resolve("party" + p + ".log");
            sb.append("\n--- last lines of ").append(log).append(" ---\n").append(tail(log, 40));
        }
        return new ChildFailedException(sb.toString());
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no log)";
            }
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static Properties props(Path f) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return p;
    }

    private static Map<String, Traffic> readTraffic(Path f) throws IOException {
        Map<String, Traffic> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(f);
        for (String l : lines.subList(1, lines.size())) {
            String[] x = l.split(",");
            out.put(x[0], new Traffic(Long.parseLong(x[1]), Long.parseLong(x[2]), Long.parseLong(x[3]),
                    Long.parseLong(x[4]), Long.parseLong(x[5])));
        }
        return out;
    }
}
