package org.securetrain.launcher;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.launcher.SecureTrainCliTest.start;
import static org.securetrain.launcher.SecureTrainCliTest.inProcess;

import java.io.IOException;
import org.securetrain.dl4j.LabelOwnerLeakage;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.launcher.SecureTrainCliTest.Run;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.spi.Frames;
import org.securetrain.runtime.tls.RawTlsPeer;
import org.securetrain.runtime.tls.TlsIdentity;

/**
 * Issue 19 through the launcher: a flooding or trickling authenticated peer, empty training data, and settings
 * the parties disagree on. The hostile peer is a raw TLS client with the data owner's real identity.
 */
@Timeout(180)
class SecureTrainCliReliabilityTest {
    @TempDir
    static Path dir;
    static LauncherParties parties;

    @BeforeAll
    static void identities() throws IOException {
        parties = LauncherParties.save(dir);
    }

    /** A launcher process (the model owner, listening on a port of its choice) and its output. */
    private static final class ModelOwnerProcess implements AutoCloseable {
        final Process process;
        final Path log;

        ModelOwnerProcess(String heap, String... extra) throws IOException {
            log = Files.createTempFile(dir, "model-owner", ".log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), SecureTrainCli.class.getName()));
            cmd.addAll(parties.args("model-owner", "l 127.0.0.1:0", extra));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        int port() throws Exception {
            Pattern p = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end && process.isAlive()) {
                Matcher m = p.matcher(output());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                Thread.sleep(50);
            }
            throw new AssertionError("the model owner did not start listening:\n" + output());
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /** The data owner's identity and session options, as a hostile client uses them. */
    private static RawTlsPeer dataOwnerPeer(int port) throws Exception {
        TlsIdentity me = TlsIdentity.load(dir.resolve("do.key"), dir.resolve("do.crt"));
        SessionOptions o = PartyTraining.sessionOptions(Role.DATA_OWNER, Models.mlp(64, 0.01, 42), 24,
                LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS);
        RawTlsPeer raw = new RawTlsPeer(new InetSocketAddress("127.0.0.1", port), me, parties.moFp(), o);
        raw.handshake();
        return raw;
    }

    /**
     * Case 1: 8-byte long[] messages (17 wire bytes each) on a stream nobody reads, against a model owner with
     * -Xmx512m. It exits with code 1 naming the cap, soon after the flood starts (before: its heap grew about 6x
     * the traffic until the network thread died of OutOfMemoryError and the process spun in GC).
     */
    @Test
    void floodOfSmallMessagesMakesThePartyExitNamingTheCap() throws Exception {
        try (ModelOwnerProcess mo = new ModelOwnerProcess("512m", "--timeout", "60");
             RawTlsPeer raw = dataOwnerPeer(mo.port())) {
            ByteBuffer b = ByteBuffer.allocate(4096 * (Frames.HEADER_BYTES + 8));
            for (int i = 0; i < 4096; i++) {
                b.putInt(8).putInt(1234).put((byte) (Frames.FLAG_LAST | Frames.FLAG_LONGS)).putLong(i);
            }
            byte[] batch = b.array();
            long t0 = System.nanoTime();
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                long n = 0;
                try {
                    while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
                        raw.writeRaw(batch);
                        n += 4096;
                    }
                } catch (UncheckedIOException closed) {
                    // the model owner closed the connection
                }
                return n;
            });
            assertTrue(mo.process.waitFor(60, TimeUnit.SECONDS), "still running:\n" + mo.output());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            long messages = sent.get(30, TimeUnit.SECONDS);
            String out = mo.output();
            System.out.println("launcher flood: exit " + mo.process.exitValue() + " after " + ms + " ms, " + messages
                    + " messages written; " + out.lines().filter(l -> l.startsWith("error:")).findFirst().orElse(""));
            assertEquals(1, mo.process.exitValue(), out);
            assertTrue(out.contains("error: the peer's unread") && out.contains("cap of") && out.contains("#1234"), out);
            assertFalse(out.contains("OutOfMemoryError"), out);
            // the issue asks for 5 s; this machine is shared, so the bound here is looser and the time is printed
            assertTrue(ms < 20_000, "took " + ms + " ms");
        }
    }

