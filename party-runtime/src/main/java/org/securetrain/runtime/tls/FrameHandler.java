package org.securetrain.runtime.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.spi.Frames;

/**
 * Inbound frame decoder on the event loop, after the TLS handler: {@code int payloadLength | int
 * streamId | byte flags | payload}. The header is validated (length against {@code maxFrameBytes},
 * flags, stream id) before a single payload byte is buffered, and a payload is only ever held as the
 * bytes that actually arrived: a peer claiming 2 GiB costs us nothing but the close.
 *
 * <p>Liveness: sends heartbeats when we are quiet (writer idle events), and fails the session with a
 * {@link PeerTimeoutException} when no <em>complete</em> frame (data or heartbeat) has arrived for the idle
 * timeout: a stopped process, a dead network, or a peer that trickles bytes (each byte would reset a timer
 * that counts bytes). A periodic tick on the event loop checks this; a tick that comes far too late means
 * this process itself did not run (SIGSTOP, a long garbage collection), and that time is not held against
 * the peer.
 *
 * <p>An {@link Error} thrown while decoding (e.g. {@link OutOfMemoryError}) fails the session at once, peer
 * told, instead of killing the event loop and leaving the session half alive.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
    private final NettyFrameTransport transport;
    private final int maxFrame;
    private final long idleMillis;

    private final byte[] header = new byte[Frames.HEADER_BYTES];
    private int headerFill;
    private boolean inPayload;
    private int length;
    private int streamId;
    private int flags;
    /** Payload pieces of a frame that spans several reads (retained slices, no copy yet). */
    private final java.util.ArrayList<ByteBuf> pieces = new java.util.ArrayList<>();
    private int have;
    private boolean broken;
    /** When the last complete frame arrived (event loop only). */
    private long lastFrameNanos = System.nanoTime();
    private ScheduledFuture<?> ticker;

    FrameHandler(NettyFrameTransport transport) {
        this.transport = transport;
        this.maxFrame = transport.options().maxFrameBytes();
        this.idleMillis = transport.options().idleTimeout().toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long tick = transport.tickNanos();
        transport.ticked(System.nanoTime());
        ticker = ctx.executor().scheduleWithFixedDelay(() -> tick(ctx), tick, tick, TimeUnit.NANOSECONDS);
    }

    /** Periodic liveness check on the event loop. */
    private void tick(ChannelHandlerContext ctx) {
        try {
            long now = System.nanoTime();
            long late = transport.ticked(now);
            if (late > 0) {
                // this process did not run for `late` ns: the peer's frames wait unread in the socket
                lastFrameNanos = Math.min(now, lastFrameNanos + late);
                return;
            }
            if (!transport.isActive() || broken) {
                lastFrameNanos = now; // until TLS is up, the handshake timeout bounds the wait
                return;
            }
            long silentMs = TimeUnit.NANOSECONDS.toMillis(now - lastFrameNanos);
            if (silentMs > idleMillis) {
                int partialBytes = inPayload ? Frames.HEADER_BYTES + have : headerFill;
                transport.failed(new PeerTimeoutException(partialBytes == 0
                        ? "no data or heartbeat from peer at " + transport.peerLabel + " for " + silentMs / 1000.0
                                + " s (idleTimeout " + idleMillis / 1000.0 + " s): the peer process is stalled or the"
                                + " network is down"
                        : "peer at " + transport.peerLabel + " completed no frame for " + silentMs / 1000.0 + " s ("
                                + "idleTimeout " + idleMillis / 1000.0 + " s): only " + partialBytes + " bytes of its"
                                + " next frame arrived; it trickles data or the network is failing"));
            }
        } catch (Error e) {
            transport.fatal("network thread", e);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            decode(ctx, in);
        } catch (ProtocolViolationException e) {
            broken = true;
            releasePieces();
            transport.failed(e);
        } catch (Error e) {
            broken = true;
            releasePieces();
            transport.fatal("network thread", e);
        } finally {
            in.release();
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) {
        while (!broken && in.isReadable() && !transport.hasFailed()) {
            if (!inPayload) {
                int n = Math.min(Frames.HEADER_BYTES - headerFill, in.readableBytes());
                in.readBytes(header, headerFill, n);
                headerFill += n;
                if (headerFill < Frames.HEADER_BYTES) {
                    return;
                }
                headerFill = 0;
                parseHeader();
                if (length == 0) {
                    frameComplete(ByteBuffer.allocate(0));
                    continue;
                }
                inPayload = true;
                have = 0;
            } else {
                int n = Math.min(length - have, in.readableBytes());
                if (have == 0 && n == length) {
                    // the whole payload is in this read: hand a view over, no copy
                    ByteBuffer view = in.nioBufferCount() == 1 ? in.nioBuffer(in.readerIndex(), length)
                            : copy(in, length);
                    in.skipBytes(length);
                    inPayload = false;
                    frameComplete(view);
                    continue;
                }
                pieces.add(in.readRetainedSlice(n));
                have += n;
                if (have == length) {
                    inPayload = false;
                    lastFrameNanos = System.nanoTime();
                    try {
                        // the core copies straight from these views into the frame's array
                        ByteBuffer[] views = new ByteBuffer[pieces.size()];
                        for (int i = 0; i < views.length; i++) {
                            ByteBuf b = pieces.get(i);
                            views[i] = (b.nioBufferCount() == 1 ? b.nioBuffer() : copy(b, b.readableBytes()))
                                    .order(ByteOrder.LITTLE_ENDIAN);
                        }
                        transport.deliver(streamId, flags, views);
                    } finally {
                        releasePieces();
                    }
                }
            }
        }
    }

    /** Rare: a buffer made of several memory regions (not what the TLS handler produces). */
    private static ByteBuffer copy(ByteBuf in, int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        in.getBytes(in.readerIndex(), b);
        b.flip();
        return b;
    }

    private void parseHeader() {
        length = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        streamId = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        flags = header[8] & 0xff;
        if (length < 0 || length > maxFrame) {
            throw new ProtocolViolationException("peer at " + transport.peerLabel + " sent a frame header claiming "
                    + Integer.toUnsignedLong(length) + " bytes (as signed int: " + length + "), beyond the limit of "
                    + maxFrame + " bytes (maxFrameBytes); connection closed before buffering it");
        }
        if ((flags & ~Frames.KNOWN_FLAGS) != 0) {
            throw new ProtocolViolationException("malformed frame from peer at " + transport.peerLabel
                    + ": unknown flags 0x" + Integer.toHexString(flags) + " on stream " + streamId);
        }
        if (streamId < 0) {
            throw new ProtocolViolationException("malformed frame from peer at " + transport.peerLabel
                    + ": negative stream id " + streamId);
        }
        if ((flags & Frames.FLAG_HEARTBEAT) != 0
                && (flags != Frames.FLAG_HEARTBEAT || length != 0 || streamId != Frames.CONTROL_STREAM)) {
            throw new ProtocolViolationException("malformed heartbeat from peer at " + transport.peerLabel
                    + ": flags 0x" + Integer.toHexString(flags) + ", stream " + streamId + ", " + length + " bytes");
        }
    }

    private void frameComplete(ByteBuffer payload) {
        lastFrameNanos = System.nanoTime();
        if (flags == Frames.FLAG_HEARTBEAT) {
            return; // keep-alive only: it already reset the reader idle timer
        }
        transport.deliver(streamId, flags, payload.order(ByteOrder.LITTLE_ENDIAN));
    }

    private void releasePieces() {
        for (ByteBuf b : pieces) {
            b.release();
        }
        pieces.clear();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.WRITER_IDLE && transport.isActive()) {
                transport.writeHeartbeat();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        transport.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePieces();
        stopTicking();
        transport.failed(transport.disconnected());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = NettySupport.unwrap(cause);
        if (c instanceof Error e) {
            broken = true;
            releasePieces();
            transport.fatal("network thread", e);
            return;
        }
        transport.failed(transport.describeFailure(cause));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePieces();
        stopTicking();
    }

    private void stopTicking() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }
}
