package org.securetrain.runtime.spi;

import java.nio.ByteBuffer;

/** Inbound side of a {@link FrameTransport}: the session core. */
public interface FrameListener {
    /**
     * One frame arrived. {@code payload} (little-endian) is only valid during the call. The transport has
     * already checked {@code payload.remaining() <= Frames.maxPayload}; the core checks everything else.
     */
    void onFrame(int streamId, int flags, ByteBuffer payload);

    /** The connection ended: {@code cause} says why (peer closed, reset, idle timeout, TLS failure...). */
    void onTransportClosed(Throwable cause);
}
