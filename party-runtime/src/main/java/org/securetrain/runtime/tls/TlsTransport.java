package org.securetrain.runtime.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.PartyThreads;
import org.securetrain.runtime.SessionCore;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions over TCP with TLS 1.3 and mutual authentication by pinned certificates (Netty, one event
 * loop thread per session). Which party listens is independent of its role.
 *
 * <pre>{@code
 * TlsTransport t = TlsTransport.builder().options(opts).identity(me).pinnedPeer(peerFingerprint).build();
 * try (TlsListener l = t.listen(new InetSocketAddress("0.0.0.0", 7000))) {
 *     Session s = l.accept();                    // party A
 * }
 * Session s = t.connect(new InetSocketAddress("host", 7000));   // party B
 * }</pre>
 *
 * After TLS authenticates the peer, the session handshake (protocol version, roles, session id,
 * configuration hash) runs before the session is returned.
 */
public final class TlsTransport {
    private static final Logger LOG = LoggerFactory.getLogger(TlsTransport.class);
    private static final long RETRY_PAUSE_MS = 200;
    static final int READ_BUFFER_MAX = Integer.getInteger("securetrain.tls.readMax", 1024 * 1024);
    static final int WRAP_DATA_SIZE = Integer.getInteger("securetrain.tls.wrapData", 256 * 1024);

    private final SessionOptions options;
    private final TlsIdentity identity;
    private final String pinnedPeer;
    private final TlsEngine engine;
    private final Duration acceptTimeout;
    private final Duration connectTimeout;
    private final boolean checkPeerDates;

