package org.securetrain.runtime.tls;

import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSession;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionCore;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TrafficStats;

/**
 * A {@link Session} over a TLS 1.3 connection with a pinned, authenticated peer. Everything but the
 * connection facts below is the transport-independent session core.
 */
public final class TlsSession implements Session {
    private final SessionCore core;
    private final NettyFrameTransport transport;
    private final String protocol;
    private final String cipherSuite;
    private final String engine;
    private final String peerFingerprint;

    TlsSession(SessionCore core, NettyFrameTransport transport, TlsEngine engine) {
        this.core = core;
        this.transport = transport;
        SslHandler ssl = transport.sslHandler();
        SSLSession s = ssl.engine().getSession();
        this.protocol = s.getProtocol();
        this.cipherSuite = s.getCipherSuite();
        this.engine = engine.describe();
        String fp;
        try {
            fp = TlsIdentity.fingerprintOf((java.security.cert.X509Certificate) s.getPeerCertificates()[0]);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            fp = "(unverified)"; // cannot happen: the pinned trust manager accepted a certificate
        }
        this.peerFingerprint = fp;
    }

    /** Negotiated protocol, always {@code TLSv1.3}. */
    public String protocol() {
        return protocol;
    }

    /** Negotiated cipher suite, e.g. {@code TLS_AES_128_GCM_SHA256}. */
    public String cipherSuite() {
        return cipherSuite;
    }

    /** The TLS implementation in use, e.g. "OpenSSL engine (BoringSSL)". */
    public String engine() {
        return engine;
    }

    /** SHA-256 fingerprint of the certificate the peer presented (equal to the pinned one). */
    public String peerFingerprint() {
        return peerFingerprint;
    }

    public InetSocketAddress peerAddress() {
        return (InetSocketAddress) transport.channel().remoteAddress();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) transport.channel().localAddress();
    }

    @Override
    public Role role() {
        return core.role();
    }

    @Override
    public SessionOptions options() {
        return core.options();
    }

    @Override
    public Channel channel(String name) {
        return core.channel(name);
    }

    @Override
    public TrafficStats traffic() {
        return core.traffic();
    }

    @Override
    public org.securetrain.runtime.PartyThreads threads() {
        return core.threads();
    }

    @Override
    public boolean isOpen() {
        return core.isOpen();
    }

    @Override
    public void abort(org.securetrain.runtime.AbortReason reason) {
        core.abort(reason);
        transport.awaitShutdown(transport.closeWaitMillis());
    }

    @Override
    public void abort(String localReason) {
        core.abort(localReason);
        transport.awaitShutdown(transport.closeWaitMillis());
    }

    @Override
    public Computation computing() {
        return core.computing();
    }

    /** Says goodbye, flushes, closes the connection and waits (bounded) for the event loop to end. */
    @Override
    public void close() {
        core.close();
        transport.awaitShutdown(transport.closeWaitMillis());
    }

    @Override
    public String toString() {
        return "TlsSession[party " + party() + " <-> " + transport.peerLabel + ", " + protocol + " " + cipherSuite
                + ", " + engine + "]";
    }
}
