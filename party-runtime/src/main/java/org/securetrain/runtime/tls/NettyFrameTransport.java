package org.securetrain.runtime.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.PeerDisconnectedException;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.spi.FrameListener;
import org.securetrain.runtime.spi.FrameTransport;
import org.securetrain.runtime.spi.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session core's view of one TLS connection: frames out (with backpressure), connection failures
 * in. Inbound decoding lives in {@link FrameHandler} on the event loop.
 *
 * <p>Life cycle: {@code PENDING} while TLS handshakes (failures go to whoever is connecting or listening,
 * not to the session), {@code ACTIVE} once the peer is authenticated (failures fail the session), then
 * closed. The transport owns its event loop group once the session is handed out and shuts it down on
 * close or abort.
 */
final class NettyFrameTransport implements FrameTransport {
    private static final Logger LOG = LoggerFactory.getLogger(NettyFrameTransport.class);

    /**
     * Frame size on the wire for long messages: small enough that frame buffers come from the pool and
     * the event loop encrypts one frame while the sender copies the next, large enough that per-frame
     * costs vanish.
     */
    static final int PREFERRED_FRAME_BYTES = Integer.getInteger("securetrain.tls.frameBytes", 512 * 1024);

    /** Frames at least this large are flushed at once, so a long message streams instead of piling up. */
    private static final int FLUSH_THRESHOLD = 64 * 1024;

    private final Channel ch;
    private final FrameListener listener;
    private final SessionOptions options;
    private final String localFingerprint;
    final String peerLabel;
    private final Object writability = new Object();
    private final AtomicReference<SessionException> failure = new AtomicReference<>();
    private volatile boolean active;
    private volatile boolean sessionOpen;
    private volatile EventLoopGroup ownedGroup;
    private volatile SslHandler ssl;
    private final long tickNanos;
    /** Liveness ticks on the event loop, and the last time one came far too late (this process was suspended). */
    private volatile long lastTickNanos = System.nanoTime();
    private volatile long suspendedAtNanos;
    private volatile long suspendedForNanos;

