package org.securetrain.runtime.inmemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.securetrain.runtime.PeerDisconnectedException;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionCore;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.spi.FrameTransport;

/**
 * Two parties in one JVM, for tests: frames are copied straight into the peer's session core, with
 * the same framing, limits, handshake and accounting as the TLS transport. Not a network transport.
 */
public final class InMemoryTransport implements FrameTransport {
    private final SessionCore local;
    private volatile InMemoryTransport peer;
    private volatile boolean down;

    private InMemoryTransport(SessionCore local) {
        this.local = local;
    }

    /** A connected, handshaken pair of sessions; element i has the role of {@code options[i]}. */
    public static Pair pair(SessionOptions a, SessionOptions b) {
        SessionCore ca = new SessionCore(a);
        SessionCore cb = new SessionCore(b);
        InMemoryTransport ta = new InMemoryTransport(ca);
        InMemoryTransport tb = new InMemoryTransport(cb);
        ta.peer = tb;
        tb.peer = ta;
        ca.attach(ta);
        cb.attach(tb);
        CompletableFuture<Void> hb = CompletableFuture.runAsync(cb::handshake);
        SessionException first = null;
        try {
            ca.handshake();
        } catch (SessionException e) {
            first = e;
        }
        try {
            hb.join();
        } catch (CompletionException e) {
            if (first == null) {
                first = e.getCause() instanceof SessionException se ? se
                        : new SessionException("handshake failed", e.getCause());
            }
        }
        if (first != null) {
            throw first;
        }
        return new Pair(ca, cb, ta, tb);
    }

    /** The two ends; {@link #kill(int)} simulates a party dying abruptly. */
    public static final class Pair implements AutoCloseable {
        private final Session[] sessions;
        private final InMemoryTransport[] transports;

        Pair(Session a, Session b, InMemoryTransport ta, InMemoryTransport tb) {
            this.sessions = new Session[] {a, b};
            this.transports = new InMemoryTransport[] {ta, tb};
        }

        /** The session opened with the i-th options given to {@link #pair}. */
        public Session get(int i) {
            return sessions[i];
        }

        /** The session of party {@code id} (0 = model owner, 1 = data owner). */
        public Session party(int id) {
            return sessions[0].party() == id ? sessions[0] : sessions[1];
        }

        /** End {@code i} vanishes without goodbye: its peer sees a disconnect. */
        public void kill(int i) {
            transports[i].dropBoth("peer vanished (simulated crash)");
        }

        @Override
        public void close() {
            sessions[0].close();
            sessions[1].close();
        }
    }

    @Override
    public void writeFrame(int streamId, int flags, int payloadLength, PayloadWriter payload, boolean flush) {
        InMemoryTransport p = peer;
        if (down || p == null || p.down) {
            throw new PeerDisconnectedException("connection to peer closed");
        }
        ByteBuffer buf = ByteBuffer.allocate(payloadLength).order(ByteOrder.LITTLE_ENDIAN);
        payload.write(buf);
        if (buf.hasRemaining()) {
            throw new IllegalStateException("payload writer left " + buf.remaining() + " bytes unwritten");
        }
        buf.flip();
        p.local.onFrame(streamId, flags, buf);
    }

    @Override
    public void close() {
        InMemoryTransport p = peer;
        down = true;
        if (p != null && !p.down) {
            p.down = true;
            p.local.onTransportClosed(null);
        }
    }

    @Override
    public void abort() {
        close();
    }

    private void dropBoth(String why) {
        InMemoryTransport p = peer;
        down = true;
        local.onTransportClosed(new SessionException("this party was killed (simulated crash)"));
        if (p != null) {
            p.down = true;
            p.local.onTransportClosed(new PeerDisconnectedException(why));
        }
    }
}
