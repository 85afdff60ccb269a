package org.securetrain.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Loopback ports for tests, held by this test while it needs them instead of found free and released
 * (bind-close-reuse races with every other process on the machine). A listener under test binds port 0 and
 * reports the port it got; these cover the other cases.
 */
public final class Ports {
    private Ports() {
    }

    /**
     * A port bound on 127.0.0.1 but not listening, held until closed: connections to it are refused at once, and no
     * other socket can take it meanwhile (it is bound without SO_REUSEADDR). For "the peer is unreachable".
     */
    public static Held refusing() {
        return bind(false);
    }

    /**
     * A port bound on 127.0.0.1 with SO_REUSEADDR, not listening: connections are refused until a listener (which
     * binds with SO_REUSEADDR, as the JDK and Netty do) binds the same port, which Linux allows next to a
     * non-listening socket. For "the listener starts later"; close it once the listener is up.
     */
    public static Held forLaterListener() {
        return bind(true);
    }

    private static Held bind(boolean reuse) {
        Socket s = new Socket();
        try {
            s.setReuseAddress(reuse);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return new Held(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }

    /** A held port. */
    public static final class Held implements AutoCloseable {
        private final Socket socket;

        Held(Socket socket) {
            this.socket = socket;
        }

        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