    private TlsTransport(Builder b) {
        this.options = Objects.requireNonNull(b.options, "options");
        this.identity = Objects.requireNonNull(b.identity, "identity");
        this.pinnedPeer = TlsIdentity.parseFingerprint(b.pinnedPeer);
        this.engine = b.engine;
        this.acceptTimeout = b.acceptTimeout;
        this.connectTimeout = b.connectTimeout;
        this.checkPeerDates = b.checkPeerDates;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Listens on {@code bind}, accepts one authenticated peer, handshakes, stops listening. */
    public static TlsSession listen(SessionOptions options, TlsIdentity identity, String pinnedPeerFingerprint,
            InetSocketAddress bind) {
        TlsTransport t = builder().options(options).identity(identity).pinnedPeer(pinnedPeerFingerprint).build();
        try (TlsListener l = t.listen(bind)) {
            return l.accept();
        }
    }

    /** Connects to the listening peer (retrying until the connect timeout) and handshakes. */
    public static TlsSession connect(SessionOptions options, TlsIdentity identity, String pinnedPeerFingerprint,
            InetSocketAddress peer) {
        return builder().options(options).identity(identity).pinnedPeer(pinnedPeerFingerprint).build().connect(peer);
    }

    public static final class Builder {
        private SessionOptions options;
        private TlsIdentity identity;
        private String pinnedPeer;
        private TlsEngine engine = TlsEngine.AUTO;
        private Duration acceptTimeout = Duration.ofMinutes(2);
        private Duration connectTimeout = Duration.ofMinutes(1);
        private boolean checkPeerDates = true;

        private Builder() {
        }

        /**
         * Accept the pinned peer certificate outside its validity dates (default: refused, naming the date). An
         * explicit choice, e.g. while a peer's clock is wrong; the fingerprint is still checked.
         */
        public Builder ignorePeerCertificateDates(boolean ignore) {
            this.checkPeerDates = !ignore;
            return this;
        }

        public Builder options(SessionOptions o) {
            this.options = o;
            return this;
        }

        public Builder identity(TlsIdentity id) {
            this.identity = id;
            return this;
        }

        /** SHA-256 fingerprint of the peer's certificate (64 hex digits; colons allowed). */
        public Builder pinnedPeer(String fingerprint) {
            this.pinnedPeer = TlsIdentity.parseFingerprint(fingerprint);
            return this;
        }

        public Builder engine(TlsEngine e) {
            this.engine = Objects.requireNonNull(e, "engine");
            return this;
        }

        /** How long a listener waits for an authenticated peer. */
        public Builder acceptTimeout(Duration d) {
            this.acceptTimeout = positive(d, "acceptTimeout");
            return this;
        }

        /** How long a connecting party keeps retrying while the listener is not up yet. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connectTimeout");
            return this;
        }

        public TlsTransport build() {
            return new TlsTransport(this);
        }

        /** Shortcut for {@code build().listen(bind)}. */
        public TlsListener listen(InetSocketAddress bind) {
            return build().listen(bind);
        }

        /** Shortcut for {@code build().connect(peer)}. */
        public TlsSession connect(InetSocketAddress peer) {
            return build().connect(peer);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }

    SessionOptions options() {
        return options;
    }

    TlsIdentity identity() {
        return identity;
    }

    String pinnedPeer() {
        return pinnedPeer;
    }

    TlsEngine engine() {
        return engine;
    }

    Duration acceptTimeout() {
        return acceptTimeout;
    }

    boolean checkPeerDates() {
        return checkPeerDates;
    }

    /** Binds now (so {@link TlsListener#port()} is known); {@link TlsListener#accept()} waits for the peer. */
    public TlsListener listen(InetSocketAddress bind) {
        return new TlsListener(this, bind);
    }

    // ------------------------------------------------------------------ pipeline shared by both sides

    static void configureChildOptions(java.util.function.BiConsumer<ChannelOption<Object>, Object> set,
            SessionOptions o) {
        set.accept(cast(ChannelOption.TCP_NODELAY), true);
        set.accept(cast(ChannelOption.ALLOCATOR), NettySupport.ALLOCATOR);
        // room for two whole frames in flight before a writer blocks
        int high = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(1 << 20, 2L * o.maxFrameBytes() + 65536));
        set.accept(cast(ChannelOption.WRITE_BUFFER_WATER_MARK), new WriteBufferWaterMark(high / 2, high));
        // large reads: fewer syscalls and TLS unwrap calls per gigabyte
        set.accept(cast(ChannelOption.RCVBUF_ALLOCATOR), new io.netty.channel.AdaptiveRecvByteBufAllocator(512,
                64 * 1024, READ_BUFFER_MAX));
    }

    @SuppressWarnings("unchecked")
    private static ChannelOption<Object> cast(ChannelOption<?> o) {
        return (ChannelOption<Object>) o;
    }

    /** Installs idle detection, TLS and the frame decoder; returns the session-facing transport. */
    NettyFrameTransport initPipeline(SocketChannel ch, SslHandler ssl, SessionCore core, String peerLabel) {
        NettyFrameTransport t = new NettyFrameTransport(ch, core, options, identity.fingerprint(), peerLabel);
        t.sslHandler(ssl);
        core.attach(t);
        long idle = options.idleTimeout().toMillis();
        ssl.setHandshakeTimeoutMillis(options.handshakeTimeout().toMillis());
        ssl.setCloseNotifyFlushTimeoutMillis(t.closeWaitMillis());
        ssl.setWrapDataSize(WRAP_DATA_SIZE);
        ch.pipeline()
                // writer idle only (heartbeats); the reader side is FrameHandler's tick, which counts whole frames
                .addLast("idle", new IdleStateHandler(false, 0, Math.max(1, idle / 4), 0, TimeUnit.MILLISECONDS))
                .addLast("tls", ssl)
                .addLast("frames", new FrameHandler(t));
        return t;
    }

    /** Runs the session handshake on an authenticated connection; the session owns {@code group} after. */
    TlsSession openSession(SessionCore core, NettyFrameTransport t, EventLoopGroup group) {
        t.activate();
        t.ownGroup(group);
        // belt and braces: BoringSSL does not let TLS 1.3 suites be restricted, so check what was agreed
        javax.net.ssl.SSLSession tls = t.sslHandler().engine().getSession();
        if (!TlsEngine.PROTOCOL.equals(tls.getProtocol()) || !TlsEngine.CIPHERS.contains(tls.getCipherSuite())) {
            HandshakeException e = new HandshakeException("tls", "negotiated " + tls.getProtocol() + " "
                    + tls.getCipherSuite() + " with " + t.peerLabel + "; only " + TlsEngine.PROTOCOL + " with "
                    + TlsEngine.CIPHERS + " is allowed (BoringSSL prefers ChaCha20 on CPUs without AES"
                    + " instructions; TlsEngine.JDK enforces the AES-GCM list)");
            core.onTransportClosed(e);
            throw e;
        }
        core.handshake(); // on failure the core has already failed and aborted the transport
        t.sessionOpened();
        TlsSession s = new TlsSession(core, t, engine);
        LOG.info("party {} ({}) connected to {} over {} {} ({}), peer certificate {}", core.party(), core.role(),
                t.peerLabel, s.protocol(), s.cipherSuite(), s.engine(), s.peerFingerprint());
        return s;
    }

    // ------------------------------------------------------------------ connect

    /**
     * Connects to {@code peer}, retrying "connection refused" (the listener may start later) until the
     * connect timeout; then TLS with the pinned peer certificate, then the session handshake.
     *
     * @throws PeerTimeoutException if the peer could not be reached in time
     * @throws HandshakeException if TLS or the session handshake fails (field "peerCertificate" when the
     *         peer's certificate is not the pinned one)
     */
    public TlsSession connect(InetSocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        String label = NettySupport.label(peer);
        if (peer.isUnresolved()) {
            throw new SessionException("cannot resolve peer host '" + peer.getHostString() + "'");
        }
        SslContext ctx;
        try {
            ctx = engine.clientContext(identity, pinnedPeer, checkPeerDates);
        } catch (SSLException e) {
            throw new SessionException("cannot set up TLS: " + e.getMessage(), e);
        }
        PartyThreads threads = PartyThreads.of(options);
        EventLoopGroup group = NettySupport.newEventLoop("client", threads);
        boolean handedOver = false;
        try {
            long start = System.nanoTime();
            long deadline = start + connectTimeout.toNanos();
            Throwable last = null;
            int attempts = 0;
            while (true) {
                attempts++;
                SessionCore core = new SessionCore(options, threads);
                NettyFrameTransport[] holder = new NettyFrameTransport[1];
                long left = deadline - System.nanoTime();
                Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                (int) Math.max(100, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 10_000)))
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                SslHandler ssl = ctx.newHandler(ch.alloc(), peer.getHostString(), peer.getPort());
                                NettyFrameTransport t = initPipeline(ch, ssl, core, label);
                                ssl.handshakeFuture().addListener(f -> {
                                    if (f.isSuccess()) {
                                        t.activate(); // before any application data is decoded
                                    }
                                });
                                holder[0] = t;
                            }
                        });
                configureChildOptions(b::option, options);
                ChannelFuture cf = b.connect(peer).awaitUninterruptibly();
                if (!cf.isSuccess()) {
                    last = NettySupport.unwrap(cf.cause());
                    boolean retryable = last instanceof ConnectException || last instanceof NoRouteToHostException
                            || last instanceof io.netty.channel.ConnectTimeoutException;
                    if (retryable && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MS) < deadline) {
                        if (attempts == 1 || attempts % 25 == 0) {
                            LOG.info("peer at {} not reachable yet ({}); retrying until {} s have passed", label,
                                    NettySupport.describe(last), connectTimeout.toSeconds());
                        }
                        sleep(RETRY_PAUSE_MS);
                        continue;
                    }
                    if (retryable) {
                        throw new PeerTimeoutException("could not reach peer at " + label + " within "
                                + seconds(connectTimeout) + " s (" + attempts + " attempts; last error: "
                                + NettySupport.describe(last) + ")");
                    }
                    throw new SessionException("cannot connect to peer at " + label + ": " + NettySupport.describe(last),
                            last);
                }
                NettyFrameTransport t = holder[0];
                SslHandler ssl = t.sslHandler();
                Future<io.netty.channel.Channel> hs = ssl.handshakeFuture();
                hs.awaitUninterruptibly(options.handshakeTimeout().toMillis() + 1000);
                if (!hs.isSuccess()) {
                    Throwable c = hs.cause();
                    cf.channel().close();
                    throw tlsFailure(label, c);
                }
                TlsSession s = openSession(core, t, group);
                handedOver = true;
                return s;
            }
        } finally {
            if (!handedOver) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
            }
        }
    }

    /** Maps a failed TLS handshake to a HandshakeException naming what went wrong. */
    HandshakeException tlsFailure(String peerLabel, Throwable cause) {
        if (cause == null) {
            return new HandshakeException("tls", "TLS handshake with " + peerLabel + " did not finish within "
                    + seconds(options.handshakeTimeout()) + " s");
        }
        PinnedPeerTrustManager.FingerprintMismatchException m = NettySupport.findMismatch(cause);
        if (m != null) {
            return new HandshakeException("peerCertificate", m.getMessage() + " (peer at " + peerLabel + ")");
        }
        if (NettySupport.certificateAlert(cause) != null) {
            return new HandshakeException("tls", "peer at " + peerLabel + " rejected this party's certificate"
                    + " (TLS alert " + NettySupport.certificateAlert(cause) + "): "
                    + NettySupport.remedy(NettySupport.certificateAlert(cause), identity.fingerprint()));
        }
        return new HandshakeException("tls", "TLS handshake with " + peerLabel + " failed: " + NettySupport.describe(cause)
                + "; if the peer rejected this party's certificate, make sure it pins fingerprint "
                + identity.fingerprint());
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException("interrupted while connecting", e);
        }
    }
}