    /** Case 2: one byte per second after the handshake; --receive-timeout bounds the run agreement's wait. */
    @Test
    void peerSendingOneBytePerSecondIsDroppedWithinTheReceiveTimeout() throws Exception {
        try (ModelOwnerProcess mo = new ModelOwnerProcess("512m", "--timeout", "60", "--receive-timeout", "3");
             RawTlsPeer raw = dataOwnerPeer(mo.port())) {
            long t0 = System.nanoTime();
            Thread trickler = new Thread(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        raw.writeRaw(new byte[] {0});
                        Thread.sleep(1000);
                    }
                } catch (Exception stopped) {
                    // dropped
                }
            }, "trickler");
            trickler.setDaemon(true);
            trickler.start();
            assertTrue(mo.process.waitFor(60, TimeUnit.SECONDS), "still running:\n" + mo.output());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String out = mo.output();
            System.out.println("launcher trickle: exit after " + ms + " ms");
            assertEquals(1, mo.process.exitValue(), out);
            assertTrue(out.contains("no message from peer on stream 'securetrain.cli.plan' within 3000 ms (receiveTimeout)"),
                    out);
            assertTrue(ms < 15_000, "took " + ms + " ms");
        }
    }

    /** Writes an IDX file of unsigned bytes with the given dimensions and no data, gzipped. */
    private static void emptyIdx(Path file, int... dims) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length).putInt(0x0800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(b.array());
        }
    }

    /** Case 5: IDX files with 0 images are refused, naming the file, instead of training 0 steps "successfully". */
    @Test
    void emptyTrainingDataIsRefusedNamingTheFile() throws Exception {
        Path data = Files.createDirectories(dir.resolve("empty-data"));
        emptyIdx(data.resolve("train-images-idx3-ubyte.gz"), 0, 28, 28);
        emptyIdx(data.resolve("train-labels-idx1-ubyte.gz"), 0);
        Path model = dir.resolve("never.zip");
        SecureTrainCliTest.Started mo = start(parties.args("model-owner",
                "l 127.0.0.1:0", "--timeout", "5", "--out", model.toString()));
        String port = "127.0.0.1:" + mo.port();
        Run d = inProcess(parties.args("data-owner", "c " + port, "--timeout", "5", "--data", data.toString(),
                "--test-limit", "0"));
        Run m = mo.result();
        assertEquals(2, d.code(), d.err());
        assertTrue(d.err().contains(data.resolve("train-images-idx3-ubyte.gz") + " holds 0 images"), d.err());
        assertNotEquals(0, m.code(), m.out());
        assertFalse(m.out().contains("saved to"), m.out());
        assertFalse(Files.exists(model));
    }

    /** Case 8: a different --lr or --frac-bits is named, with both values, at both parties. */
    @Test
    void differingSettingsAreNamedAtBothParties() throws Exception {
        SecureTrainCliTest.Started mo = start(parties.args("model-owner",
                "l 127.0.0.1:0", "--timeout", "30", "--lr", "0.02"));
        String port = "127.0.0.1:" + mo.port();
        Run d = inProcess(parties.args("data-owner", "c " + port, "--timeout", "30", "--limit", "64"));
        Run m = mo.result();
        assertEquals(1, m.code(), m.err());
        assertEquals(1, d.code(), d.err());
        assertTrue(m.err().contains("learningRate (this party 0.02, peer 0.01)"), m.err());
        assertTrue(d.err().contains("learningRate (this party 0.01, peer 0.02)"), d.err());

        mo = start(parties.args("model-owner", "l 127.0.0.1:0", "--timeout", "30",
                "--frac-bits", "20"));
        String port2 = "127.0.0.1:" + mo.port();
        d = inProcess(parties.args("data-owner", "c " + port2, "--timeout", "30", "--limit", "64"));
        m = mo.result();
        assertEquals(1, m.code(), m.err());
        assertTrue(m.err().contains("fracBits (this party 20, peer 24)"), m.err());
        assertTrue(d.err().contains("fracBits (this party 24, peer 20)"), d.err());
    }

    /** Case 8: --batch given to the model owner is a check against the data owner's, not silently ignored. */
    @Test
    void batchGivenToTheModelOwnerIsChecked() throws Exception {
        SecureTrainCliTest.Started mo = start(parties.args("model-owner",
                "l 127.0.0.1:0", "--timeout", "30", "--batch", "32"));
        String port = "127.0.0.1:" + mo.port();
        Run d = inProcess(parties.args("data-owner", "c " + port, "--timeout", "30", "--limit", "64", "--batch", "64"));
        Run m = mo.result();
        assertEquals(1, m.code(), m.err());
        assertEquals(1, d.code(), d.err());
        for (Run r : new Run[] {m, d}) {
            assertTrue(r.err().contains("the model owner expects minibatches of 32 (its --batch) but the data owner "
                    + "trains with --batch 64"), r.err());
        }
    }
}
