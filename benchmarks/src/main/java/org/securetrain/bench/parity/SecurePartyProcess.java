package org.securetrain.bench.parity;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.launcher.PartyTraining;
import org.securetrain.backend.KernelTimings;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.link.LinkProfile;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One party of the parity harness's secure run, as its own JVM: the real two-party training
 * ({@link PartyTraining}, the launcher's code path) over TLS 1.3 on 127.0.0.1 with pinned identities the
 * harness generated, optionally over a simulated link ({@code --link}, a measurement aid). The model owner
 * listens on an ephemeral port and writes it to {@code --port-file}; the
 * data owner connects to it. Each writes, into {@code --out-dir}:
 * {@code party<N>-steps.csv} (one {@link StepRecord} per step, written as the step ends),
 * {@code party<N>-traffic.csv} (its traffic per protocol step over the training steps),
 * {@code party<N>-result.properties} (totals, set-up time, the data owner's secure test accuracy) and, at the
 * model owner, {@code party0-model.zip} (the revealed trained network). Exit code 0 on success, 1 on failure
 * (stack trace on stderr).
 */
@Command(name = "parity-party", mixinStandardHelpOptions = true,
        description = "One party of the parity harness's secure run (started by ParityHarness).")
public final class SecurePartyProcess implements Callable<Integer> {
    @Option(names = "--role", required = true, description = "model-owner or data-owner") String role;
    @Option(names = "--port-file", description = "model owner: write the listening port here") Path portFile;
    @Option(names = "--port", description = "data owner: the model owner's port on 127.0.0.1") int port;
    @Option(names = "--key", required = true) Path key;
    @Option(names = "--cert", required = true) Path cert;
    @Option(names = "--peer-fingerprint", required = true) String peerFingerprint;
    @Option(names = "--out-dir", required = true) Path outDir;
    @Option(names = "--timeout-seconds", defaultValue = "120", description = "accept/connect timeout")
    int timeoutSeconds;
    @Option(names = "--audit-truncations", description = "INSECURE: dump this party's truncation shares for the "
            + "harness's wrap-around audit") boolean auditTruncations;
    @Option(names = "--link", defaultValue = "loopback", description = "MEASUREMENT AID: this party's sends pass a "
            + "simulated link (LinkProfile syntax)") String link;
    @Parameters(description = "the experiment setup as key=value (ParitySetup.toArgs)") List<String> setupArgs;

    public static void main(String[] args) {
        int code;
        try {
            code = new CommandLine(new SecurePartyProcess()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        Role r = switch (role) {
            case "model-owner" -> Role.MODEL_OWNER;
            case "data-owner" -> Role.DATA_OWNER;
            default -> throw new IllegalArgumentException("--role must be model-owner or data-owner, got " + role);
        };
        ParitySetup setup = ParitySetup.fromArgs(setupArgs);
        MultiLayerConfiguration conf = setup.conf(DataType.DOUBLE);
        DataSet train = null;
        DataSet test = null;
        if (r == Role.DATA_OWNER) {
            train = setup.trainingData();
            test = setup.testData();
        }
        PartyTraining.oneNativeThread();
        int me = r.id();
        TlsIdentity id = TlsIdentity.load(key, cert);
        LinkProfile linkProfile = LinkProfile.parse(link);
        TlsTransport t = TlsTransport.builder()
                .options(PartyTraining.sessionOptions(r, org.securetrain.launcher.ModelConfiguration.of(conf),
                        setup.fracBits(), setup.lossMode(), setup.nonlinearSettings(),
                        org.securetrain.crypto.he.HeParameters.standard(), linkProfile))
                .identity(id).pinnedPeer(peerFingerprint).acceptTimeout(Duration.ofSeconds(timeoutSeconds))
                .connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
        TlsSession s;
        if (r == Role.MODEL_OWNER) {
            if (portFile == null) {
                throw new IllegalArgumentException("the model owner needs --port-file");
            }
            try (TlsListener l = t.listen(new InetSocketAddress("127.0.0.1", 0))) {
                Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
                Files.writeString(tmp, Integer.toString(l.port()));
                Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
                System.out.println("model owner listening on 127.0.0.1:" + l.port());
                s = l.accept();
            }
        } else {
            if (port <= 0) {
                throw new IllegalArgumentException("the data owner needs --port");
            }
            s = t.connect(new InetSocketAddress("127.0.0.1", port));
        }
        long t0 = System.nanoTime();
        try (s; PrintWriter csv = new PrintWriter(Files.newBufferedWriter(outDir.resolve("party" + me + "-steps.csv"),
                StandardCharsets.UTF_8))) {
            System.out.println("connected: " + s.protocol() + " " + s.cipherSuite());
            StepRecorder rec = new StepRecorder(s, csv);
            PartyTraining.Spec spec = PartyTraining.spec(conf).fracBits(setup.fracBits())
                    .nonlinear(setup.nonlinearSettings()).lossMode(setup.lossMode())
                    .batch(setup.batch())
                    .epochs(setup.epochs()).progress(true, false).listener(rec);
            if (r == Role.DATA_OWNER) {
                spec.train(train).test(test);
            }
            if (auditTruncations) {
                Path dump = outDir.resolve("party" + me + "-truncations.bin");
                spec.backendDecorator(be -> new TruncationShareDump(be, dump));
            }
            PartyTraining.Result res = spec.run(s);
            double total = (System.nanoTime() - t0) / 1e9;
            writeTraffic(outDir.resolve("party" + me + "-traffic.csv"), rec.trainingTraffic());
            Properties p = new Properties();
            p.setProperty("role", r.name());
            p.setProperty("steps", Integer.toString(res.steps()));
            p.setProperty("fitSeconds", Double.toString(res.seconds()));
            p.setProperty("sessionSeconds", Double.toString(total));
            KernelTimings kt = rec.timings();
            p.setProperty("setupSeconds", Double.toString(kt == null ? Double.NaN
                    : kt.nanos(KernelTimings.Kind.SETUP) / 1e9));
            p.setProperty("testAccuracy", Double.toString(res.testAccuracyOrNaN()));
            p.setProperty("link", linkProfile.name());
            long cpu = StepRecorder.processCpuNanos();
            p.setProperty("processCpuSeconds", Double.toString(cpu < 0 ? Double.NaN : cpu / 1e9));
            Traffic tot = res.traffic().total();
            p.setProperty("sessionBytesSent", Long.toString(tot.bytesSent()));
            p.setProperty("sessionBytesReceived", Long.toString(tot.bytesReceived()));
            p.setProperty("sessionRounds", Long.toString(tot.rounds()));
            try (var w = Files.newBufferedWriter(outDir.resolve("party" + me + "-result.properties"))) {
                p.store(w, "parity harness, secure party " + me);
            }
            if (res.revealedOrNull() != null) {
                ModelSerializer.writeModel(res.revealedOrNull(), outDir.resolve("party0-model.zip").toFile(), false);
            }
            System.out.println(res.summary());
        }
        return 0;
    }

    private static void writeTraffic(Path file, TrafficStats.Snapshot snap) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("protocol_step,bytes_sent,bytes_received,messages_sent,messages_received,rounds");
            if (snap == null) {
                return;
            }
            for (Map.Entry<String, Traffic> e : snap.steps().entrySet()) {
                Traffic t = e.getValue();
                w.println(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d", e.getKey().replace(',', ';'), t.bytesSent(),
                        t.bytesReceived(), t.messagesSent(), t.messagesReceived(), t.rounds()));
            }
        }
    }
}
