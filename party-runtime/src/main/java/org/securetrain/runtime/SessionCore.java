package org.securetrain.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.securetrain.runtime.link.SimulatedLinkTransport;
import java.util.function.Supplier;
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
    /** This party's configuration summary, sent during the handshake only when the hashes differ. */
    private static final byte CTRL_SUMMARY = 4;
    /** "I have been waiting; my agreement stamps of these streams": [5, short k, k x (int stream, long stamp)]. */
    private static final byte CTRL_PROBE = 5;
    /** "We disagree on this stream; here are my records": [6, int stream, byte reply, UTF-8 records]. */
    private static final byte CTRL_MISMATCH = 6;
    /** Traffic step of the agreement's control messages (probes, mismatch records). */
    static final String AGREEMENT_STEP = "agreement";
    /** Longest abort text sent or shown. */
    private static final int MAX_ABORT_TEXT = 4000;
    /**
     * Heap charged for a stream the peer sent on and this party has not opened: the inbox, its queue and map
     * entry. Keeps a peer that spreads messages over many streams within the cap as well.
     */
    static final int STREAM_OVERHEAD = 320;
    /** Streams named one by one in the report of unread data when a session ends. */
    static final int REPORTED_STREAMS = 10;

    /** A receive bound and the option that sets it, for messages. */
    record Bound(long millis, String option) {
    }

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
    private final PartyThreads threads;
    /** Streams with the newest agreements, newest first: a probe shows the peer their stamps. */
    private final java.util.ArrayDeque<Inbox> recentlyAgreed = new java.util.ArrayDeque<>();
    /** Streams a probe covers: the one waited on and the most recently agreed others. */
    static final int PROBED_STREAMS = 16;
    /** Set once this party has sent its agreement records: the session ends after one mismatch exchange. */
    private final AtomicBoolean mismatchSent = new AtomicBoolean();
    /** Heap held by unread data (queues, partial messages, bookkeeping of streams only the peer opened). */
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicInteger bufferedMessages = new AtomicInteger();
    /** Open {@link #computing()} scopes. */
    private final AtomicInteger computing = new AtomicInteger();

    public SessionCore(SessionOptions options) {
        this(options, PartyThreads.of(options));
    }

    /** A core whose threads were made before it (a TLS transport's event loop counts for the same party). */
    public SessionCore(SessionOptions options, PartyThreads threads) {
        this.options = options;
        this.threads = threads;
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
            m = control.take(new Bound(options.handshakeTimeout().toMillis(), "handshakeTimeout"), "handshake", true);
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
        int pmf = in.getInt();
        if (!MessageDigest.isEqual(hash, options.configHash())) {
            if (pmf >= 1024) {
                peerMaxFrame = pmf; // the summaries may take several frames
            }
            throw new HandshakeException("configHash", configMismatch(hash));
        }
        if (pmf < 1024) {
            throw new HandshakeException("maxFrameBytes", "peer's max frame " + pmf + " is below 1024");
        }
        peerMaxFrame = pmf;
    }

    /**
     * The hashes differ: both parties (which run the same checks in the same order, so both are here) send
     * their configuration summary and name the fields that differ. The summaries hold configuration, which
     * both parties must share anyway; a peer without one, or that does not answer in time, leaves the
     * message with the hashes alone.
     */
    private String configMismatch(byte[] peerHash) {
        String hashes = "the parties' session configurations differ (this party "
                + Hex.of(Arrays.copyOf(options.configHash(), 8)) + "..., peer " + Hex.of(Arrays.copyOf(peerHash, 8))
                + "...)";
        String diff = "";
        try {
            byte[] body = ConfigSummaries.encode(options.configSummary());
            byte[] msg = new byte[1 + body.length];
            msg[0] = CTRL_SUMMARY;
            System.arraycopy(body, 0, msg, 1, body.length);
            writeChunked(Frames.CONTROL_STREAM, 0, msg.length, -1,
                    (off, dst) -> dst.put(msg, (int) off, dst.remaining()));
            Message m = control.take(new Bound(options.handshakeTimeout().toMillis(), "handshakeTimeout"),
                    "configuration summary", false);
            byte[] theirs = m.bytes();
            if (theirs.length > 0 && theirs[0] == CTRL_SUMMARY) {
                diff = ConfigSummaries.differences(options.configSummary(),
                        ConfigSummaries.decode(Arrays.copyOfRange(theirs, 1, theirs.length)));
            }
        } catch (RuntimeException e) {
            LOG.debug("no configuration summary from the peer: {}", e.toString());
        }
        return diff.isEmpty() ? hashes + ": network architecture, fixed-point or HE parameters do not match"
                : hashes + " in: " + diff;
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
    public PartyThreads threads() {
        return threads;
    }

    @Override
    public boolean isOpen() {
        return open && !closed && failure.get() == null;
    }

    @Override
    public Channel channel(String name) {
        SessionException f = failure.get();
        if (f != null && (closed || !hasBuffered(streamId(name)))) {
            throw f.copyForCaller();
        }
        // A peer's orderly close may overtake a local channel() call: what it sent before is still readable.
        if (closed) {
            throw new SessionException("session closed");
        }
        return channels.computeIfAbsent(name, n -> {
            int id = streamId(n);
            Inbox box = inboxes.computeIfAbsent(id, k -> new Inbox(k, n));
            boolean wasCharged;
            synchronized (box) {
                if (box.name == null) {
                    box.name = n;
                } else if (!box.name.equals(n)) {
                    throw new IllegalArgumentException("stream names '" + n + "' and '" + box.name
                            + "' collide on id " + id + "; rename one");
                }
                box.openedLocally = true;
                wasCharged = box.streamCharged;
                box.streamCharged = false;
            }
            if (wasCharged) {
                bufferedBytes.addAndGet(-STREAM_OVERHEAD);
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
            return !box.queue.isEmpty();
        }
    }

    /** The stream's id on the wire: a stable 31-bit id from the name (SHA-256 prefix), never the control stream. */
    public static int streamId(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            int id = ((h[0] & 0x7f) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
            return id == Frames.CONTROL_STREAM ? 1 : id;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void abort(AbortReason reason) {
        abort(reason, null);
    }

    /** The text stays in this party's log; the peer learns only that this party aborted. */
    @Override
    public void abort(String localReason) {
        abort(AbortReason.withheld(), localReason);
    }

    private void abort(AbortReason reason, String localTextOrNull) {
        String local = localTextOrNull != null ? localTextOrNull : reason.localText();
        SessionException ex = new SessionException("session aborted locally: " + local);
        // Record our own reason first: the peer's reaction (closing its end) must not overwrite it.
        if (closed || !failure.compareAndSet(null, ex)) {
            return;
        }
        LOG.warn("session {} ({}) aborted: {}{}", options.sessionId(), options.role(), local,
                localTextOrNull != null ? " (the peer is told only that this party aborted)" : "");
        tellPeer(reason);
        reportUnread("aborted");
        inboxes.values().forEach(b -> b.failAll(ex));
        FrameTransport t = transport;
        if (t != null) {
            t.close();
        }
        threads.stopSends();
    }

    /** Sends the abort control message; what crosses is {@link AbortReason#wireText} and nothing else. */
    private void tellPeer(AbortReason reason) {
        byte[] r = reason.wireText(options.role()).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, MAX_ABORT_TEXT);
        FrameTransport held = transport;
        if (held != null) {
            held.discardUnsent(); // the abort message must not queue behind data the peer will never need
        }
        try {
            writeMessage(Frames.CONTROL_STREAM, 0, 1 + n, dst -> dst.put(CTRL_ABORT).put(r, 0, n));
        } catch (RuntimeException ignored) {
            // the peer may already be gone; we fail locally regardless
        }
    }

    @Override
    public Computation computing() {
        computing.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                computing.decrementAndGet();
            }
        };
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (failure.get() == null) {
            reportUnread("closed");
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
        threads.close(); // queued sends and completions still run
    }

    // ------------------------------------------------------------------ failure

    /** Fails the session once: every waiter and every later call throws an exception naming {@code cause}. */
    void fail(SessionException cause) {
        fail(cause, null, null);
    }

    /**
     * Fails the session once; with a {@code tell} reason the peer receives it first (the failure is this party's
     * own decision, e.g. the peer exceeded the cap on unread data, or this party ran out of memory).
     */
    private void fail(SessionException cause, AbortReason tell) {
        fail(cause, tell, null);
    }

    /**
     * As {@link #fail(SessionException, AbortReason)}; {@code lastWords} (a control message, or null) is written
     * after the failure is recorded and before the connection is dropped, so nothing the peer sends in reaction
     * can overtake this party's own cause.
     */
    private void fail(SessionException cause, AbortReason tell, byte[] lastWords) {
        if (failure.compareAndSet(null, cause)) {
            synchronized (failure) {
                failure.notifyAll();
            }
            if (peerSaidGoodbye) {
                LOG.info("session {} ({}) ended: {}", options.sessionId(), options.role(), cause.getMessage());
            } else if (!closed) {
                LOG.warn("session {} ({}) failed: {}", options.sessionId(), options.role(), cause.getMessage());
            }
            if (tell != null) {
                tellPeer(tell);
            }
            if (!closed) {
                reportUnread("failed");
            }
            inboxes.values().forEach(b -> b.failAll(cause));
            if (lastWords != null) {
                writeControlQuietly(lastWords);
            }
            FrameTransport t = transport;
            if (t != null && cause instanceof AgreementException) {
                // both parties may have found the mismatch at once: this party's records, perhaps still being
                // written by another thread, must reach the peer before the connection goes
                CompletableFuture.delayedExecutor(Math.min(options.idleTimeout().toMillis(), 1_000),
                        TimeUnit.MILLISECONDS).execute(t::abort);
            } else if (t != null) {
                t.abort();
            }
            threads.stopSends(); // the session's other threads end with close(), or when idle for a minute
        }
    }

    /**
     * An {@link Error} on one of the session's or the transport's threads: unread data is dropped first (the
     * error is usually an OutOfMemoryError, and telling the peer needs memory), then the session fails at
     * once and the peer is told the kind of error. Without this the thread would die and leave the session
     * half alive.
     */
    @Override
    public void onFatalError(String where, Throwable error) {
        dropUnread();
        String oom = error instanceof OutOfMemoryError ? "; give the JVM more heap (-Xmx) or lower the cap on unread"
                + " data (SessionOptions.maxBufferedBytes, launcher --max-buffered-mib)" : "";
        SessionException cause = new SessionException(error.getClass().getSimpleName() + " on this party's " + where
                + ": the session is ended (unread data dropped)" + oom, error);
        fail(cause, AbortReason.failure(where.replace(' ', '-'), error));
    }

    /** Runs {@code body} on a session thread; an {@link Error} fails the session before it propagates. */
    <T> T guard(String where, Supplier<T> body) {
        try {
            return body.get();
        } catch (Error e) {
            onFatalError(where, e);
            throw e;
        }
    }

    /** Releases every unread message and partial message (after a fatal error or a flood). */
    private void dropUnread() {
        for (Inbox b : inboxes.values()) {
            b.dropUnread();
        }
    }

    /**
     * Names, once per stream when the session ends, the streams that still hold data nobody read. A stream
     * this party never opened (no protocol of this run reads it) is a WARN line, at most {@value
     * #REPORTED_STREAMS} of them and a count of the rest; leftovers on a stream it opened (a protocol that sends
     * ahead, e.g. the silent OT sender's next iteration) are INFO after an orderly end, DEBUG after a failure,
     * which explains the end already.
     */
    private void reportUnread(String how) {
        boolean orderly = how.equals("closed");
        int reported = 0;
        int more = 0;
        for (Inbox b : inboxes.values()) {
            if (b == control) {
                continue;
            }
            String line = b.unreadDescription();
            if (line == null) {
                continue;
            }
            if (b.openedByThisParty()) {
                if (orderly) {
                    LOG.info("session {} ({}) {} with {}", options.sessionId(), options.role(), how, line);
                } else {
                    LOG.debug("session {} ({}) {} with {}", options.sessionId(), options.role(), how, line);
                }
            } else if (reported < REPORTED_STREAMS) {
                LOG.warn("session {} ({}) {} with {}", options.sessionId(), options.role(), how, line);
                reported++;
            } else {
                more++;
            }
        }
        if (more > 0) {
            LOG.warn("session {} ({}) {} with unread data on {} more streams this party never opened",
                    options.sessionId(), options.role(), how, more);
        }
    }

    /** Charges {@code bytes} and {@code messages} of unread data; above a cap the frame is refused. */
    private void charge(long bytes, int messages, Inbox box) {
        long b = bytes == 0 ? bufferedBytes.get() : bufferedBytes.addAndGet(bytes);
        int m = messages == 0 ? bufferedMessages.get() : bufferedMessages.addAndGet(messages);
        if (bytes > 0 && b > options.maxBufferedBytes()) {
            throw new BufferCapExceeded("the peer's unread data reached this party's cap of "
                    + mib(options.maxBufferedBytes()) + " (maxBufferedBytes; launcher --max-buffered-mib): " + mib(b)
                    + " held over all streams, the latest on stream " + box.describe());
        }
        if (messages > 0 && m > options.maxBufferedMessages()) {
            throw new BufferCapExceeded("the peer's unread messages reached this party's cap of "
                    + options.maxBufferedMessages() + " messages (maxBufferedMessages; launcher --max-buffered-messages)"
                    + ", the latest on stream " + box.describe());
        }
    }

    private void release(long bytes, int messages) {
        if (bytes != 0) {
            bufferedBytes.addAndGet(-bytes);
        }
        if (messages != 0) {
            bufferedMessages.addAndGet(-messages);
        }
    }

    /** Unread data held now: heap bytes and messages (for tests and diagnostics). */
    public long bufferedBytes() {
        return bufferedBytes.get();
    }

    public int bufferedMessages() {
        return bufferedMessages.get();
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** A cap on unread data was exceeded: a protocol violation this party tells the peer about. */
    static final class BufferCapExceeded extends ProtocolViolationException {
        BufferCapExceeded(String message) {
            super(message);
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
            throw f.copyForCaller();
        }
        if (closed) {
            throw new SessionException("session closed");
        }
    }

    // ------------------------------------------------------------------ outbound

    /** A one-frame control message (hello, goodbye, abort); always far below any frame limit. */
    private void writeMessage(int streamId, int typeFlags, int length, FrameTransport.PayloadWriter payload) {
        FrameTransport t = transport;
        if (t == null) {
            throw new IllegalStateException("no transport attached");
        }
        try {
            t.writeFrame(streamId, typeFlags | Frames.FLAG_LAST, length, payload, true);
        } catch (SessionException e) {
            throw sessionCauseOr(e);
        }
    }

    /**
     * A write the transport refused because the connection is ending: the session's own failure, if it has one,
     * names the cause (e.g. the peer's abort and its reason), not the transport's view (a closed connection).
     */
    private SessionException sessionCauseOr(SessionException transportView) {
        SessionException f = failure.get();
        return f != null ? f.copyForCaller() : transportView;
    }

    /**
     * Writes {@code totalBytes} produced by {@code chunk(offset, dst)} as frames of the allowed size; a
     * {@code stamp} other than -1 (the stream's agreement stamp, see {@link Transcript}) leads the first frame.
     */
    long writeChunked(int streamId, int typeFlags, long totalBytes, long stamp, ChunkWriter chunk) {
        FrameTransport t = transport;
        int maxFrame = Math.min(Math.min(peerMaxFrame, options.maxFrameBytes()), Math.max(1024, t.preferredFrameBytes()));
        maxFrame -= maxFrame % 8; // long[] words never straddle frames
        long wire = 0;
        long off = 0;
        boolean stamped = stamp != -1;
        do {
            int extra = stamped && off == 0 ? Frames.STAMP_BYTES : 0;
            int n = (int) Math.min(maxFrame - extra, totalBytes - off);
            boolean last = off + n == totalBytes;
            final long o = off;
            int flags = typeFlags | (last ? Frames.FLAG_LAST : 0) | (extra > 0 ? Frames.FLAG_AGREED : 0);
            try {
                t.writeFrame(streamId, flags, extra + n, dst -> {
                    if (extra > 0) {
                        dst.putLong(stamp);
                    }
                    chunk.write(o, dst);
                }, last);
            } catch (SessionException e) {
                throw sessionCauseOr(e);
            }
            wire += extra + n + Frames.HEADER_BYTES;
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
        ExecutorService pool = threads.callbacks();
        return r -> {
            try {
                pool.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                r.run(); // session already shut down: complete inline
            }
        };
    }

    ExecutorService asyncSendExecutor() {
        return threads.sends();
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
        Inbox box = inboxes.get(streamId);
        if (box == null) {
            box = inboxes.computeIfAbsent(streamId, k -> new Inbox(k, null));
        }
        try {
            box.onFrame(flags, pieces, (int) n, maxMessage);
        } catch (BufferCapExceeded e) {
            dropUnread(); // a flood: nothing buffered will be read, and the memory is needed
            // the session fails with a plain protocol violation: the cap's class is this core's signal only
            fail(new ProtocolViolationException(e.getMessage()),
                    AbortReason.of("session", "unread data above its cap"));
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
                byte[] r = new byte[Math.min(p.remaining(), MAX_ABORT_TEXT)];
                p.get(r);
                // the peer's text is shown to this party's user: no control characters
                String text = new String(r, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
                fail(new PeerAbortedException("peer aborted the session: " + text));
            }
            case CTRL_PROBE -> onProbe(p);
            case CTRL_MISMATCH -> onMismatch(p);
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

    // ------------------------------------------------------------------ agreement

    /**
     * This party found that the peer's agreement on {@code box}'s stream differs from its own: it sends its
     * readable records to the peer (once per session), whose answer with its own records fails both parties
     * with an {@link AgreementException} naming both views. Never blocks when {@code wait} is false (the
     * transport thread); otherwise waits, bounded, for that verdict. Returns the exception to throw.
     */
    SessionException agreementMismatch(Inbox box, boolean wait) {
        List<String> mine = box.transcript.recent();
        if (failure.get() == null && mismatchSent.compareAndSet(false, true)) {
            writeControlQuietly(mismatchMessage(box.id, false, mine));
            long deadline = Math.min(options.idleTimeout().toMillis(), 10_000);
            java.util.concurrent.CompletableFuture.delayedExecutor(deadline, TimeUnit.MILLISECONDS).execute(() -> fail(
                    new AgreementException(describeMismatch(box, mine, null, deadline))));
        }
        if (wait) {
            awaitFailure(Math.min(options.idleTimeout().toMillis(), 10_000) + 1_000);
        }
        SessionException f = failure.get();
        return f != null ? f.copyForCaller() : new AgreementException(describeMismatch(box, mine, null, 0));
    }

    /** The peer's records arrived (it found the mismatch, or answers ours): both views are known, fail. */
    private void onMismatch(ByteBuffer p) {
        int streamId = p.getInt();
        boolean reply = p.get() != 0;
        byte[] text = new byte[p.remaining()];
        p.get(text);
        List<String> theirs = text.length == 0 ? List.of()
                : List.of(new String(text, StandardCharsets.UTF_8).split("\n"));
        recordControl(false, 1 + 4 + 1 + text.length);
        Inbox box = inboxes.computeIfAbsent(streamId, k -> new Inbox(k, null));
        List<String> mine = box.transcript.recent();
        boolean answering = !reply && mismatchSent.compareAndSet(false, true);
        byte[] answer = answering ? mismatchMessage(streamId, true, mine) : null;
        fail(new AgreementException(describeMismatch(box, mine, theirs, 0)), null, answer);
    }

    private boolean agreedAnything() {
        synchronized (recentlyAgreed) {
            return !recentlyAgreed.isEmpty();
        }
    }

    /** A protocol call agreed on {@code box}'s stream: it leads the streams the next probe covers. */
    void noteAgreement(Inbox box) {
        synchronized (recentlyAgreed) {
            recentlyAgreed.remove(box);
            recentlyAgreed.addFirst(box);
            if (recentlyAgreed.size() > PROBED_STREAMS) {
                recentlyAgreed.removeLast();
            }
        }
    }

    /**
     * The peer has waited on a stream for a while and shows its agreement stamps there and on the streams it
     * agreed on last: compare each (two parties that wait for each other because they disagree on who sends
     * wait on different streams, but both agreed the call on a shared one).
     */
    private void onProbe(ByteBuffer p) {
        int entries = p.getShort();
        recordControl(false, 1 + 2 + 12L * entries);
        for (int i = 0; i < entries; i++) {
            int streamId = p.getInt();
            long stamp = p.getLong();
            Inbox box = inboxes.computeIfAbsent(streamId, k -> new Inbox(k, null));
            box.transcript.onPeerState(stamp);
            if (box.transcript.disagreesWithPeer()) {
                agreementMismatch(box, false);
                return;
            }
        }
    }

    /** Shows the peer this party's agreement on the stream it waits on and on its recent ones (see SessionOptions). */
    private void probe(Inbox waited) {
        java.util.LinkedHashSet<Inbox> boxes = new java.util.LinkedHashSet<>();
        boxes.add(waited);
        synchronized (recentlyAgreed) {
            for (Inbox b : recentlyAgreed) {
                if (boxes.size() >= PROBED_STREAMS) {
                    break;
                }
                boxes.add(b);
            }
        }
        ByteBuffer b = ByteBuffer.allocate(1 + 2 + 12 * boxes.size()).order(ByteOrder.BIG_ENDIAN);
        b.put(CTRL_PROBE).putShort((short) boxes.size());
        for (Inbox box : boxes) {
            b.putInt(box.id).putLong(box.transcript.stamp());
        }
        writeControlQuietly(b.array());
    }

    private byte[] mismatchMessage(int streamId, boolean reply, List<String> records) {
        byte[] text = String.join("\n", records).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 1 + text.length).order(ByteOrder.BIG_ENDIAN);
        b.put(CTRL_MISMATCH).putInt(streamId).put((byte) (reply ? 1 : 0)).put(text);
        return b.array();
    }

    /**
     * Both parties' views of the first call on the stream they record differently, e.g. "this party truncates
     * 8192 values by 24 bits; the peer truncates 4096 values by 24 bits". {@code theirs} is null when the peer
     * did not answer within {@code waitedMs}.
     */
    static String describeMismatch(Inbox box, List<String> mine, List<String> theirs, long waitedMs) {
        String where = "the parties' protocol calls on stream " + box.label() + " disagree";
        if (theirs == null) {
            return where + " (the peer did not send its view within " + waitedMs + " ms): this party's last calls "
                    + (mine.isEmpty() ? "(none)" : String.join("; ", mine)) + "; the peer is at call #"
                    + Transcript.count(box.transcript.peerKnownStamp());
        }
        java.util.TreeMap<Integer, String> a = byCall(mine);
        java.util.TreeMap<Integer, String> b = byCall(theirs);
        for (var e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (other != null && !other.equals(e.getValue())) {
                return where + ", call #" + e.getKey() + ": this party " + e.getValue() + "; the peer " + other;
            }
        }
        int lastA = a.isEmpty() ? 0 : a.lastKey();
        int lastB = b.isEmpty() ? 0 : b.lastKey();
        if (lastA != lastB) {
            return where + ": the parties are out of step, this party is at call #" + lastA
                    + (a.isEmpty() ? "" : " (" + a.lastEntry().getValue() + ")") + ", the peer at call #" + lastB
                    + (b.isEmpty() ? "" : " (" + b.lastEntry().getValue() + ")");
        }
        return where + " (an earlier call differs): this party's last calls " + String.join("; ", mine)
                + "; the peer's " + String.join("; ", theirs);
    }

    private static java.util.TreeMap<Integer, String> byCall(List<String> records) {
        java.util.TreeMap<Integer, String> m = new java.util.TreeMap<>();
        for (String r : records) {
            int sp = r.indexOf(' ');
            if (r.startsWith("#") && sp > 1) {
                try {
                    m.put(Integer.parseInt(r.substring(1, sp)), r.substring(sp + 1));
                } catch (NumberFormatException ignored) {
                    // not a record of ours: shown only in the fallback text
                }
            }
        }
        return m;
    }

    private void awaitFailure(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (failure) {
            while (failure.get() == null) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    failure.wait(Math.min(left, 50));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A control message that must not throw: the peer may already be gone, and this party fails anyway. */
    private void writeControlQuietly(byte[] message) {
        try {
            writeMessage(Frames.CONTROL_STREAM, 0, message.length, dst -> dst.put(message));
            recordControl(true, message.length);
        } catch (RuntimeException ignored) {
            // the peer is gone; the local failure (or its timeout) still names this party's view
        }
    }

    private void recordControl(boolean sent, long payloadBytes) {
        long wire = payloadBytes + Frames.HEADER_BYTES;
        if (sent) {
            traffic.recordSend(traffic.stream("(control)"), traffic.step(AGREEMENT_STEP), wire, true);
        } else {
            traffic.recordReceive(traffic.stream("(control)"), traffic.step(AGREEMENT_STEP), wire);
        }
    }

    /** The bound a receive starting now waits for its message. */
    Bound receiveBound() {
        return computing.get() > 0 ? new Bound(options.computeTimeout().toMillis(), "computeTimeout")
                : new Bound(options.receiveTimeout().toMillis(), "receiveTimeout");
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
        /** The peer's agreement stamp of the stream when it sent this message. */
        final long stamp;

        Message(byte[][] chunks, int length, boolean longs, long wireBytes, long stamp) {
            this.chunks = chunks;
            this.length = length;
            this.longs = longs;
            this.wireBytes = wireBytes;
            this.stamp = stamp;
        }

        /** Heap of the chunk arrays. */
        long chunkBytes() {
            long b = MessageQueue.ARRAY_OVERHEAD + 4L * chunks.length;
            for (byte[] c : chunks) {
                b += MessageQueue.ARRAY_OVERHEAD + c.length;
            }
            return b;
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

    /**
     * Received messages of one stream, and the receivers waiting for them, in order. Every field is guarded by
     * the inbox's lock; the transport's thread takes it once per frame.
     */
    final class Inbox {
        final int id;
        volatile String name;
        /** What the parties agreed on this stream (see {@link Channel#agree}). */
        final Transcript transcript = new Transcript();
        /** This party opened the stream ({@link #channel}); until then only the peer has used it. */
        boolean openedLocally;
        /** {@link #STREAM_OVERHEAD} is charged for this stream (opened by the peer only, holding data). */
        boolean streamCharged;
        private final MessageQueue queue = new MessageQueue();
        private long queueCharged;
        private final java.util.ArrayDeque<CompletableFuture<Message>> waiters = new java.util.ArrayDeque<>();
        // message being reassembled from frames
        private java.util.ArrayList<byte[]> partial;
        private long partialLen;
        private long partialCharged;
        private int partialFlags = -1;
        private int partialFrames;
        /** The peer's agreement stamp the message being reassembled was sent under. */
        private long partialStamp;
        /** Bytes of the agreement stamp on the message being reassembled (0 or {@link Frames#STAMP_BYTES}). */
        private int partialExtra;
        private boolean loggedUnopened;

        Inbox(int id, String name) {
            this.id = id;
            this.name = name;
            this.openedLocally = name != null;
        }

        String label() {
            String n = name;
            return n != null ? "'" + n + "'" : "#" + id;
        }

        /** The label, saying whether this party has opened the stream. */
        String describe() {
            String n = name;
            return n != null ? "'" + n + "'" : "#" + id + " (not opened by this party)";
        }

        void onFrame(int flags, ByteBuffer[] pieces, int n, long maxMessage) {
            int type = flags & Frames.FLAG_LONGS;
            boolean last = (flags & Frames.FLAG_LAST) != 0;
            CompletableFuture<Message> waiter;
            Message whole;
            boolean disagrees = false;
            try {
                synchronized (this) {
                    if (partialFlags >= 0 && partialFlags != type) {
                        throw new ProtocolViolationException("malformed frames on stream " + label()
                                + ": message type changed mid-message");
                    }
                    long carried = -1;
                    int extra = 0;
                    if ((flags & Frames.FLAG_AGREED) != 0) {
                        if (partial != null || n < Frames.STAMP_BYTES) {
                            throw new ProtocolViolationException("malformed frame on stream " + label()
                                    + ": an agreement stamp may only lead the first frame of a message");
                        }
                        carried = takeStamp(pieces);
                        extra = Frames.STAMP_BYTES;
                        n -= extra;
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
                    // the frame's whole payload, a leading agreement stamp included, as the writer cut it
                    if (!last && n + extra < Frames.MIN_PARTIAL_PAYLOAD) {
                        throw new ProtocolViolationException("malformed frame on stream " + label() + ": " + (n + extra)
                                + " bytes in a frame that is not the last of its message (at least "
                                + Frames.MIN_PARTIAL_PAYLOAD + " required)");
                    }
                    if (!openedLocally && !streamCharged) {
                        streamCharged = true;
                        charge(STREAM_OVERHEAD, 0, this);
                        if (!loggedUnopened) {
                            loggedUnopened = true;
                            LOG.debug("session {}: the peer sends on stream #{}, which this party has not opened "
                                    + "(yet); its messages are buffered", options.sessionId(), id);
                        }
                    }
                    if (partial == null) {
                        partialStamp = transcript.onPeerMessage(carried);
                        // told to the peer after the lock is released (a control message is written)
                        disagrees = carried != -1 && transcript.disagreesWithPeer();
                    }
                    if (partial == null && last) {
                        waiter = waiters.poll();
                        if (waiter == null) {
                            enqueue(pieces, n, type != 0, partialStamp, extra);
                            return;
                        }
                        whole = new Message(new byte[][] {copy(pieces, n)}, n, type != 0,
                                n + extra + Frames.HEADER_BYTES, partialStamp);
                    } else {
                        // one array per frame, sized by what actually arrived, never by a claimed size
                        byte[] chunk = copy(pieces, n);
                        if (partial == null) {
                            partial = new java.util.ArrayList<>();
                            partialLen = 0;
                            partialFlags = type;
                            partialFrames = 0;
                            partialExtra = extra;
                        }
                        partialFrames++;
                        if (n > 0) {
                            partial.add(chunk);
                            long cost = MessageQueue.ARRAY_OVERHEAD + 8L + n;
                            partialCharged += cost;
                            charge(cost, 0, this);
                        }
                        partialLen = total;
                        if (!last) {
                            return;
                        }
                        long wire = partialLen + (long) partialFrames * Frames.HEADER_BYTES + partialExtra;
                        whole = new Message(partial.toArray(new byte[0][]), (int) partialLen, type != 0, wire,
                                partialStamp);
                        release(partialCharged, 0);
                        partial = null;
                        partialLen = 0;
                        partialCharged = 0;
                        partialFlags = -1;
                        waiter = waiters.poll();
                        if (waiter == null) {
                            long before = queue.heldBytes();
                            queue.addLarge(whole);
                            account(before, 1);
                            return;
                        }
                    }
                }
            } finally {
                if (disagrees) {
                    agreementMismatch(this, false);
                }
            }
            waiter.complete(whole);
        }

        /** Reads the little-endian agreement stamp that leads the frame and moves the pieces past it. */
        private long takeStamp(ByteBuffer[] pieces) {
            long v = 0;
            int got = 0;
            for (ByteBuffer p : pieces) {
                while (got < Frames.STAMP_BYTES && p.hasRemaining()) {
                    v |= (long) (p.get() & 0xFF) << (8 * got);
                    got++;
                }
            }
            return v;
        }

        /**
         * Queues a one-frame message nobody waits for (lock held): sent under the peer's agreement {@code stamp},
         * {@code extra} bytes of which led the frame.
         */
        private void enqueue(ByteBuffer[] pieces, int n, boolean longs, long stamp, int extra) {
            long before = queue.heldBytes();
            if (n <= MessageQueue.PACK_LIMIT) {
                queue.addPacked(pieces, n, longs, stamp, extra != 0);
            } else {
                queue.addLarge(new Message(new byte[][] {copy(pieces, n)}, n, longs, n + extra + Frames.HEADER_BYTES,
                        stamp));
            }
            account(before, 1);
        }

        /** Charges the queue's growth since {@code before} and {@code messages} (lock held). */
        private void account(long before, int messages) {
            long delta = queue.heldBytes() - before;
            queueCharged += delta;
            charge(delta, messages, this);
        }

        /** Takes the oldest queued message (lock held), releasing its charge. */
        private Message pollQueued() {
            long before = queue.heldBytes();
            Message m = queue.poll();
            long delta = before - queue.heldBytes();
            queueCharged -= delta;
            release(delta, 1);
            return m;
        }

        synchronized void dropUnread() {
            int msgs = queue.size();
            queue.clear();
            release(queueCharged + partialCharged + (streamCharged ? STREAM_OVERHEAD : 0), msgs);
            queueCharged = 0;
            partial = null;
            partialLen = 0;
            partialCharged = 0;
            partialFlags = -1;
            streamCharged = false;
        }

        synchronized boolean openedByThisParty() {
            return openedLocally;
        }

        /** "3 unread message(s) (1.2 KiB held) on stream ..." or null if nothing is unread. */
        synchronized String unreadDescription() {
            if (queue.isEmpty() && partial == null) {
                return null;
            }
            return queue.size() + " unread message(s)" + (partial != null ? " and part of another (" + partialLen
                    + " bytes)" : "") + " on stream " + describe() + ", " + (queueCharged + partialCharged)
                    + " bytes held";
        }

        /** Blocking take, bounded by {@code bound}; a timeout fails the whole session if {@code failSession}. */
        Message take(Bound bound, String what, boolean failSession) {
            CompletableFuture<Message> f;
            synchronized (this) {
                SessionException fl = failure.get();
                if (fl != null && queue.isEmpty()) {
                    throw fl.copyForCaller();
                }
                if (waiters.isEmpty() && !queue.isEmpty()) {
                    return pollQueued();
                }
                f = new CompletableFuture<>();
                waiters.add(f);
            }
            Deadline deadline = new Deadline(TimeUnit.MILLISECONDS.toNanos(bound.millis()));
            try {
                long probeNanos = TimeUnit.MILLISECONDS.toNanos(options.agreementProbeDelay().toMillis());
                // once anything was agreed in the session, a long wait shows the peer this party's stamps once,
                // so that two parties waiting for each other because they disagree on the call find out
                boolean probed = probeNanos >= TimeUnit.MILLISECONDS.toNanos(bound.millis()) || !agreedAnything();
                long probeAt = System.nanoTime() + probeNanos;
                for (long slice = deadline.nextSlice(); slice > 0; slice = deadline.nextSlice()) {
                    long start = System.nanoTime();
                    long wait = probed ? slice : Math.max(1, Math.min(slice, probeAt - start));
                    try {
                        return f.get(wait, TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        deadline.sliceEnded(start, wait);
                        if (!probed && System.nanoTime() - probeAt >= 0) {
                            probed = true;
                            probe(this);
                        }
                    }
                }
                PeerTimeoutException te = new PeerTimeoutException("no " + (what.isEmpty() ? "" : what + " ")
                        + "message from peer on stream " + label() + " within " + bound.millis() + " ms ("
                        + bound.option() + ")" + deadline.suspensionNote());
                if (failSession) {
                    fail(te);
                } else {
                    synchronized (this) {
                        waiters.remove(f);
                    }
                }
                throw te;
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof SessionException se ? se.copyForCaller() : new SessionException("receive failed", c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionException("interrupted while receiving on stream " + label(), e);
            }
        }

        CompletableFuture<Message> takeAsync(Bound bound) {
            CompletableFuture<Message> f = new CompletableFuture<>();
            synchronized (this) {
                SessionException fl = failure.get();
                if (fl != null && queue.isEmpty()) {
                    f.completeExceptionally(fl.copyForCaller());
                    return f;
                }
                if (waiters.isEmpty() && !queue.isEmpty()) {
                    f.complete(pollQueued());
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
            timed.orTimeout(bound.millis(), TimeUnit.MILLISECONDS).whenComplete((m, ex) -> {
                if (ex instanceof java.util.concurrent.TimeoutException) {
                    fail(new PeerTimeoutException("no message from peer on stream " + label() + " within "
                            + bound.millis() + " ms (" + bound.option() + ")"));
                }
            });
            return timed;
        }

        void failAll(SessionException cause) {
            java.util.List<CompletableFuture<Message>> ws;
            synchronized (this) {
                ws = new java.util.ArrayList<>(waiters);
                waiters.clear();
            }
            for (CompletableFuture<Message> w : ws) {
                w.completeExceptionally(cause.copyForCaller());
            }
        }
    }
}
