package org.securetrain.runtime.spi;

import java.nio.ByteBuffer;

/**
 * What a transport (in-memory, Netty TLS) provides to the session core: moving frames. No protocol
 * logic lives here. Inbound frames are delivered to a {@link FrameListener}.
 */
public interface FrameTransport {

    /** Fills exactly the remaining bytes of {@code dst} (little-endian order already set). */
    @FunctionalInterface
    interface PayloadWriter {
        void write(ByteBuffer dst);
    }

    /**
     * Sends one frame. The transport copies the payload before returning, so the caller may reuse its
     * arrays. May block while the transport is congested; a dead peer makes it throw a
     * {@link org.securetrain.runtime.SessionException}. {@code flush} marks the end of a message.
     */
    void writeFrame(int streamId, int flags, int payloadLength, PayloadWriter payload, boolean flush);

    /**
     * Largest frame payload this transport prefers to carry (the core cuts messages into frames of at most
     * this size, the peer's limit and its own). A network transport keeps frames moderate so buffers stay
     * pooled and encryption of one frame overlaps the copying of the next.
     */
    default int preferredFrameBytes() {
        return Integer.MAX_VALUE;
    }

    /**
     * The session is being aborted locally and its abort message comes next: a transport that holds frames
     * back before they reach the network (a simulated slow link) drops them and every later data frame, so
     * the abort message does not wait behind them. Control-stream frames still go. Others do nothing.
     */
    default void discardUnsent() {
    }

    /** Flushes what was written and closes the connection. */
    void close();

    /** Drops the connection at once (after a failure). */
    void abort();
}
