package org.securetrain.runtime.spi;

import java.nio.ByteBuffer;

/** Inbound side of a {@link FrameTransport}: the session core. */
public interface FrameListener {
    /**
     * One frame arrived. {@code payload} (little-endian) is only valid during the call. The transport has
     * already checked {@code payload.remaining() <= Frames.maxPayload}; the core checks everything else.
     */
    void onFrame(int streamId, int flags, ByteBuffer payload);

    /**
     * One frame whose payload arrived in several buffers (in order; little-endian; valid only during the
     * call), e.g. across TLS records. Lets the core copy straight from the transport's buffers instead of
     * the transport merging them first. The default merges and calls {@link #onFrame(int, int, ByteBuffer)}.
     */
    default void onFrame(int streamId, int flags, ByteBuffer[] pieces) {
        int n = 0;
        for (ByteBuffer p : pieces) {
            n += p.remaining();
        }
        ByteBuffer merged = ByteBuffer.allocate(n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (ByteBuffer p : pieces) {
            merged.put(p.duplicate());
        }
        merged.flip();
        onFrame(streamId, flags, merged);
    }

    /** The connection ended: {@code cause} says why (peer closed, reset, idle timeout, TLS failure...). */
    void onTransportClosed(Throwable cause);

    /**
     * An {@link Error} (e.g. {@link OutOfMemoryError}) was thrown on one of the transport's threads: the session
     * must end at once, with the peer told, rather than live on without the thread. {@code where} names the
     * thread's job, e.g. "network thread".
     */
    default void onFatalError(String where, Throwable error) {
        onTransportClosed(error);
    }
}
