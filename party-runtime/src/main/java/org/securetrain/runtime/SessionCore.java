package org.securetrain.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.securetrain.runtime.link.SimulatedLinkTransport;
import org.securetrain.runtime.spi.FrameListener;
import org.securetrain.runtime.spi.FrameTransport;
import org.securetrain.runtime.spi.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-independent half of a session: stream multiplexing, message framing and reassembly,
 * the handshake, failure propagation and traffic accounting. Transports create one, connect it to a
 * {@link FrameTransport}, and call {@link #handshake()} before handing it out as a {@link Session}.
 */
public final class SessionCore implements Session, FrameListener {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCore.class);

    private static final byte[] MAGIC = {'S', 'T', 'R', 'N'};
    private static final byte CTRL_HELLO = 1;
    private static final byte CTRL_GOODBYE = 2;
    private static final byte CTRL_ABORT = 3;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final SessionOptions options;
    private final TrafficStats traffic = new TrafficStats();
    private final ConcurrentHashMap<Integer, Inbox> inboxes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ChannelImpl> channels = new ConcurrentHashMap<>();
    private final AtomicReference<SessionException> failure = new AtomicReference<>();
    private final Inbox control;
    private volatile FrameTransport transport;
    private volatile boolean open;
    private volatile boolean closed;
    private volatile boolean peerSaidGoodbye;
    private volatile int peerMaxFrame;
    private final long maxMessage;
    private volatile ExecutorService asyncSends;
    private volatile ExecutorService callbacks;

    public SessionCore(SessionOptions options) {
        this.options = options;
        this.peerMaxFrame = 1024;
        this.maxMessage = options.maxMessageBytes();
        this.control = new Inbox(Frames.CONTROL_STREAM, "(control)");
        inboxes.put(Frames.CONTROL_STREAM, control);
    }

    /**
     * Binds the transport; must be called once, before any frame flows. With a {@link SessionOptions#link()}
     * other than loopback, what this party sends passes a {@link SimulatedLinkTransport} first (a
     * measurement aid).
     */
    public void attach(FrameTransport t) {
        if (this.transport != null) {
            throw new IllegalStateException("transport already attached");
        }
        this.transport = SimulatedLinkTransport.wrap(t, options);
    }

    // ------------------------------------------------------------------ handshake

    /**
     * Sends this party's hello, waits for the peer's and checks every field. Both parties run the same
     * checks in the same order on the same two hellos, so both fail naming the same field.
     */
    public void handshake() {
        ByteBuffer hello = ByteBuffer.allocate(256 + 64).order(ByteOrder.BIG_ENDIAN);
        byte[] sid = options.sessionId().getBytes(StandardCharsets.UTF_8);
        hello.put(CTRL_HELLO).put(MAGIC).putInt(options.protocolVersion()).put((byte) options.role().id())
                .putShort((short) sid.length).put(sid).put(options.configHash()).putInt(options.maxFrameBytes());
        hello.flip();
        writeMessage(Frames.CONTROL_STREAM, 0, hello.remaining(), dst -> dst.put(hello.duplicate()));

        Message m;
        try {
            m = control.take(options.handshakeTimeout().toMillis(), "handshake");
        } catch (SessionException e) {
            fail(e);
            throw e;
        }
        try {
            checkHello(ByteBuffer.wrap(m.bytes()).order(ByteOrder.BIG_ENDIAN), sid);
        } catch (SessionException e) {
            fail(e);
            throw e;
        } catch (RuntimeException e) {
            SessionException se = new HandshakeException("magic", "malformed hello from peer: " + e);
            fail(se);
            throw se;
        }
        open = true;
        LOG.debug("session {} open as {}", options.sessionId(), options.role());
    }

    private void checkHello(ByteBuffer in, byte[] mySid) {
        if (in.get() != CTRL_HELLO) {
            throw new HandshakeException("magic", "first control message is not a hello");
        }
        byte[] magic = new byte[4];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new HandshakeException("magic", "peer is not a SecureTrain party");
        }
        int version = in.getInt();
        if (version != options.protocolVersion()) {
            throw new HandshakeException("protocolVersion", "local version " + options.protocolVersion()
                    + ", peer version " + version);
        }
        int peerRole = in.get();
        if (peerRole == options.role().id()) {
            throw new HandshakeException("role", "both parties claim role " + options.role()
                    + " (party " + peerRole + "); exactly one party 0 and one party 1 are required");
        }
        if (peerRole != 0 && peerRole != 1) {
            throw new HandshakeException("role", "peer claims unknown party id " + peerRole);
        }
        int sidLen = in.getShort();
        if (sidLen < 0 || sidLen > 1024) {
            throw new HandshakeException("sessionId", "malformed session id length " + sidLen);
        }
        byte[] sid = new byte[sidLen];
        in.get(sid);
        if (!MessageDigest.isEqual(sid, mySid)) {
            throw new HandshakeException("sessionId", "local '" + options.sessionId() + "', peer '"
                    + new String(sid, StandardCharsets.UTF_8) + "'");
        }
        byte[] hash = new byte[32];
        in.get(hash);
        if (!MessageDigest.isEqual(hash, options.configHash())) {
            throw new HandshakeException("configHash", "the parties' session configurations differ (local "
                    + Hex.of(Arrays.copyOf(options.configHash(), 8)) + "..., peer "
                    + Hex.of(Arrays.copyOf(hash, 8)) + "...): network architecture, fixed-point or HE"
                    + " parameters do not match");
        }
        int pmf = in.getInt();
        if (pmf < 1024) {
            throw new HandshakeException("maxFrameBytes", "peer's max frame " + pmf + " is below 1024");
        }
        peerMaxFrame = pmf;
    }

    // ------------------------------------------------------------------ Session

    @Override
    public Role role() {
        return options.role();
    }

    @Override
    public SessionOptions options() {
        return options;
    }

    @Override
    public TrafficStats traffic() {
        return traffic;
    }

    @Override
    public boolean isOpen() {
        return open && !closed && failure.get() == null;
    }

    @Override
    public Channel channel(String name) {
        SessionException f = failure.get();
        if (f != null && (closed || !hasBuffered(streamId(name)))) {
            throw rethrow(f);
        }
        // A peer's orderly close may overtake a local channel() call: what it sent before is still readable.
        if (closed) {
            throw new SessionException("session closed");
        }
        return channels.computeIfAbsent(name, n -> {
            int id = streamId(n);
            Inbox box = inboxes.computeIfAbsent(id, k -> new Inbox(k, n));
            synchronized (box) {
                if (box.name == null) {
                    box.name = n;
                } else if (!box.name.equals(n)) {
                    throw new IllegalArgumentException("stream names '" + n + "' and '" + box.name
                            + "' collide on id " + id + "; rename one");
                }
            }
            return new ChannelImpl(this, n, id, box);
        });
    }

    private boolean hasBuffered(int id) {
        Inbox box = inboxes.get(id);
        if (box == null) {
            return false;
        }
        synchronized (box) {
            return !box.ready.isEmpty();
        }
    }

    /** Stable 31-bit id from the name (SHA-256 prefix), never the control stream. */
    static int streamId(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            int id = ((h[0] & 0x7f) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
            return id == Frames.CONTROL_STREAM ? 1 : id;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void abort(String reason) {
        SessionException local = new SessionException("session aborted locally: " + reason);
        // Record our own reason first: the peer's reaction (closing its end) must not overwrite it.
        if (closed || !failure.compareAndSet(null, local)) {
            return;
        }
        LOG.warn("session {} ({}) aborted: {}", options.sessionId(), options.role(), reason);
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, 4000);
        FrameTransport held = transport;
        if (held != null) {
            held.discardUnsent(); // the abort message must not queue behind data the peer will never need
        }
        try {
            writeMessage(Frames.CONTROL_STREAM, 0, 1 + n, dst -> dst.put(CTRL_ABORT).put(r, 0, n));
        } catch (RuntimeException ignored) {
            // the peer may already be gone; we fail locally regardless
        }
        inboxes.values().forEach(b -> b.failAll(local));
        FrameTransport t = transport;
        if (t != null) {
            t.close();
        }
        ExecutorService ex = asyncSends;
        if (ex != null) {
            ex.shutdownNow();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (failure.get() == null && transport != null) {
            try {
                writeMessage(Frames.CONTROL_STREAM, 0, 1, dst -> dst.put(CTRL_GOODBYE));
            } catch (SessionException ignored) {
                // peer already gone: nothing to say goodbye to
            }
            transport.close();
        }
        failQuietly(new SessionException("session closed"));
        ExecutorService ex = asyncSends;
        if (ex != null) {
            ex.shutdown();
        }
        ExecutorService cb = callbacks;
        if (cb != null) {
            cb.shutdown(); // queued completions still run
        }
    }

    // ------------------------------------------------------------------ failure

    /** Fails the session once: every waiter and every later call throws an exception naming {@code cause}. */
    void fail(SessionException cause) {
        if (failure.compareAndSet(null, cause)) {
            if (peerSaidGoodbye) {
                LOG.info("session {} ({}) ended: {}", options.sessionId(), options.role(), cause.getMessage());
            } else if (!closed) {
                LOG.warn("session {} ({}) failed: {}", options.sessionId(), options.role(), cause.getMessage());
            }
            inboxes.values().forEach(b -> b.failAll(cause));
            FrameTransport t = transport;
            if (t != null) {
                t.abort();
            }
            ExecutorService ex = asyncSends;
            if (ex != null) {
                ex.shutdownNow();
            }
            ExecutorService cb = callbacks;
            if (cb != null) {
                cb.shutdown(); // the failure notifications queued by failAll above still run
            }
        }
    }

    private void failQuietly(SessionException cause) {
        if (failure.compareAndSet(null, cause)) {
            inboxes.values().forEach(b -> b.failAll(cause));
        }
    }

    void checkUsable() {
        SessionException f = failure.get();
        if (f != null) {
            throw rethrow(f);
        }
        if (closed) {
            throw new SessionException("session closed");
        }
    }

    /** A fresh exception of the same kind, so the caller's stack shows where it was waiting. */
    static SessionException rethrow(SessionException f) {
        SessionException e;
        if (f instanceof HandshakeException h) {
            e = new HandshakeException(h.field(), stripPrefix(h.getMessage()));
        } else if (f instanceof PeerTimeoutException) {
            e = new PeerTimeoutException(f.getMessage());
        } else if (f instanceof PeerDisconnectedException) {
            e = new PeerDisconnectedException(f.getMessage());
        } else if (f instanceof PeerAbortedException) {
            e = new PeerAbortedException(f.getMessage());
        } else if (f instanceof ProtocolViolationException) {
            e = new ProtocolViolationException(f.getMessage());
        } else {
            e = new SessionException(f.getMessage());
        }
        e.initCause(f);
        return e;
    }

    private static String stripPrefix(String m) {
        int i = m.indexOf("': ");
        return i >= 0 ? m.substring(i + 3) : m;
    }

    // ------------------------------------------------------------------ outbound

    /** A one-frame control message (hello, goodbye, abort); always far below any frame limit. */
    private void writeMessage(int streamId, int typeFlags, int length, FrameTransport.PayloadWriter payload) {
        FrameTransport t = transport;
        if (t == null) {
            throw new IllegalStateException("no transport attached");
        }
        t.writeFrame(streamId, typeFlags | Frames.FLAG_LAST, length, payload, true);
    }

    /** Writes {@code totalBytes} produced by {@code chunk(offset, dst)} as frames of the allowed size. */
    long writeChunked(int streamId, int typeFlags, long totalBytes, ChunkWriter chunk) {
        FrameTransport t = transport;
        int maxFrame = Math.min(Math.min(peerMaxFrame, options.maxFrameBytes()), Math.max(1024, t.preferredFrameBytes()));
        maxFrame -= maxFrame % 8; // long[] words never straddle frames
        long wire = 0;
        long off = 0;
        do {
            int n = (int) Math.min(maxFrame, totalBytes - off);
            boolean last = off + n == totalBytes;
            final long o = off;
            t.writeFrame(streamId, typeFlags | (last ? Frames.FLAG_LAST : 0), n, dst -> chunk.write(o, dst), last);
            wire += n + Frames.HEADER_BYTES;
            off += n;
        } while (off < totalBytes);
        return wire;
    }

    @FunctionalInterface
    interface ChunkWriter {
        void write(long offset, ByteBuffer dst);
    }

    /**
     * Where async receives complete. Never the transport's thread: a continuation that blocks (a receive
     * on another stream, a send waiting for the network) would otherwise stall the very thread that must
     * deliver what it waits for.
     */
    java.util.concurrent.Executor callbackExecutor() {
        ExecutorService ex = callbacks;
        if (ex == null) {
            synchronized (this) {
                ex = callbacks;
                if (ex == null) {
                    ex = Executors.newCachedThreadPool(r -> {
                        Thread th = new Thread(r, "securetrain-callback-" + THREADS.incrementAndGet());
                        th.setDaemon(true);
                        return th;
                    });
                    callbacks = ex;
                }
            }
        }
        ExecutorService pool = ex;
        return r -> {
            try {
                pool.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                r.run(); // session already shut down: complete inline
            }
        };
    }

    ExecutorService asyncSendExecutor() {
        ExecutorService ex = asyncSends;
        if (ex == null) {
            synchronized (this) {
                ex = asyncSends;
                if (ex == null) {
                    ex = Executors.newCachedThreadPool(r -> {
                        Thread th = new Thread(r, "securetrain-send-" + THREADS.incrementAndGet());
                        th.setDaemon(true);
                        return th;
                    });
                    asyncSends = ex;
                }
            }
        }
        return ex;
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public void onFrame(int streamId, int flags, ByteBuffer payload) {
        onFrame(streamId, flags, new ByteBuffer[] {payload});
    }

    @Override
    public void onFrame(int streamId, int flags, ByteBuffer[] pieces) {
        if (failure.get() != null) {
            return;
        }
        long n = 0;
        for (ByteBuffer p : pieces) {
            n += p.remaining();
        }
        if ((flags & ~Frames.KNOWN_FLAGS) != 0) {
            fail(new ProtocolViolationException("malformed frame from peer: unknown flags 0x"
                    + Integer.toHexString(flags) + " on stream " + streamId));
            return;
        }
        if (n > options.maxFrameBytes()) {
            fail(new ProtocolViolationException("peer sent a frame of " + n
                    + " bytes, above the limit of " + options.maxFrameBytes()));
            return;
        }
        if (streamId < 0) {
            fail(new ProtocolViolationException("malformed frame from peer: negative stream id " + streamId));
            return;
        }
        if (streamId == Frames.CONTROL_STREAM && open) {
            onControl(ByteBuffer.wrap(copy(pieces, (int) n)));
            return;
        }
        Inbox box = inboxes.computeIfAbsent(streamId, k -> new Inbox(k, null));
        try {
            box.onFrame(flags, pieces, (int) n, maxMessage);
        } catch (ProtocolViolationException e) {
            fail(e);
        }
    }

    /** The frame's bytes in a fresh array of exactly the size that arrived. */
    private static byte[] copy(ByteBuffer[] pieces, int n) {
        byte[] out = new byte[n];
        int off = 0;
        for (ByteBuffer p : pieces) {
            int k = p.remaining();
            p.duplicate().get(out, off, k);
            off += k;
        }
        return out;
    }

    private void onControl(ByteBuffer p) {
        if (!p.hasRemaining()) {
            fail(new ProtocolViolationException("empty control message from peer"));
            return;
        }
        byte kind = p.get();
        switch (kind) {
            case CTRL_GOODBYE -> {
                peerSaidGoodbye = true; // an orderly end: not worth a warning
                fail(new PeerDisconnectedException("peer closed the session"));
            }
            case CTRL_ABORT -> {
                byte[] r = new byte[p.remaining()];
                p.get(r);
                fail(new PeerAbortedException("peer aborted the session: " + new String(r, StandardCharsets.UTF_8)));
            }
            default -> fail(new ProtocolViolationException("unknown control message " + kind + " from peer"));
        }
    }

    @Override
    public void onTransportClosed(Throwable cause) {
        if (cause instanceof SessionException se) {
            fail(se);
        } else if (cause == null) {
            fail(new PeerDisconnectedException("connection to peer closed"));
        } else {
            fail(new PeerDisconnectedException("connection to peer lost: " + cause, cause));
        }
    }

    long receiveTimeoutMillis() {
        return options.receiveTimeout().toMillis();
    }

    // ------------------------------------------------------------------ message queue of one stream

    /**
     * A whole received message, kept as the frames it arrived in (one array per frame, each allocated
     * after that frame arrived): reassembly never copies, and a receiver copies each byte once into its
     * destination.
     */
    static final class Message {
        private final byte[][] chunks;
        final int length;
        final boolean longs;
        final long wireBytes;

        Message(byte[][] chunks, int length, boolean longs, long wireBytes) {
            this.chunks = chunks;
            this.length = length;
            this.longs = longs;
            this.wireBytes = wireBytes;
        }

        /** The bytes as one array (the frame's own array for a one-frame message). */
        byte[] bytes() {
            if (chunks.length == 1) {
                return chunks[0];
            }
            byte[] out = new byte[length];
            copyBytes(out, 0);
            return out;
        }

        void copyBytes(byte[] dst, int offset) {
            int off = offset;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, dst, off, c.length);
                off += c.length;
            }
        }

        /** Decodes the little-endian words into {@code dst} from {@code offset}; frames hold whole words. */
        void copyLongs(long[] dst, int offset) {
            int off = offset;
            for (byte[] c : chunks) {
                int words = c.length >>> 3;
                ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, off, words);
                off += words;
            }
        }

        long[] toLongs() {
            long[] out = new long[length >>> 3];
            copyLongs(out, 0);
            return out;
        }
    }

    /** Received messages of one stream, and the receivers waiting for them, in order. */
    final class Inbox {
        final int id;
        volatile String name;
        private final java.util.ArrayDeque<Message> ready = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<CompletableFuture<Message>> waiters = new java.util.ArrayDeque<>();
        // message being reassembled from frames; only the transport's thread touches these
        private java.util.ArrayList<byte[]> partial;
        private long partialLen;
        private int partialFlags = -1;
        private int partialFrames;

        Inbox(int id, String name) {
            this.id = id;
            this.name = name;
        }

        String label() {
            String n = name;
            return n != null ? "'" + n + "'" : "#" + id;
        }

        void onFrame(int flags, ByteBuffer[] pieces, int n, long maxMessage) {
            int type = flags & Frames.FLAG_LONGS;
            if (partialFlags >= 0 && partialFlags != type) {
                throw new ProtocolViolationException("malformed frames on stream " + label()
                        + ": message type changed mid-message");
            }
            long total = partialLen + n;
            if (total > maxMessage) {
                throw new ProtocolViolationException("peer's message on stream " + label() + " exceeds the "
                        + maxMessage + "-byte limit");
            }
            if (type != 0 && (n & 7) != 0) {
                throw new ProtocolViolationException("malformed long[] frame on stream " + label() + ": "
                        + n + " bytes is not a multiple of 8");
            }
            // one array per frame, sized by what actually arrived, never by a claimed size
            byte[] chunk = copy(pieces, n);
            if (partial == null && (flags & Frames.FLAG_LAST) != 0) {
                deliver(new Message(new byte[][] {chunk}, n, type != 0, n + Frames.HEADER_BYTES));
                return;
            }
            if (partial == null) {
                partial = new java.util.ArrayList<>();
                partialLen = 0;
                partialFlags = type;
                partialFrames = 0;
            }
            partialFrames++;
            if (n > 0) {
                partial.add(chunk);
            }
            partialLen = total;
            if ((flags & Frames.FLAG_LAST) != 0) {
                long wire = partialLen + (long) partialFrames * Frames.HEADER_BYTES;
                Message m = new Message(partial.toArray(new byte[0][]), (int) partialLen, type != 0, wire);
                partial = null;
                partialLen = 0;
                partialFlags = -1;
                deliver(m);
            }
        }

        private void deliver(Message m) {
            CompletableFuture<Message> w;
            synchronized (this) {
                w = waiters.poll();
                if (w == null) {
                    ready.add(m);
                    notifyAll();
                    return;
                }
            }
            w.complete(m);
        }

        /** Blocking take, bounded by {@code timeoutMs}; a timeout fails the whole session. */
        Message take(long timeoutMs, String what) {
            CompletableFuture<Message> f;
            synchronized (this) {
                SessionException fl = failure.get();
                if (fl != null && ready.isEmpty()) {
                    throw rethrow(fl);
                }
                if (waiters.isEmpty() && !ready.isEmpty()) {
                    return ready.poll();
                }
                f = new CompletableFuture<>();
                waiters.add(f);
            }
            try {
                return f.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                PeerTimeoutException te = new PeerTimeoutException("no " + what + " message from peer on stream "
                        + label() + " within " + timeoutMs + " ms");
                fail(te);
                throw te;
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof SessionException se ? rethrow(se) : new SessionException("receive failed", c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionException("interrupted while receiving on stream " + label(), e);
            }
        }

        CompletableFuture<Message> takeAsync(long timeoutMs) {
            CompletableFuture<Message> f = new CompletableFuture<>();
            synchronized (this) {
                SessionException fl = failure.get();
                if (fl != null && ready.isEmpty()) {
                    f.completeExceptionally(rethrow(fl));
                    return f;
                }
                if (waiters.isEmpty() && !ready.isEmpty()) {
                    f.complete(ready.poll());
                    return f;
                }
                waiters.add(f);
            }
            CompletableFuture<Message> timed = new CompletableFuture<>();
            f.whenCompleteAsync((m, ex) -> {
                if (ex != null) {
                    timed.completeExceptionally(ex);
                } else {
                    timed.complete(m);
                }
            }, callbackExecutor());
            timed.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((m, ex) -> {
                if (ex instanceof java.util.concurrent.TimeoutException) {
                    fail(new PeerTimeoutException("no message from peer on stream " + label() + " within "
                            + timeoutMs + " ms"));
                }
            });
            return timed;
        }

        void failAll(SessionException cause) {
            java.util.List<CompletableFuture<Message>> ws;
            synchronized (this) {
                ws = new java.util.ArrayList<>(waiters);
                waiters.clear();
                notifyAll();
            }
            for (CompletableFuture<Message> w : ws) {
                w.completeExceptionally(rethrow(cause));
            }
        }
    }
}
