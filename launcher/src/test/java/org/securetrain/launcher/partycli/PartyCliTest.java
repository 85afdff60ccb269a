package org.securetrain.launcher.partycli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Await;
import org.securetrain.runtime.testing.Ports;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.tls.TlsIdentity;
import picocli.CommandLine;

@Timeout(600) // a guard against hangs only: the waits inside are for events (a port printed, a process gone)
class PartyCliTest {
    @TempDir
    static Path dir;
    static String fpA;
    static String fpB;

    /** Exit code, standard output and standard error of one in-process run. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = PartyCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void keygen() throws Exception {
        Run a = run("keygen", "--out", dir.toString(), "--name", "alice");
        Run b = run("keygen", "--out", dir.toString(), "--name", "bob");
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        fpA = TlsIdentity.load(dir.resolve("alice.key.pem"), dir.resolve("alice.crt.pem")).fingerprint();
        fpB = TlsIdentity.load(dir.resolve("bob.key.pem"), dir.resolve("bob.crt.pem")).fingerprint();
        assertTrue(a.out().contains("fingerprint : " + fpA), a.out());
        assertTrue(Files.readString(dir.resolve("alice.key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve("alice.crt.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void keygenRefusesToOverwrite() {
        Run r = run("keygen", "--out", dir.toString(), "--name", "alice");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already exists (use --force to overwrite)"), r.err());
    }

    @Test
    void fingerprintCommandPrintsThePinnedValue() {
        Run r = run("fingerprint", "--key", dir.resolve("alice.key.pem").toString(), "--cert",
                dir.resolve("alice.crt.pem").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(fpA, r.out().trim());
    }

    private List<String> pingArgs(String name, String peerFp, String... endpoint) {
        List<String> a = new ArrayList<>(List.of("ping", "--role", name.equals("alice") ? "model-owner" : "data-owner",
                "--key", dir.resolve(name + ".key.pem").toString(), "--cert", dir.resolve(name + ".crt.pem").toString(),
                "--peer-fingerprint", peerFp, "--rounds", "50", "--megabytes", "8", "--message-mib", "1",
                "--timeout", "20"));
        a.addAll(List.of(endpoint));
        return a;
    }

    @Test
    void pingBetweenTwoProcessesSucceeds() throws Exception {
        Process listener = start(pingArgs("alice", fpB, "--listen", "127.0.0.1:0"));
        Process connector = null;
        try {
            StringBuilder lout = new StringBuilder();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Pattern p = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
            Thread pump = pump(listener, lout, line -> {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            });
            int lp = Await.get(port); // the listener bound port 0 and printed what it got
            connector = start(pingArgs("bob", fpA, "--connect", "127.0.0.1:" + lp));
            StringBuilder cout = new StringBuilder();
            Thread cpump = pump(connector, cout, line -> { });
            Await.exit(connector); // the events are the exits, however long the machine's load makes them take
            Await.exit(listener);
            pump.join(5000);
            cpump.join(5000);
            assertEquals(0, listener.exitValue(), lout.toString());
            assertEquals(0, connector.exitValue(), cout.toString());
            for (StringBuilder o : List.of(lout, cout)) {
                assertTrue(o.toString().contains("TLSv1.3"), o.toString());
                assertTrue(o.toString().contains("latency    : 50 round trips"), o.toString());
                assertTrue(o.toString().contains("party 0 -> party 1: 8.0 MiB of long[] in 8 messages of 1.0 MiB"),
                        o.toString());
                assertTrue(o.toString().contains("traffic of party 1"), o.toString());
            }
        } finally {
            listener.destroyForcibly();
            if (connector != null) {
                connector.destroyForcibly();
            }
        }
    }

    private static Process start(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                PartyCli.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static Thread pump(Process p, StringBuilder sink, java.util.function.Consumer<String> onLine) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (sink) {
                        sink.append(line).append('\n');
                    }
                    onLine.accept(line);
                }
            } catch (java.io.IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    // ------------------------------------------------------------------ misuse

    @Test
    void demoOverASimulatedLinkShowsItsLatencyAndBandwidth() {
        // 20 ms RTT, 80 Mbit/s (10 MB/s): 2 MiB each way takes ~0.2 s, far above what TLS costs on loopback
        Run r = run("demo", "--rounds", "5", "--megabytes", "2", "--message-mib", "1", "--link", "80mbit,20ms");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SIMULATED LINK (measurement aid, not a network): both parties' sends are delayed"
                + " as over 80mbit,20ms"), r.out());
        Matcher lat = Pattern.compile("median ([0-9.]+) us").matcher(r.out());
        assertTrue(lat.find(), r.out());
        double medianMs = Double.parseDouble(lat.group(1)) / 1000;
        assertTrue(medianMs >= 20 && medianMs < 30, "median RTT " + medianMs + " ms over a 20 ms link: " + r.out());
        Matcher bw = Pattern.compile("party 0 -> party 1: .*\\(([0-9.]+) Mbit/s\\)").matcher(r.out());
        assertTrue(bw.find(), r.out());
        double mbit = Double.parseDouble(bw.group(1));
        // payload rate over the time to the acknowledgement (one more RTT): below the link's 80 Mbit/s, not far
        assertTrue(mbit < 80 && mbit > 50, mbit + " Mbit/s over an 80 Mbit/s link: " + r.out());
    }

    @Test
    void malformedLinkProfileIsMisuse() {
        Run r = run("demo", "--link", "fast");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--link: unknown link profile 'fast'"), r.err());
        r = run(pingArgs("alice", fpB, "--listen", "127.0.0.1:0", "--link", "100mb,4ms").toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bandwidth '100mb' is not a number with a unit"), r.err());
    }

    @Test
    void missingKeyFileIsMisuse() {
        List<String> a = pingArgs("alice", fpB, "--listen", "127.0.0.1:0");
        a.set(a.indexOf("--key") + 1, dir.resolve("nope.key.pem").toString());
        Run r = run(a.toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("key file " + dir.resolve("nope.key.pem") + " does not exist"), r.err());
    }

    @Test
    void malformedFingerprintIsMisuse() {
        Run r = run(pingArgs("alice", "abc123", "--listen", "127.0.0.1:0").toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("must be 64 hex digits"), r.err());
    }

    @Test
    void badAddressAndMissingEndpointAreMisuse() {
        Run r = run(pingArgs("alice", fpB, "--listen", "localhost").toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected HOST:PORT"), r.err());
        r = run(pingArgs("alice", fpB).toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--listen") && r.err().contains("--connect"), r.err());
        r = run(pingArgs("alice", fpB, "--listen", "127.0.0.1:1", "--connect", "127.0.0.1:2").toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mutually exclusive"), r.err());
    }

    @Test
    void portInUseFails() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Run r = run(pingArgs("alice", fpB, "--listen", "127.0.0.1:" + s.getLocalPort()).toArray(new String[0]));
            assertEquals(1, r.code());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + s.getLocalPort()), r.err());
        }
    }

    @Test
    void unreachablePeerFails() throws Exception {
        try (Ports.Held refusing = Ports.refusing()) { // bound, not listening: refused, and nobody takes it
            int port = refusing.port();
            List<String> a = pingArgs("bob", fpA, "--connect", "127.0.0.1:" + port);
            a.set(a.indexOf("--timeout") + 1, "1");
            Run r = run(a.toArray(new String[0]));
            assertEquals(1, r.code());
            assertTrue(r.err().contains("could not reach peer at 127.0.0.1:" + port + " within 1 s"), r.err());
        }
    }
}
