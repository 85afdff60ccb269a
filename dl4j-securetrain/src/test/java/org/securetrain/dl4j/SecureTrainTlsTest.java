package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Await;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.securetrain.runtime.PeerDisconnectedException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;

/**
 * The two parties over TLS 1.3 on 127.0.0.1 (mutual authentication by pinned certificates): training matches
 * plaintext DL4J; a data owner process killed mid-epoch makes the model owner's {@code fit} fail promptly.
 */
class SecureTrainTlsTest {
    static final int F = 24;
    static final int BATCH = 16;
    static final long IDLE_MS = 5000;

    static MultiLayerConfiguration conf() {
        return TestConfs.mlp(new Nesterovs(0.02, 0.9), 21);
    }

    static ToyBlobs data() {
        return new ToyBlobs(96, 16, 3, 13, 4.0); // 6 batches per epoch
    }

    static SessionOptions options(Role role, MultiLayerConfiguration conf, long idleMs) {
        return SessionOptions.builder(role).sessionId("dl4j-tls-test").configHash(TwoPartyHarness.terms(F).configHash(conf))
                .idleTimeout(Duration.ofMillis(idleMs)).receiveTimeout(Duration.ofSeconds(60)).build();
    }

    @Test
    @Timeout(90)
    void twoPartiesOverTlsMatchPlaintextDl4j() throws Exception {
        MultiLayerConfiguration conf = conf();
        ToyBlobs data = data();
        int epochs = 3; // 18 iterations
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        MultiLayerNetwork plain = SecureTrainTwoPartyTest.plainTrained(conf, data, BATCH, epochs, plainScores);
        Evaluation plainEval = plain.evaluate(data.iterator(32));

        TlsIdentity alice = TlsIdentity.generate("model-owner");
        TlsIdentity bob = TlsIdentity.generate("data-owner");
        TlsSession s0;
        TlsSession s1;
        try (TlsListener l = TlsTransport.builder().options(options(Role.MODEL_OWNER, conf, IDLE_MS)).identity(alice)
                .pinnedPeer(bob.fingerprint()).listen(new InetSocketAddress("127.0.0.1", 0))) {
            CompletableFuture<TlsSession> accepted = CompletableFuture.supplyAsync(l::accept);
            s1 = TlsTransport.builder().options(options(Role.DATA_OWNER, conf, IDLE_MS)).identity(bob)
                    .pinnedPeer(alice.fingerprint()).connect(new InetSocketAddress("127.0.0.1", l.port()));
            s0 = Await.get(accepted);
        }
        long t0 = System.nanoTime();
        TwoPartyHarness.Result r;
        try (s0; s1) {
            var res = TwoPartyRunner.run(
                    s0, s -> TwoPartyHarness.party(s, TwoPartyHarness.backendFactory(F), conf, F, null, BATCH, epochs,
                            LossVisibility.BOTH_PARTIES),
                    s1, s -> TwoPartyHarness.party(s, TwoPartyHarness.backendFactory(F), conf, F, data, BATCH, epochs,
                            LossVisibility.BOTH_PARTIES));
            r = new TwoPartyHarness.Result(res.party0(), res.party1());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double rel = SecureTrainTwoPartyTest.maxRel(r.dataOwner().scores(), plainScores.scores);
        double w = plain.params().sub(r.modelOwner().revealed().params()).amaxNumber().doubleValue();
        System.out.printf("TLS two-party MLP: %d iterations + evaluation + reveal in %.1f s, max relative loss "
                + "difference %.3e, max weight difference %.2e, accuracy plain %.4f secure %.4f; data owner sent %s%n",
                plainScores.scores.size(), secs, rel, w, plainEval.accuracy(), r.dataOwner().evaluation().accuracy(),
                r.dataOwner().traffic().total());
        assertEquals(18, r.dataOwner().scores().size());
        assertTrue(rel < 1e-3, "data owner's loss vs plaintext DL4J: " + rel);
        assertEquals(r.dataOwner().scores(), r.modelOwner().scores(), "loss shared with the model owner");
        assertTrue(w < 1e-4, "revealed weights differ by " + w);
        assertEquals(plainEval.accuracy(), r.dataOwner().evaluation().accuracy(), 0.0);
        assertNull(r.dataOwner().revealed());
    }

    /** Over TLS too, parties with different configurations fail at the handshake, before any data flows. */
    @Test
    @Timeout(60)
    void differentConfigurationsFailAtTheTlsHandshake() throws Exception {
        MultiLayerConfiguration mine = conf();
        MultiLayerConfiguration other = TestConfs.mlp(new Nesterovs(0.05, 0.9), 21); // another learning rate
        TlsIdentity alice = TlsIdentity.generate("model-owner");
        TlsIdentity bob = TlsIdentity.generate("data-owner");
        try (TlsListener l = TlsTransport.builder().options(options(Role.MODEL_OWNER, mine, IDLE_MS)).identity(alice)
                .pinnedPeer(bob.fingerprint()).listen(new InetSocketAddress("127.0.0.1", 0))) {
            CompletableFuture<TlsSession> accepted = CompletableFuture.supplyAsync(l::accept);
            org.securetrain.runtime.HandshakeException e = assertThrows(
                    org.securetrain.runtime.HandshakeException.class,
                    () -> TlsTransport.builder().options(options(Role.DATA_OWNER, other, IDLE_MS)).identity(bob)
                            .pinnedPeer(alice.fingerprint()).connect(new InetSocketAddress("127.0.0.1", l.port())));
            assertTrue(e.getMessage().toLowerCase().contains("config"), e.getMessage());
            ExecutionException a = assertThrows(ExecutionException.class, () -> Await.get(accepted));
            assertInstanceOf(SessionException.class, a.getCause());
        }
    }

    @TempDir
    Path dir;

    /** The data owner is a separate JVM; killing it mid-epoch must end the model owner's fit, never hang it. */
    @Test
    @Timeout(120)
    void killedDataOwnerProcessFailsTheModelOwnersFitPromptly() throws Exception {
        MultiLayerConfiguration conf = conf();
        TlsIdentity alice = TlsIdentity.generate("model-owner");
        TlsIdentity bob = TlsIdentity.generate("data-owner");
        bob.save(dir.resolve("bob.key.pem"), dir.resolve("bob.crt.pem"));
        try (TlsListener l = TlsTransport.builder().options(options(Role.MODEL_OWNER, conf, IDLE_MS)).identity(alice)
                .pinnedPeer(bob.fingerprint()).acceptTimeout(Duration.ofSeconds(60))
                .listen(new InetSocketAddress("127.0.0.1", 0))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    DataOwnerProcessMain.class.getName(), Integer.toString(l.port()),
                    dir.resolve("bob.key.pem").toString(), dir.resolve("bob.crt.pem").toString(), alice.fingerprint(),
                    Long.toString(IDLE_MS)).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process child = pb.start();
            try {
                CompletableFuture<Void> midEpoch = new CompletableFuture<>();
                Thread pump = new Thread(() -> {
                    try (BufferedReader rd = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                        String line;
                        while ((line = rd.readLine()) != null) {
                            if (!line.contains(" DEBUG ")) {
                                System.out.println("[data owner] " + line);
                            }
                            if (line.equals("STEP 9")) { // epoch 2, batch 3 of 6
                                midEpoch.complete(null);
                            }
                        }
                    } catch (java.io.IOException ignored) {
                        // child gone
                    }
                    midEpoch.completeExceptionally(new AssertionError("data owner process ended before step 9"));
                }, "child-output");
                pump.setDaemon(true);
                pump.start();
                try (TlsSession s = l.accept();
                     SecurePartyContext ctx = TwoPartyHarness.terms(F).session(s)
                             .backend(TwoPartyHarness.backendFactory(F)).build()) {
                    MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
                    CompletableFuture<Void> fit = CompletableFuture.runAsync(() -> net.fit(ctx.sharedIterator(null), 1000));
                    Await.get(midEpoch);
                    long t0 = System.nanoTime();
                    child.destroyForcibly();
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> Await.get(fit), "fit must fail, not hang");
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    Throwable cause = e.getCause();
                    System.out.printf("model owner's fit failed %d ms after the kill with %s%n", ms, cause);
                    SessionException se = sessionExceptionIn(cause);
                    assertNotNull(se, "expected a session failure, got " + cause);
                    assertInstanceOf(PeerDisconnectedException.class, se, se.toString());
                    // a killed process closes its socket: seen at once as a disconnect (the idle timeout would
                    // end in a PeerTimeoutException instead)
                    assertFalse(s.isOpen());
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static SessionException sessionExceptionIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SessionException s) {
                return s;
            }
        }
        return null;
    }
}
