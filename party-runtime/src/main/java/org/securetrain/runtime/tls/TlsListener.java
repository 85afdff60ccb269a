package org.securetrain.runtime.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.PartyThreads;
import org.securetrain.runtime.SessionCore;
import org.securetrain.runtime.SessionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound listening socket waiting for the one peer of a session. Connections that fail TLS (not TLS
 * at all, or a certificate other than the pinned one) are logged and dropped while listening goes on;
 * the first connection that authenticates becomes the session, and listening stops.
 */
public final class TlsListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsListener.class);
    private static final int KEEP_REJECTIONS = 5;

    private final TlsTransport transport;
    private final EventLoopGroup group;
    /** The threads of the party that listens: the event loop, then the session's own. */
    private final PartyThreads threads;
    private final Channel server;
    private final InetSocketAddress address;
    private final CompletableFuture<Candidate> winner = new CompletableFuture<>();
    private final ArrayDeque<String> rejections = new ArrayDeque<>();
    private volatile boolean accepted;
    private volatile boolean handedOver;
    private volatile boolean closed;

    private record Candidate(SessionCore core, NettyFrameTransport transport) {
    }

    TlsListener(TlsTransport transport, InetSocketAddress bind) {
        this.transport = transport;
        SslContext ctx;
        try {
            ctx = transport.engine().serverContext(transport.identity(), transport.pinnedPeer(),
                    transport.checkPeerDates());
        } catch (SSLException e) {
            throw new SessionException("cannot set up TLS: " + e.getMessage(), e);
        }
        this.threads = PartyThreads.of(transport.options());
        this.group = NettySupport.newEventLoop("server", threads);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initCandidate(ch, ctx);
                    }
                });
        TlsTransport.configureChildOptions(b::childOption, transport.options());
        ChannelFuture f = b.bind(bind).awaitUninterruptibly();
        if (!f.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
            throw new SessionException("cannot listen on " + NettySupport.label(bind) + ": "
                    + NettySupport.describe(f.cause()), f.cause());
        }
        this.server = f.channel();
        this.address = (InetSocketAddress) server.localAddress();
        LOG.info("party {} listening on {} for the peer with certificate {}", transport.options().role().id(),
                NettySupport.label(address), transport.pinnedPeer());
    }

    /** The bound port (useful after binding port 0). */
    public int port() {
        return address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    private void initCandidate(SocketChannel ch, SslContext ctx) {
        String label = NettySupport.label(ch.remoteAddress());
        if (winner.isDone() || closed) {
            LOG.warn("dropping connection from {}: the session already has its peer", label);
            ch.close();
            return;
        }
        SessionCore core = new SessionCore(transport.options(), threads);
        SslHandler ssl = ctx.newHandler(ch.alloc());
        NettyFrameTransport t = transport.initPipeline(ch, ssl, core, label);
        ssl.handshakeFuture().addListener(hs -> {
            if (hs.isSuccess()) {
                if (winner.complete(new Candidate(core, t))) {
                    t.activate(); // before any application data is decoded
                    server.close(); // exactly one peer per session
                } else {
                    ch.close();
                }
            } else {
                String why = NettySupport.findMismatch(hs.cause()) == null
                        && NettySupport.certificateAlert(hs.cause()) != null
                        ? "it rejected this party's certificate (TLS alert " + NettySupport.certificateAlert(hs.cause())
                                + "): " + NettySupport.remedy(NettySupport.certificateAlert(hs.cause()),
                                        transport.identity().fingerprint())
                        : NettySupport.describe(hs.cause());
                LOG.warn("rejected connection from {} on {}: {}", label, NettySupport.label(address), why);
                synchronized (rejections) {
                    rejections.add(label + ": " + why);
                    while (rejections.size() > KEEP_REJECTIONS) {
                        rejections.poll();
                    }
                }
                ch.close();
            }
        });
    }

    /**
     * Waits for the peer (up to the accept timeout), then runs the session handshake. Call once.
     *
     * @throws PeerTimeoutException if no authenticated peer connected in time (the message lists the
     *         connections that were rejected, if any)
     * @throws org.securetrain.runtime.HandshakeException if the authenticated peer's session settings differ
     */
    public TlsSession accept() {
        if (accepted) {
            throw new IllegalStateException("accept() was already called on this listener");
        }
        accepted = true;
        if (closed) {
            throw new IllegalStateException("listener is closed");
        }
        Candidate c;
        try {
            c = winner.get(transport.acceptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String rej;
            synchronized (rejections) {
                rej = rejections.isEmpty() ? "" : "; rejected connections: " + String.join("; ", rejections);
            }
            close();
            throw new PeerTimeoutException("no authenticated peer connected to " + NettySupport.label(address)
                    + " within " + TlsTransport.seconds(transport.acceptTimeout()) + " s" + rej);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new SessionException("interrupted while waiting for the peer", e);
        } catch (ExecutionException e) {
            close();
            throw new SessionException("listener failed: " + e.getCause(), e.getCause());
        }
        server.close();
        handedOver = true; // from here the session's transport owns the event loop
        try {
            return transport.openSession(c.core(), c.transport(), group);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
            throw e;
        }
    }

    /**
     * Stops listening. Before {@link #accept()} handed out a session this also releases the event loop;
     * an accepted session is not affected.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close().awaitUninterruptibly(2000);
        if (!handedOver) {
            if (!winner.completeExceptionally(new SessionException("listener closed"))) {
                winner.getNow(null).transport().channel().close(); // authenticated, but nobody will use it
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
        }
    }
}
