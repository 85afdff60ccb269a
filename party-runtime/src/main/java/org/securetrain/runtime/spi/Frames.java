package org.securetrain.runtime.spi;

/**
 * Wire format of one frame: {@code int payloadLength | int streamId | byte flags | payload}, big-endian
 * header, little-endian long[] payloads. The length comes first so a decoder can refuse an oversized
 * frame before allocating anything.
 */
public final class Frames {
    public static final int HEADER_BYTES = 9;

    /** Last frame of a message. */
    public static final int FLAG_LAST = 1;
    /** The message is a long[] (little-endian words). */
    public static final int FLAG_LONGS = 2;
    /**
     * On the first frame of a message only: the payload starts with the sender's 8-byte agreement stamp of the
     * stream (little-endian; 16-bit count, 48-bit digest), which is not part of the message.
     */
    public static final int FLAG_AGREED = 4;
    /** Bytes of the agreement stamp. */
    public static final int STAMP_BYTES = 8;
    /** Transport keep-alive: never reaches the session core. */
    public static final int FLAG_HEARTBEAT = 0x40;
    public static final int KNOWN_FLAGS = FLAG_LAST | FLAG_LONGS | FLAG_AGREED | FLAG_HEARTBEAT;

    /**
     * Smallest payload of a frame that is not the last of its message. A writer cuts messages into frames of
     * its frame size (at least 1024 bytes), so only a last frame is shorter; a reader refuses shorter ones, so
     * that a peer cannot keep a connection alive with a trickle of tiny frames that never complete a message.
     */
    public static final int MIN_PARTIAL_PAYLOAD = 1024;

    /**
     * Stream 0 carries session control messages (hello, goodbye, abort, configuration summary, agreement probe
     * and mismatch).
     */
    public static final int CONTROL_STREAM = 0;

    private Frames() {
    }
}
