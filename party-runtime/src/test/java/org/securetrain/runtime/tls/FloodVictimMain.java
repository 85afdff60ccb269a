package org.securetrain.runtime.tls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;

/**
 * The model owner in a separate JVM (run with a small -Xmx) for the flood tests: listens on 127.0.0.1 (port
 * printed as {@code LISTENING <port>}), accepts the peer, then waits for a message on stream "x" while the
 * peer floods another stream. Prints {@code VICTIM FAILED <exception>} and exits 1 when the session fails.
 * Args: keyPem certPem pinnedFingerprint [maxBufferedBytes maxBufferedMessages] (defaults when absent).
 */
public final class FloodVictimMain {
    private FloodVictimMain() {
    }

    public static void main(String[] args) throws Exception {
        TlsIdentity me = TlsIdentity.load(Path.of(args[0]), Path.of(args[1]));
        SessionOptions.Builder o = TlsTestSupport.opts(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60));
        if (args.length > 3) {
            o.maxBufferedBytes(Long.parseLong(args[3])).maxBufferedMessages(Integer.parseInt(args[4]));
        }
        try (TlsListener l = TlsTransport.builder().options(o.build()).identity(me).pinnedPeer(args[2])
                .acceptTimeout(Duration.ofSeconds(30)).listen(new InetSocketAddress("127.0.0.1", 0))) {
            System.out.println("LISTENING " + l.port());
            System.out.flush();
            try (TlsSession s = l.accept()) {
                s.channel("x").receive();
                System.out.println("VICTIM RECEIVED");
            }
        } catch (RuntimeException e) {
            System.out.println("VICTIM FAILED " + e);
            System.out.flush();
            System.exit(1);
        }
    }
}
