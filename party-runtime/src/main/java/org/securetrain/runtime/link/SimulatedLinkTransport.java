package org.securetrain.runtime.link;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.securetrain.runtime.PeerDisconnectedException;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.spi.FrameTransport;
import org.securetrain.runtime.spi.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIMULATED LINK, a measurement aid: makes the frames this party sends over any {@link FrameTransport}
 * (in-memory or TLS) arrive as they would over a link of a given bandwidth and latency
 * ({@link LinkProfile}), so that benchmarks on one machine show what a deployment between two
 * organisations would see. It protects nothing and changes nothing but timing; it is off unless a
 * profile other than {@link LinkProfile#LOOPBACK} is set in {@link SessionOptions}, and it logs a line
 * when it is on. Each party shapes what it sends, so the two directions are independent links.
 *
 * <p>The model, per direction:
 * <ul>
 *   <li>Bandwidth: a token bucket of depth zero over frame bytes including the 9-byte header, i.e. a wire:
 *   frames leave back to back, each occupying the wire for {@code bytes / bandwidth}. TLS record and TCP/IP
 *   overhead are not counted (the bandwidth is application-frame goodput).</li>
 *   <li>Latency: a frame is handed to the real transport when its last byte has left the wire plus
 *   RTT/2, plus a uniform random extra in [0, jitter] if jitter is set; never before the frame sent
 *   before it (order is kept, as on TCP).</li>
 *   <li>Window: frames accepted but not yet handed over are held here, by one delivery thread; a sender
 *   blocks while more than a bounded window is held (like a full TCP send buffer), so memory stays
 *   bounded. The window holds twice the bandwidth-delay product plus two frames, at least 4 MiB (Linux's
 *   default TCP send buffer limit) and at most 256 MiB, so a bulk sender keeps the simulated wire busy.</li>
 * </ul>
 *
 * <p>Closing hands over the frames still held (the peer must get everything sent before a goodbye),
 * bounded by the time they need on the simulated link plus two seconds; an abort drops them at once, and
 * a local abort's message is not queued behind them ({@link #discardUnsent()}).
 */
public final class SimulatedLinkTransport implements FrameTransport {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedLinkTransport.class);

    /** Largest frame sent through the simulated link: keeps the window and the close drain time small. */
    static final int MAX_FRAME_BYTES = 512 * 1024;
    /** Longest window, whatever the bandwidth-delay product: memory held per party. */
    static final long MAX_WINDOW_BYTES = 256L << 20;
    /**
     * Shortest window: a Linux TCP send buffer grows to 4 MiB by default ({@code net.ipv4.tcp_wmem}). It also
     * gives a sender that waits for a core on a loaded machine time to refill before the simulated wire idles.
     */
    static final long MIN_WINDOW_BYTES = 4L << 20;
    /** Extra time a close waits beyond what the held frames need on the simulated link. */
    private static final long CLOSE_SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final FrameTransport inner;
    private final LinkProfile link;
    private final String label;
    private final int frameBytes;
    private final long windowBytes;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition frameHeld = lock.newCondition();
    private final Condition spaceFreed = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long heldBytes;
    private long wireFreeAt;
    private long lastDeliverAt;
    private boolean started;
    private boolean closing;
    private boolean discarding;
    private SessionException failure;
    private SplittableRandom jitter;
    private Thread delivery;

    /** One frame on the simulated link: payload copied at send time, delivered at {@code deliverAt}. */
    private record Held(int streamId, int flags, ByteBuffer payload, long wireBytes, long deliverAt) {
    }

    /**
     * Wraps {@code inner} with the link of {@code options.link()}; returns {@code inner} itself when that is
     * {@link LinkProfile#LOOPBACK}.
     */
    public static FrameTransport wrap(FrameTransport inner, SessionOptions options) {
        LinkProfile link = options.link();
        if (!link.isSimulated()) {
            return inner;
        }
        return new SimulatedLinkTransport(inner, link, "party " + options.role().id() + " (" + options.role() + ")");
    }

    SimulatedLinkTransport(FrameTransport inner, LinkProfile link, String label) {
        this.inner = inner;
        this.link = link;
        this.label = label;
        this.frameBytes = Math.max(1024, Math.min(inner.preferredFrameBytes(), MAX_FRAME_BYTES));
        long bdp = link.bitsPerSecond() == 0 ? MAX_WINDOW_BYTES / 4
                : (long) Math.ceil(link.bitsPerSecond() / 8.0 * (link.oneWayNanos() + link.jitterNanos()) / 1e9);
        this.windowBytes = Math.min(MAX_WINDOW_BYTES,
                Math.max(MIN_WINDOW_BYTES, 2 * bdp + 2L * (frameBytes + Frames.HEADER_BYTES)));
    }

    /** The link this transport simulates. */
    public LinkProfile link() {
        return link;
    }

    long windowBytes() {
        return windowBytes;
    }

    @Override
    public int preferredFrameBytes() {
        return frameBytes;
    }

    // ------------------------------------------------------------------ sending side

    @Override
    public void writeFrame(int streamId, int flags, int payloadLength, PayloadWriter payload, boolean flush) {
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length " + payloadLength);
        }
        // the SPI lets the caller reuse its arrays once we return: copy now, before waiting for the window
        ByteBuffer copy = ByteBuffer.allocate(payloadLength).order(ByteOrder.LITTLE_ENDIAN);
        payload.write(copy);
        if (copy.hasRemaining()) {
            throw new IllegalStateException("payload writer left " + copy.remaining() + " bytes unwritten");
        }
        copy.flip();
        long wire = (long) payloadLength + Frames.HEADER_BYTES;
        lock.lock();
        try {
            while (true) {
                if (discarding && streamId != Frames.CONTROL_STREAM) {
                    // the session is being aborted: data no longer goes out, the abort message does
                    throw new SessionException("session aborted locally; no more data goes to the peer");
                }
                checkUsable();
                if (heldBytes == 0 || heldBytes + wire <= windowBytes) {
                    break;
                }
                try {
                    spaceFreed.await(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SessionException("interrupted while waiting to send over the simulated link", e);
                }
            }
            startIfNeeded();
            long now = System.nanoTime();
            long start = Math.max(now, wireFreeAt);
            long end = start + link.wireNanos(wire);
            wireFreeAt = end;
            long extra = link.jitterNanos() == 0 ? 0 : jitter.nextLong(link.jitterNanos() + 1);
            long deliverAt = Math.max(end + link.oneWayNanos() + extra, lastDeliverAt);
            lastDeliverAt = deliverAt;
            held.add(new Held(streamId, flags, copy, wire, deliverAt));
            heldBytes += wire;
            frameHeld.signal();
        } finally {
            lock.unlock();
        }
    }

    private void checkUsable() {
        if (failure != null) {
            SessionException e = new SessionException(failure.getMessage());
            e.initCause(failure);
            throw e;
        }
        if (closing) {
            throw new SessionException("simulated link of " + label + " is closed");
        }
    }

    private void startIfNeeded() {
        if (started) {
            return;
        }
        started = true;
        jitter = new SplittableRandom();
        LOG.info("{} sends over a SIMULATED LINK (measurement aid, not a network): {}, window {} KiB", label,
                link.describe(), windowBytes >> 10);
        delivery = new Thread(this::deliverLoop, "securetrain-simulated-link-" + label.replace(' ', '-'));
        delivery.setDaemon(true);
        delivery.start();
    }

    // ------------------------------------------------------------------ delivery thread

    private void deliverLoop() {
        try {
            while (true) {
                Held h;
                lock.lock();
                try {
                    while (held.isEmpty() && failure == null && !closing) {
                        frameHeld.await();
                    }
                    if (failure != null || held.isEmpty()) {
                        return; // aborted, or closed with nothing left to hand over
                    }
                    h = held.peek();
                } finally {
                    lock.unlock();
                }
                sleepUntil(h);
                lock.lock();
                try {
                    if (failure != null) {
                        return;
                    }
                    if (held.peek() != h) {
                        continue; // dropped by discardUnsent while we slept: look at the new head
                    }
                    held.poll(); // its bytes stay counted in heldBytes until the real transport took them
                } finally {
                    lock.unlock();
                }
                // outside the lock: an in-memory peer handles the frame on this thread and may call back into us
                inner.writeFrame(h.streamId, h.flags, h.payload.remaining(), dst -> dst.put(h.payload), true);
                lock.lock();
                try {
                    heldBytes -= h.wireBytes;
                    spaceFreed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            SessionException se = e instanceof SessionException s ? s
                    : new SessionException("simulated link of " + label + " failed: " + e, e);
            fail(se);
        }
    }

    /** Sleeps until {@code h} is due, or until it is no longer the head (dropped) or the link failed. */
    private void sleepUntil(Held h) {
        while (true) {
            long left = h.deliverAt - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(this, left);
            lock.lock();
            try {
                if (failure != null || held.peek() != h) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void fail(SessionException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            dropHeld();
            spaceFreed.signalAll();
            frameHeld.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t = delivery;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // ------------------------------------------------------------------ ending

    /**
     * Drops the frames not yet handed over and every data frame written from now on; control frames (the
     * abort message) still go, after the link's latency. Called by the session core before it sends an abort.
     */
    @Override
    public void discardUnsent() {
        lock.lock();
        try {
            discarding = true;
            dropHeld();
            long now = System.nanoTime();
            wireFreeAt = now;
            lastDeliverAt = now;
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t = delivery;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Drops the queued frames (a frame being handed over right now stays counted until it is). */
    private void dropHeld() {
        for (Held h : held) {
            heldBytes -= h.wireBytes;
        }
        held.clear();
    }

    /**
     * Hands over the frames still held (bounded by the time they need on the simulated link plus two
     * seconds; what is left then is dropped with a warning), then closes the real transport.
     */
    @Override
    public void close() {
        Thread t;
        long waitNanos;
        lock.lock();
        try {
            if (closing) {
                t = null;
                waitNanos = 0;
            } else {
                closing = true;
                frameHeld.signalAll();
                spaceFreed.signalAll();
                t = delivery;
                waitNanos = Math.max(0, lastDeliverAt - System.nanoTime()) + CLOSE_SLACK_NANOS;
            }
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                int dropped;
                lock.lock();
                try {
                    dropped = held.size();
                } finally {
                    lock.unlock();
                }
                LOG.warn("{}: simulated link did not drain within {} ms of close; dropping {} frames", label,
                        TimeUnit.NANOSECONDS.toMillis(waitNanos), dropped);
                fail(new PeerDisconnectedException("simulated link closed with frames still queued"));
            }
        }
        inner.close();
    }

    /** Drops the held frames at once and aborts the real transport; never blocks. */
    @Override
    public void abort() {
        fail(new SessionException("session aborted"));
        inner.abort();
    }
}
