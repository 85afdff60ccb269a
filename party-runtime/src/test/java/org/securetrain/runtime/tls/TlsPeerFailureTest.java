package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.securetrain.runtime.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.PeerDisconnectedException;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;

/** The peer is a real second JVM that we kill, stop (SIGSTOP) or keep busy. */
@Timeout(600) // a guard against hangs: the tests wait for events (a JVM started, a process gone), never for a time
class TlsPeerFailureTest {
    private static final long IDLE_MS = 2000;

    @TempDir
    static Path dir;

    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void writeBobIdentity() throws Exception {
        BOB.save(dir.resolve("bob.key.pem"), dir.resolve("bob.crt.pem"));
    }

    @AfterEach
    void killChildren() throws Exception {
        for (Process p : children) {
            signal(p, "CONT");
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void signal(Process p, String sig) throws Exception {
        if (p.isAlive()) {
            new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Starts the peer JVM, accepts it, returns once the session is open. */
    private TlsSession acceptChild(String mode, TlsListener l) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), PeerProcessMain.class.getName(), mode,
                Integer.toString(l.port()), dir.resolve("bob.key.pem").toString(), dir.resolve("bob.crt.pem").toString(),
                ALICE.fingerprint(), Long.toString(IDLE_MS)).redirectErrorStream(true);
        Process p = pb.start();
        children.add(p);
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[peer] " + line);
                    if (line.startsWith("READY")) {
                        ready.complete(line);
                    }
                }
            } catch (java.io.IOException ignored) {
                // child gone
            }
            ready.completeExceptionally(new AssertionError("peer process ended before it was ready"));
        });
        pump.setDaemon(true);
        pump.start();
        TlsSession s = l.accept();
        Await.get(ready);
        return s;
    }

    private static TlsListener listen() {
        SessionOptions o = opts(Role.MODEL_OWNER).idleTimeout(Duration.ofMillis(IDLE_MS)).build();
        return alice(o).acceptTimeout(Duration.ofSeconds(40)).listen(ANY_LOCAL);
    }

    @Test
    void killedPeerProcessFailsBlockingReceiveWithDisconnect() throws Exception {
        try (TlsListener l = listen(); TlsSession a = acceptChild("idle", l)) {
            var rx = Await.start("receiver", () -> a.channel("x").receive());
            Await.blocked(rx.thread());
            children.get(0).destroyForcibly();
            ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(rx.result()));
            // a killed process closes its socket: a disconnect, not the idle timeout (a PeerTimeoutException)
            assertInstanceOf(PeerDisconnectedException.class, e.getCause(), e.getCause().toString());
        }
    }

    @Test
    void stoppedPeerProcessFailsBlockingReceiveWithTimeout() throws Exception {
        try (TlsListener l = listen(); TlsSession a = acceptChild("idle", l)) {
            CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
            // the live (idle) peer keeps the session up with heartbeats well past the idle timeout
            Thread.sleep(IDLE_MS + 500);
            assertFalse(rx.isDone());
            assertTrue(a.isOpen());
            signal(children.get(0), "STOP");
            // the idle detection (no data or heartbeat), not the receive timeout, which is far longer
            ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(rx));
            PeerTimeoutException te = assertInstanceOf(PeerTimeoutException.class, e.getCause(), e.getCause().toString());
            assertTrue(te.getMessage().contains("no data or heartbeat from peer"), te.getMessage());
        }
    }

    @Test
    void busyPeerIsNotMistakenForAStalledOne() throws Exception {
        try (TlsListener l = listen(); TlsSession a = acceptChild("busy", l)) {
            long t0 = System.nanoTime();
            byte[] m = a.channel("x").receive(); // arrives after 2 idle timeouts of computation
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(new String(m, java.nio.charset.StandardCharsets.US_ASCII).startsWith("done"));
            assertTrue(ms > IDLE_MS, "peer should have been silent (apart from heartbeats) for a while: " + ms);
            a.channel("x").send(new byte[] {1});
        }
    }
}
