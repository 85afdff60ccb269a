package org.securetrain.launcher;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Await;
import org.securetrain.runtime.testing.Ports;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.tls.TlsIdentity;
import picocli.CommandLine;

/**
 * The party launcher: two real processes train on the bundled subset and both exit 0; every misuse ends
 * with its message and a non-zero exit code (2 for bad options and files, 1 for failed runs).
 */
class SecureTrainCliTest {
    @TempDir
    static Path dir;
    static String moFp;
    static String doFp;
    static String otherFp;
    static LauncherParties parties;

    @BeforeAll
    static void identities() throws IOException {
        parties = LauncherParties.save(dir);
        moFp = parties.moFp();
        doFp = parties.doFp();
        otherFp = TlsIdentity.generate("stranger").fingerprint();
    }

    /** A run in this JVM on its own thread, whose output can be read while it runs. */
    record Started(CompletableFuture<Run> run, StringWriter out) {
        /** The port the model owner bound for {@code --listen 127.0.0.1:0}. */
        int port() {
            return ListeningPort.of(out::toString, run::isDone);
        }

        Run result() throws Exception {
            return Await.get(run);
        }
    }

    static Started start(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> {
            CommandLine cl = SecureTrainCli.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args.toArray(String[]::new));
            return new Run(code, out.toString(), err.toString());
        });
        return new Started(run, out);
    }

    static List<String> modelOwner(String endpoint, String peerFp, String... extra) {
        return parties.argsPinning("model-owner", endpoint, peerFp, extra);
    }

    static List<String> dataOwner(String endpoint, String peerFp, String... extra) {
        return parties.argsPinning("data-owner", endpoint, peerFp, extra);
    }

    record Run(int code, String out, String err) {
    }

    static Run inProcess(List<String> args) {
        CommandLine cl = SecureTrainCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static Process launch(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SecureTrainCli.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void twoProcessesTrainOnTheBundledSubsetAndBothExitZero() throws Exception {
        Path model = dir.resolve("trained.zip");
        // the model owner binds port 0 and prints what it got; the data owner connects there
        Process p0 = launch(modelOwner("l 127.0.0.1:0", doFp, "--out", model.toString(), "--timeout", "600"),
                dir.resolve("p0.log"));
        String port = "127.0.0.1:" + ListeningPort.of(dir.resolve("p0.log"), p0);
        // the data owner's sends pass a simulated LAN link (measurement aid): the run is the same, only slower
        Process p1 = launch(dataOwner("c " + port, moFp, "--limit", "128", "--batch", "64", "--test-limit", "100",
                "--timeout", "600", "--link", "lan"), dir.resolve("p1.log"));
        int exit1;
        int exit0;
        try {
            exit1 = Await.exit(p1); // the events are the exits; no bound on how long training takes here
            exit0 = Await.exit(p0);
        } finally {
            p0.destroyForcibly();
            p1.destroyForcibly();
        }
        String log0 = Files.readString(dir.resolve("p0.log"), StandardCharsets.UTF_8);
        String log1 = Files.readString(dir.resolve("p1.log"), StandardCharsets.UTF_8);
        assertEquals(0, exit0, log0);
        assertEquals(0, exit1, log1);
        assertTrue(log1.contains("test accuracy of the secure model on 100 images"), log1);
        assertTrue(log1.contains("2 steps"), log1);
        assertTrue(log1.contains("SIMULATED LINK (measurement aid, not a network): what this party sends is delayed as"
                + " over lan (1gbit,500us)"), log1);
        assertFalse(log0.contains("SIMULATED LINK"), log0);
        assertTrue(log0.contains("saved to " + model), log0);
        assertTrue(Files.size(model) > 1000);
    }

    @Test
    void aStatisticalSecurityOutOfRangeIsAMisuse() {
        Run r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--statistical-security", "12"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--statistical-security / --he-cross-terms: statistical security must be in "
                + "[20, 128] bits, got 12"), r.err());
        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--he-cross-terms", "0"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("planned HE cross terms must be in [1, 2^40], got 0"), r.err());
        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--he-planning-bandwidth", "fast"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--he-planning-bandwidth: ") && r.err().contains("'fast'"), r.err());
        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--he-planning-bandwidth", "10kbit"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("HE planning bandwidth must be in [1 Mbit/s, 1000 Gbit/s], got 10000 bit/s"),
                r.err());
    }

    @Test
    void misuseIsReportedWithExitCodeTwo() throws IOException {
        Run r = inProcess(dataOwner("c 127.0.0.1:1", moFp, "--data", dir.resolve("nowhere").toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nowhere") && r.err().contains("does not exist"), r.err());

        Path junk = Files.createDirectories(dir.resolve("junk"));
        Files.writeString(junk.resolve("train-images-idx3-ubyte"), "this is not an IDX file at all");
        Files.writeString(junk.resolve("train-labels-idx1-ubyte"), "nor this one");
        r = inProcess(dataOwner("c 127.0.0.1:1", moFp, "--data", junk.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--data " + junk), r.err());

        r = inProcess(List.of("--role", "auditor", "--listen", "127.0.0.1:0", "--key", "k", "--cert", "c",
                "--peer-fingerprint", moFp));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--role must be model-owner or data-owner"), r.err());

        r = inProcess(modelOwner("l 127.0.0.1:0", "xyz"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--peer-fingerprint"), r.err());

        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--model", dir.resolve("nomodel.json").toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nomodel.json does not exist"), r.err());

        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--link", "100mbit"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--link: unknown link profile '100mbit'; expected loopback, lan"), r.err());
        // a configuration with several unsupported features: every (layer, reason) pair at once
        Path unsupported = dir.resolve("unsupported.json");
        Files.writeString(unsupported, new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .updater(new org.nd4j.linalg.learning.config.AdaBelief(1e-3)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(784).nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.CUBE).build())
                .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().nOut(8).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build().toJson());
        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--model", unsupported.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("layer 0 (DenseLayer): activation cube") && r.err().contains("layer 0 (DenseLayer): "
                + "updater AdaBelief") && r.err().contains("layer 1 (BatchNormalization)")
                && r.err().contains("layer 2 (OutputLayer): updater AdaBelief"), r.err());

        r = inProcess(modelOwner("l 127.0.0.1", doFp));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected HOST:PORT"), r.err());

        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--nonlinear", "garbled"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--nonlinear") && r.err().contains("'ot' or 'gc'"), r.err());

        r = inProcess(List.of("--role", "model-owner", "--listen", "127.0.0.1:0", "--key", dir.resolve("none.key").toString(),
                "--cert", dir.resolve("mo.crt").toString(), "--peer-fingerprint", doFp));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("none.key does not exist"), r.err());

        // the loss mode is an explicit choice that names its leakage
        List<String> noLossMode = new java.util.ArrayList<>(modelOwner("l 127.0.0.1:0", doFp));
        int at = noLossMode.indexOf("--loss-mode");
        noLossMode.subList(at, at + 2).clear();
        r = inProcess(noLossMode);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--loss-mode is required") && r.err().contains("exact logits"), r.err());
        List<String> badMode = new java.util.ArrayList<>(noLossMode);
        badMode.addAll(List.of("--loss-mode", "secret"));
        r = inProcess(badMode);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--loss-mode must be label-owner or private, got 'secret'"), r.err());
        // private-loss mode: the visibility is checked, and only private mode takes it
        for (List<String> extra : List.of(List.of("--loss-mode", "label-owner", "--loss-visibility", "none"),
                List.of("--private-loss", "--loss-mode", "label-owner"),
                List.of("--private-loss", "--loss-visibility", "sometimes"))) {
            List<String> args = new java.util.ArrayList<>(noLossMode);
            args.addAll(extra);
            r = inProcess(args);
            assertEquals(2, r.code(), extra.toString());
            assertTrue(r.err().contains(extra.contains("sometimes") ? "--loss-visibility must be"
                    : extra.contains("none") ? "--loss-visibility is for private-loss mode" : "contradicts"), r.err());
        }

        // a model whose logits are affine in the data owner's input is refused in label-owner mode
        Path affine = dir.resolve("affine.json");
        Files.writeString(affine, new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nIn(784).nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build().toJson());
        r = inProcess(modelOwner("l 127.0.0.1:0", doFp, "--model", affine.toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("affine function of the data owner's own input"), r.err());

        // in private-loss mode an output layer that is not softmax with MCXENT is refused, every reason at once
        Path mse = dir.resolve("mse.json");
        Files.writeString(mse, new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(784).nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(8).nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .build().toJson());
        List<String> privateMse = new java.util.ArrayList<>(noLossMode);
        privateMse.addAll(List.of("--private-loss", "--model", mse.toString()));
        r = inProcess(privateMse);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not softmax") && r.err().contains("is not MCXENT"), r.err());
    }

    @Test
    void unreachablePeerAndBusyPortFailWithExitCodeOne() throws IOException {
        Run r;
        try (Ports.Held refusing = Ports.refusing()) { // bound, not listening: nobody answers, nobody takes it
            int port = refusing.port();
            r = inProcess(dataOwner("c 127.0.0.1:" + port, moFp, "--timeout", "2", "--limit", "64"));
            assertEquals(1, r.code());
            assertTrue(r.err().contains("could not reach peer at 127.0.0.1:" + port), r.err());
        }

        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            r = inProcess(modelOwner("l 127.0.0.1:" + busy.getLocalPort(), doFp, "--timeout", "2"));
            assertEquals(1, r.code());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + busy.getLocalPort()), r.err());
        }
    }

    @Test
    void wrongCertificateAndMismatchedModelFailAtConnection() throws Exception {
        // the model owner pins a stranger's certificate: the data owner's is refused
        // (the model owner keeps waiting for its pinned peer until its accept timeout, so that stays short; it is
        // listening before the data owner starts, whatever the load)
        Started mo = start(modelOwner("l 127.0.0.1:0", otherFp, "--timeout", "4"));
        String port = "127.0.0.1:" + mo.port();
        Run d = inProcess(dataOwner("c " + port, moFp, "--timeout", "20", "--limit", "64"));
        Run m = mo.result();
        assertEquals(1, m.code(), m.err());
        assertEquals(1, d.code(), d.err());
        System.out.println("wrong certificate: model owner says: " + m.err().strip() + " | data owner says: " + d.err().strip());

        // different learning rates: different configurations, refused by the handshake naming configHash
        mo = start(modelOwner("l 127.0.0.1:0", doFp, "--timeout", "20", "--lr", "0.02"));
        String port2 = "127.0.0.1:" + mo.port();
        d = inProcess(dataOwner("c " + port2, moFp, "--timeout", "20", "--limit", "64"));
        m = mo.result();
        assertEquals(1, m.code(), m.err());
        assertEquals(1, d.code(), d.err());
        assertTrue(m.err().contains("configHash") || d.err().contains("configHash"), m.err() + d.err());

        // different non-linear engines: refused by the handshake too
        mo = start(modelOwner("l 127.0.0.1:0", doFp, "--timeout", "20", "--nonlinear", "gc"));
        String port3 = "127.0.0.1:" + mo.port();
        d = inProcess(dataOwner("c " + port3, moFp, "--timeout", "20", "--limit", "64", "--nonlinear", "ot"));
        m = mo.result();
        assertEquals(1, m.code(), m.err());
        assertEquals(1, d.code(), d.err());
        assertTrue(m.err().contains("configHash") || d.err().contains("configHash"), m.err() + d.err());
    }
}
