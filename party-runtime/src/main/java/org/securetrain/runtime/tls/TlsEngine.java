package org.securetrain.runtime.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Which TLS implementation runs the connection. {@link #AUTO} picks BoringSSL (netty-tcnative) when its
 * native library loads, else the JDK engine; both are configured identically: TLS 1.3 only, AES-GCM
 * suites, mutual authentication against the pinned peer certificate.
 */
public enum TlsEngine {
    /** BoringSSL if available, else JDK. */
    AUTO,
    /** BoringSSL through netty-tcnative (fails if the native library cannot load). */
    OPENSSL,
    /** The JDK's SSLEngine. */
    JDK;

    /** TLS 1.3 suites we allow; both are AEAD with AES-NI support. */
    static final List<String> CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
    static final String PROTOCOL = "TLSv1.3";

    SslProvider provider() {
        return switch (this) {
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("the OpenSSL (netty-tcnative BoringSSL) TLS engine is not available: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case JDK -> SslProvider.JDK;
        };
    }

    /** A human-readable name of the engine that {@link #provider()} resolves to. */
    String describe() {
        return provider() == SslProvider.OPENSSL ? "OpenSSL engine (" + OpenSsl.versionString() + ")" : "JDK engine";
    }

    SslContext serverContext(TlsIdentity id, String pinnedPeer, boolean checkPeerDates) throws SSLException {
        return configure(SslContextBuilder.forServer(id.privateKey(), id.certificate())
                .clientAuth(ClientAuth.REQUIRE), pinnedPeer, checkPeerDates);
    }

    SslContext clientContext(TlsIdentity id, String pinnedPeer, boolean checkPeerDates) throws SSLException {
        return configure(SslContextBuilder.forClient().keyManager(id.privateKey(), id.certificate()), pinnedPeer,
                checkPeerDates);
    }

    private SslContext configure(SslContextBuilder b, String pinnedPeer, boolean checkPeerDates) throws SSLException {
        SslProvider p = provider();
        return b.sslProvider(p)
                .protocols(PROTOCOL)
                .ciphers(CIPHERS)
                .trustManager(new PinnedPeerTrustManager(pinnedPeer, p == SslProvider.OPENSSL, checkPeerDates))
                .build();
    }
}