    NettyFrameTransport(Channel ch, FrameListener listener, SessionOptions options, String localFingerprint,
            String peerLabel) {
        this.ch = ch;
        this.listener = listener;
        this.options = options;
        this.localFingerprint = localFingerprint;
        this.peerLabel = peerLabel;
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), options.idleTimeout().toNanos() / 4));
    }

    // ------------------------------------------------------------------ own suspension

    /** Period of the liveness tick: a quarter of the idle timeout, at most 1 s. */
    long tickNanos() {
        return tickNanos;
    }

    /**
     * Records a liveness tick at {@code now}; returns how much later than due it came if this process was
     * evidently suspended meanwhile (SIGSTOP, a long GC pause, a starved machine), else 0.
     */
    long ticked(long now) {
        long late = now - lastTickNanos - tickNanos;
        lastTickNanos = now;
        if (late > org.securetrain.runtime.Deadline.GAP_NANOS) {
            suspendedAtNanos = now;
            suspendedForNanos = late;
            LOG.info("this party did not run for {} s (suspended, a long GC pause or starved of CPU); the peer is "
                    + "not blamed for that time", String.format(java.util.Locale.ROOT, "%.1f", late / 1e9));
            return late;
        }
        return 0;
    }

    /**
     * A note for failure messages when this party itself was suspended just before (a tick is overdue now, or
     * one came late within the last idle timeout): the peer then most likely gave up on us, not we on it.
     */
    String ownSuspensionNote() {
        long now = System.nanoTime();
        long overdue = now - lastTickNanos - tickNanos;
        long gap = 0;
        if (overdue > org.securetrain.runtime.Deadline.GAP_NANOS) {
            gap = overdue;
        } else if (suspendedAtNanos != 0 && now - suspendedAtNanos < options.idleTimeout().toNanos() + 2 * tickNanos) {
            gap = suspendedForNanos;
        }
        if (gap == 0) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "; this party itself was suspended for %.1f s just before "
                + "(stopped, a long garbage collection or starved of CPU), so the peer most likely timed out waiting "
                + "for this party", gap / 1e9);
    }

    boolean hasFailed() {
        return failure.get() != null;
    }

    /**
     * An {@link Error} on the event loop: once the peer is authenticated the session core ends the session at
     * once and tells the peer; before that the connection is dropped.
     */
    void fatal(String where, Throwable error) {
        if (active && failure.get() == null) {
            try {
                listener.onFatalError(where, error); // tells the peer, then aborts this transport
            } catch (Throwable t) {
                failed(new SessionException(error.getClass().getSimpleName() + " on this party's " + where));
            }
        } else {
            failed(new SessionException(error.getClass().getSimpleName() + " on this party's " + where));
        }
    }

    Channel channel() {
        return ch;
    }

    /**
     * The connection's TLS handler, kept from pipeline set-up: when the connection ends Netty removes the
     * handlers from the pipeline, so a later pipeline look-up would find none.
     */
    SslHandler sslHandler() {
        return ssl;
    }

    void sslHandler(SslHandler h) {
        this.ssl = h;
    }

    SessionOptions options() {
        return options;
    }

    /** TLS is up and the peer is authenticated: from now on connection failures fail the session. */
    void activate() {
        active = true;
    }

    boolean isActive() {
        return active;
    }

    /** The application handshake succeeded; later disconnects are no longer "during the handshake". */
    void sessionOpened() {
        sessionOpen = true;
    }

    /** The session owns the event loop from now on; it is shut down when the connection ends. */
    void ownGroup(EventLoopGroup group) {
        this.ownedGroup = group;
        if (!ch.isOpen()) {
            shutdownGroup();
        }
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public int preferredFrameBytes() {
        return PREFERRED_FRAME_BYTES;
    }

    @Override
    public void writeFrame(int streamId, int flags, int payloadLength, PayloadWriter payload, boolean flush) {
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length " + payloadLength);
        }
        awaitWritable();
        ByteBuf buf = ch.alloc().directBuffer(Frames.HEADER_BYTES + payloadLength);
        try {
            buf.writeInt(payloadLength).writeInt(streamId).writeByte(flags);
            if (payloadLength > 0) {
                ByteBuffer dst = buf.nioBuffer(Frames.HEADER_BYTES, payloadLength).order(ByteOrder.LITTLE_ENDIAN);
                payload.write(dst);
                if (dst.hasRemaining()) {
                    throw new IllegalStateException("payload writer left " + dst.remaining() + " bytes unwritten");
                }
                buf.writerIndex(Frames.HEADER_BYTES + payloadLength);
            }
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        // void promise: a failed write surfaces as exceptionCaught in the pipeline, which fails the session
        if (flush || payloadLength >= FLUSH_THRESHOLD) {
            ch.writeAndFlush(buf, ch.voidPromise());
        } else {
            ch.write(buf, ch.voidPromise());
        }
    }

    /** A heartbeat frame; called on the event loop when we have written nothing for a while. */
    void writeHeartbeat() {
        if (!active || failure.get() != null) {
            return;
        }
        ByteBuf hb = ch.alloc().directBuffer(Frames.HEADER_BYTES);
        hb.writeInt(0).writeInt(Frames.CONTROL_STREAM).writeByte(Frames.FLAG_HEARTBEAT);
        ch.writeAndFlush(hb, ch.voidPromise());
    }

    /**
     * Blocks while Netty's outbound buffer is above its high-water mark, i.e. the peer is not reading as
     * fast as we write. Bounded by the idle timeout: a peer that stops reading that long is treated as
     * stalled.
     */
    private void awaitWritable() {
        checkFailure();
        if (ch.isWritable() || ch.eventLoop().inEventLoop()) {
            return; // the event loop itself must never wait for itself
        }
        long timeoutMs = options.idleTimeout().toMillis();
        org.securetrain.runtime.Deadline deadline = new org.securetrain.runtime.Deadline(
                TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        ch.flush(); // whatever is buffered must move for writability to come back
        synchronized (writability) {
            while (!ch.isWritable()) {
                checkFailure();
                if (!ch.isActive()) {
                    failed(new PeerDisconnectedException("connection to peer at " + peerLabel + " closed"));
                    checkFailure();
                }
                long slice = Math.min(deadline.nextSlice(), TimeUnit.MILLISECONDS.toNanos(200));
                if (slice <= 0) {
                    PeerTimeoutException te = new PeerTimeoutException("peer at " + peerLabel
                            + " has not accepted data for " + timeoutMs / 1000.0 + " s (send blocked)"
                            + deadline.suspensionNote());
                    failed(te);
                    throw te;
                }
                long start = System.nanoTime();
                try {
                    writability.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(slice)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SessionException("interrupted while waiting to send to " + peerLabel, e);
                }
                deadline.sliceEnded(start, slice);
            }
        }
        checkFailure();
    }

    void writabilityChanged() {
        synchronized (writability) {
            writability.notifyAll();
        }
    }

    private void checkFailure() {
        SessionException f = failure.get();
        if (f != null) {
            throw f.copyForCaller();
        }
    }

    // ------------------------------------------------------------------ inbound events

    /** Delivers a frame that arrived in several buffers (event loop). */
    void deliver(int streamId, int flags, ByteBuffer[] pieces) {
        if (failure.get() == null) {
            listener.onFrame(streamId, flags, pieces);
        }
    }

    /** Delivers a decoded frame to the session core (event loop). */
    void deliver(int streamId, int flags, ByteBuffer payload) {
        if (failure.get() == null) {
            listener.onFrame(streamId, flags, payload);
        }
    }

    /**
     * The connection failed or ended (event loop or writer). First cause wins. While TLS is still
     * pending, the connecting/listening code reports it; afterwards the session fails with it.
     */
    void failed(SessionException cause) {
        if (!failure.compareAndSet(null, cause)) {
            return;
        }
        if (active) {
            listener.onTransportClosed(cause); // the core fails (before a blocked writer wakes) and calls abort()
        }
        writabilityChanged();
        abort();
    }

    /** Maps a pipeline exception to the session's failure. */
    SessionException describeFailure(Throwable t) {
        Throwable c = NettySupport.unwrap(t);
        if (c instanceof SessionException se) {
            return se;
        }
        if (c instanceof SSLException) {
            if (!sessionOpen && NettySupport.certificateAlert(c) != null) {
                return new HandshakeException("tls", "peer at " + peerLabel + " rejected this party's certificate"
                        + " (TLS alert " + NettySupport.certificateAlert(c) + "): "
                        + NettySupport.remedy(NettySupport.certificateAlert(c), localFingerprint));
            }
            if (!sessionOpen) {
                return new HandshakeException("tls", "the TLS connection with peer at " + peerLabel
                        + " failed during the session handshake (" + NettySupport.describe(c) + "); if the peer"
                        + " rejected this party's certificate, make sure it pins fingerprint " + localFingerprint);
            }
            return new PeerDisconnectedException("TLS error on the connection to peer at " + peerLabel + ": "
                    + NettySupport.describe(c), c);
        }
        if (c instanceof IOException) {
            return new PeerDisconnectedException("connection to peer at " + peerLabel + " lost: "
                    + NettySupport.describe(c) + ownSuspensionNote(), c);
        }
        return new SessionException("transport failure on the connection to peer at " + peerLabel + ": "
                + NettySupport.describe(c), c);
    }

    /** The channel closed under us. */
    SessionException disconnected() {
        if (!sessionOpen && active) {
            return new PeerDisconnectedException("peer at " + peerLabel + " closed the connection during the"
                    + " session handshake; if it logged a certificate mismatch, it does not pin this party's"
                    + " fingerprint " + localFingerprint);
        }
        return new PeerDisconnectedException("connection to peer at " + peerLabel + " closed" + ownSuspensionNote());
    }

    // ------------------------------------------------------------------ shutdown

    /** Flushes what was written (TLS close_notify after it) and closes; waits a bounded time. */
    @Override
    public void close() {
        failure.compareAndSet(null, new SessionException("session closed"));
        writabilityChanged();
        if (ch.isOpen()) {
            ch.flush();
            ch.close();
        }
        if (!ch.eventLoop().inEventLoop()) {
            ch.closeFuture().awaitUninterruptibly(closeWaitMillis());
        }
        shutdownGroup();
        awaitShutdown(closeWaitMillis());
    }

    /**
     * Drops the connection after a failure. Does not block (it may run on the event loop). Data written
     * before (e.g. an abort message) still goes out: the TLS close waits for it, bounded by its timeout.
     */
    @Override
    public void abort() {
        failure.compareAndSet(null, new SessionException("session aborted"));
        writabilityChanged();
        if (ch.isOpen()) {
            ch.flush();
            ch.close().addListener(f -> shutdownGroup());
        } else {
            shutdownGroup();
        }
    }

    private void shutdownGroup() {
        EventLoopGroup g = ownedGroup;
        if (g != null && !g.isShuttingDown()) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    /** Waits (bounded) until the event loop thread has ended; no-op on the event loop itself. */
    void awaitShutdown(long millis) {
        EventLoopGroup g = ownedGroup;
        if (g == null || ch.eventLoop().inEventLoop()) {
            return;
        }
        try {
            g.awaitTermination(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!g.isTerminated()) {
            LOG.debug("event loop of session with {} still running after {} ms", peerLabel, millis);
        }
    }

    long closeWaitMillis() {
        return Math.min(options.idleTimeout().toMillis(), 5_000);
    }
}
