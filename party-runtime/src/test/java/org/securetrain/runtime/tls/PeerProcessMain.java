package org.securetrain.runtime.tls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;

/**
 * The data owner in a separate JVM, for tests that kill or stop a real peer process.
 * Args: mode port keyPem certPem pinnedFingerprint idleTimeoutMs.
 * Modes: {@code idle} (connect, then wait: only heartbeats flow), {@code busy} (connect, compute on the
 * only application thread for 2 idle timeouts, then send "done"), {@code receive} (connect, then wait in a
 * receive; its failure is printed as {@code peer ended: <exception>}).
 */
public final class PeerProcessMain {
    private PeerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        TlsIdentity me = TlsIdentity.load(Path.of(args[2]), Path.of(args[3]));
        long idleMs = Long.parseLong(args[5]);
        SessionOptions o = TlsTestSupport.opts(Role.DATA_OWNER).idleTimeout(Duration.ofMillis(idleMs)).build();
        try (TlsSession s = TlsTransport.builder().options(o).identity(me).pinnedPeer(args[4])
                .connectTimeout(Duration.ofSeconds(20)).connect(new InetSocketAddress("127.0.0.1", port))) {
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            if (mode.equals("busy")) {
                long end = System.nanoTime() + 2_000_000L * idleMs;
                long x = 0;
                while (System.nanoTime() < end) {
                    x += x * 31 + 7; // busy, not sleeping: the event loop must still send heartbeats
                }
                s.channel("x").send(("done " + (x & 1)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.channel("x").receive(); // wait for the parent's goodbye
            } else if (mode.equals("receive")) {
                s.channel("x").receive();
            } else {
                Thread.sleep(Long.MAX_VALUE);
            }
        } catch (RuntimeException e) {
            System.out.println("peer ended: " + e);
        }
    }
}
