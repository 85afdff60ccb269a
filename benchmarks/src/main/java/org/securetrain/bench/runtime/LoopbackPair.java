package org.securetrain.bench.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.tls.TlsEngine;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;

/** Opens a TLS session pair on 127.0.0.1 (party 0 listens, party 1 connects) for benchmarks. */
final class LoopbackPair {
    private LoopbackPair() {
    }

    static TlsSession[] open(TlsEngine engine) throws IOException {
        TlsIdentity a = TlsIdentity.generate("bench-0");
        TlsIdentity b = TlsIdentity.generate("bench-1");
        try (TlsListener l = TlsTransport.builder().options(opts(Role.MODEL_OWNER)).identity(a).pinnedPeer(b.fingerprint())
                .engine(engine).listen(new InetSocketAddress("127.0.0.1", 0))) {
            CompletableFuture<TlsSession> c = CompletableFuture.supplyAsync(() -> TlsTransport.builder()
                    .options(opts(Role.DATA_OWNER)).identity(b).pinnedPeer(a.fingerprint()).engine(engine)
                    .connect(new InetSocketAddress("127.0.0.1", l.port())));
            TlsSession s0 = l.accept();
            return new TlsSession[] {s0, c.join()};
        }
    }

    private static SessionOptions opts(Role r) {
        return SessionOptions.builder(r).sessionId("bench").configHash(SessionOptions.hashConfig("bench"))
                .receiveTimeout(Duration.ofMinutes(2)).build();
    }
}
