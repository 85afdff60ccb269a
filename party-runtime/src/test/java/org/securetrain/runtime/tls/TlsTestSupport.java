package org.securetrain.runtime.tls;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;

/** Identities made once per test JVM, and a helper that opens a listener/connector pair on 127.0.0.1. */
final class TlsTestSupport {
    static final TlsIdentity ALICE = TlsIdentity.generate("alice");
    static final TlsIdentity BOB = TlsIdentity.generate("bob");
    static final TlsIdentity MALLORY = TlsIdentity.generate("mallory");
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);

    private TlsTestSupport() {
    }

    static SessionOptions.Builder opts(Role r) {
        return SessionOptions.builder(r).sessionId("tls-test").configHash(SessionOptions.hashConfig("cfg"))
                .receiveTimeout(Duration.ofSeconds(20)).idleTimeout(Duration.ofSeconds(10))
                .handshakeTimeout(Duration.ofSeconds(10));
    }

    /** Both ends of a session, or the exceptions each end threw. */
    record Outcome(TlsSession listener, Throwable listenerError, TlsSession connector, Throwable connectorError)
            implements AutoCloseable {
        @Override
        public void close() {
            if (connector != null) {
                connector.close();
            }
            if (listener != null) {
                listener.close();
            }
        }
    }

    /** Alice listens with {@code a}, Bob connects with {@code b}; each pins the given fingerprint. */
    static Outcome open(TlsTransport.Builder a, TlsTransport.Builder b) throws Exception {
        TlsListener l = a.listen(ANY_LOCAL);
        CompletableFuture<TlsSession> server = CompletableFuture.supplyAsync(l::accept);
        TlsSession c = null;
        Throwable ce = null;
        try {
            c = b.connect(new InetSocketAddress("127.0.0.1", l.port()));
        } catch (RuntimeException e) {
            ce = e;
        }
        TlsSession s = null;
        Throwable se = null;
        try {
            s = server.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            se = e.getCause();
        } finally {
            l.close();
        }
        return new Outcome(s, se, c, ce);
    }

    static TlsTransport.Builder alice(SessionOptions o) {
        return TlsTransport.builder().options(o).identity(ALICE).pinnedPeer(BOB.fingerprint())
                .acceptTimeout(Duration.ofSeconds(20));
    }

    static TlsTransport.Builder bob(SessionOptions o) {
        return TlsTransport.builder().options(o).identity(BOB).pinnedPeer(ALICE.fingerprint())
                .connectTimeout(Duration.ofSeconds(10));
    }
}
