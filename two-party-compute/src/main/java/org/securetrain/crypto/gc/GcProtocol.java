package org.securetrain.crypto.gc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.securetrain.crypto.ot.BlockCotReceiver;
import org.securetrain.crypto.ot.BlockCotSender;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;

/**
 * One party's end of semi-honest two-party computation by garbled circuits (Yao with free XOR and
 * half-gates): the garbler garbles, the evaluator learns the circuit's outputs, the garbler learns
 * nothing. Circuits are built for one element and run SIMD over n elements (see {@link Circuit}).
 * Kernels that need shared outputs put the masking into the circuit (the garbler's random masks are
 * garbler inputs; see {@code org.securetrain.protocols.ReluTruncation}).
 *
 * <h2>Protocol of one {@link #run}</h2>
 * <ol>
 *   <li>Both parties send a header (circuit name and fingerprint, n, chunk size, roles, the
 *       garbler's hash-key seed) and check the peer's; any difference fails on both sides with
 *       {@link GcMismatchException} before any garbling. A party whose own arguments are invalid sends
 *       a rejection instead ({@link #reject}), so the peer fails at once too.</li>
 *   <li>Per chunk of up to {@code maxChunk} elements: the evaluator's input labels come from block
 *       correlated OT with the garbler as sender, whose global correlation Δ is the free-XOR offset
 *       (label of bit b = q ⊕ b·Δ); the garbler's inputs need no labels at all (they are
 *       "garbler-known" wires, see {@link GcPlan}). The garbler streams the garbled tables and the
 *       output-decoding bits in large messages (up to 4 MiB, sent asynchronously while it garbles on);
 *       the evaluator asks for the next chunk's OT before evaluating the current one, so garbling of
 *       chunk c+1 overlaps evaluation of chunk c, and the garbler is never more than about two chunks
 *       ahead (bounded memory).</li>
 * </ol>
 * Traffic is attributed to steps {@code gc.header} and {@code gc.tables} on channel
 * {@code "gc." + id}; the OT runs on its own channel ({@code "ot." + otId(..)}, step
 * {@code ot.iknp}).
 *
 * <p>Not thread-safe: one run at a time per instance. Independent instances (different protocol ids)
 * may run concurrently. After a failure inside a run the instance (and, unless the failure was a
 * clean parameter mismatch, the session) is unusable.
 */
public final class GcProtocol {
    /**
     * Default elements per chunk: one OT batch, one decoding message and one flow-control step each
     * (the engine garbles a chunk in cache-sized passes of 512 elements).
     */
    public static final int DEFAULT_MAX_CHUNK = 4096;
    /** Largest allowed chunk (elements per OT batch and per decoding message). */
    public static final int MAX_CHUNK = 1 << 16;
    /** Garbler party when not given: the model owner. */
    public static final int DEFAULT_GARBLER = 0;

    static final int SINK_LONGS = 1 << 19; // 4 MiB messages
    private static final long LABEL_BUDGET_BYTES = 64L << 20; // OT-label memory per chunk and party
    private static final int MAGIC = 0x47433031; // "GC01"
    private static final int VERSION = 1;
    private static final long[] EMPTY = new long[0];

    private final Session session;
    private final Channel ch;
    private final int garblerParty;
    private final boolean garbler;
    private final BlockCotSender cotSender;
    private final BlockCotReceiver cotReceiver;
    private final int maxChunk;
    private long seedLo;
    private long seedHi;
    private GateHash hash;
    private final HalfGatesGarbler garblerEngine;
    private final HalfGatesEvaluator evaluatorEngine;
    private boolean broken;

    private GcProtocol(Session session, ProtocolId id, int garblerParty, BlockCotSender cotSender,
            BlockCotReceiver cotReceiver, SecureRandom rnd, int maxChunk) {
        this.session = Objects.requireNonNull(session, "session");
        Objects.requireNonNull(id, "protocol id");
        if (garblerParty != 0 && garblerParty != 1) {
            throw new IllegalArgumentException("garblerParty must be 0 or 1, got " + garblerParty);
        }
        if (maxChunk < 64 || maxChunk > MAX_CHUNK || (maxChunk & 63) != 0) {
            throw new IllegalArgumentException("maxChunk must be a multiple of 64 in [64, " + MAX_CHUNK + "], got "
                    + maxChunk);
        }
        this.ch = session.channel(channelName(id));
        this.garblerParty = garblerParty;
        this.garbler = session.party() == garblerParty;
        this.maxChunk = maxChunk;
        this.cotSender = cotSender;
        this.cotReceiver = cotReceiver;
        if (garbler) {
            Objects.requireNonNull(cotSender, "the garbler needs a BlockCotSender");
            this.seedLo = rnd.nextLong();
            this.seedHi = rnd.nextLong();
            this.hash = new GateHash(seedLo, seedHi);
            this.garblerEngine = new HalfGatesGarbler(cotSender.deltaLo(), cotSender.deltaHi());
            this.evaluatorEngine = null;
        } else {
            Objects.requireNonNull(cotReceiver, "the evaluator needs a BlockCotReceiver");
            this.garblerEngine = null;
            this.evaluatorEngine = new HalfGatesEvaluator();
        }
    }

    /** {@link #open(Session, OtEngine, ProtocolId, int)} with party {@value #DEFAULT_GARBLER} garbling. */
    public static GcProtocol open(Session s, OtEngine ot, ProtocolId id) {
        return open(s, ot, id, DEFAULT_GARBLER);
    }

    /**
     * Both parties call this with the same protocol id and garbler party. The garbler becomes the
     * sender of the block-COT instance {@code ot.cotSender(otId(id, garblerParty))} (its Δ is
     * the free-XOR offset), the evaluator its receiver. Opening again with the same id continues
     * the same OT instance; a new hash-key seed is drawn.
     */
    public static GcProtocol open(Session s, OtEngine ot, ProtocolId id, int garblerParty) {
        return open(s, ot, id, garblerParty, DEFAULT_MAX_CHUNK);
    }

    public static GcProtocol open(Session s, OtEngine ot, ProtocolId id, int garblerParty, int maxChunk) {
        Objects.requireNonNull(s, "session");
        Objects.requireNonNull(ot, "ot");
        Objects.requireNonNull(id, "protocol id");
        if (ot.session() != s) {
            throw new IllegalArgumentException("the OtEngine belongs to a different session");
        }
        // The OT id names the garbler, so one GC id may be used with either party garbling
        // (the OT engine binds an id to one direction).
        ProtocolId otId = otId(id, garblerParty);
        if (s.party() == garblerParty) {
            return new GcProtocol(s, id, garblerParty, ot.cotSender(otId), null, new SecureRandom(), maxChunk);
        }
        return new GcProtocol(s, id, garblerParty, null, ot.cotReceiver(otId), null, maxChunk);
    }

    /** The block-COT instance {@link #open} uses: {@code gc.<id>.g<garblerParty>} (channel "ot." + that). */
    public static ProtocolId otId(ProtocolId id, int garblerParty) {
        return id.under("gc").child("g" + garblerParty);
    }

    /** The garbler's end over an explicit block-COT sender (Δ = cot's correlation). */
    public static GcProtocol garbler(Session s, ProtocolId id, BlockCotSender cot, SecureRandom rnd, int maxChunk) {
        Objects.requireNonNull(rnd, "rnd");
        return new GcProtocol(s, id, s.party(), Objects.requireNonNull(cot, "cot"), null, rnd, maxChunk);
    }

    /** The evaluator's end over an explicit block-COT receiver. */
    public static GcProtocol evaluator(Session s, ProtocolId id, BlockCotReceiver cot, int maxChunk) {
        return new GcProtocol(s, id, 1 - s.party(), null, Objects.requireNonNull(cot, "cot"), null, maxChunk);
    }

    /** The stream of instance {@code id}: {@code gc.<id>}. */
    public static String channelName(ProtocolId id) {
        return id.under("gc").name();
    }

    public Session session() {
        return session;
    }

    public boolean isGarbler() {
        return garbler;
    }

    public int garblerParty() {
        return garblerParty;
    }

    public int maxChunk() {
        return maxChunk;
    }

    /**
     * Elements per chunk this instance uses for circuit c over n elements (both parties compute the
     * same): {@code maxChunk}, lowered so that one chunk's OT labels (16 bytes per evaluator input bit)
     * stay within 64 MiB, and never more than n.
     */
    public int chunkFor(Circuit c, int n) {
        long perElement = 16L * Math.max(1, c.evaluatorInputCount()) + 16L * c.outputCount() / 64 + 64;
        long byMemory = Math.max(64, (LABEL_BUDGET_BYTES / perElement) & ~63L);
        int chunk = (int) Math.min(maxChunk, byMemory);
        return n <= chunk ? Math.max(n, 1) : chunk;
    }

    /**
     * Runs circuit c over n elements. {@code inputs} holds this party's input bits as planes (see
     * {@link Circuit}): the garbler's {@code garblerInputCount()} planes or the evaluator's
     * {@code evaluatorInputCount()} planes of {@code words(n)} longs each (may be null when the party has
     * no inputs). Returns the output planes ({@code outputCount()} planes of {@code words(n)} longs) on the
     * evaluator and an empty array on the garbler.
     *
     * @throws GcMismatchException on both sides if the parties' calls disagree
     * @throws IllegalArgumentException if this party's arguments are invalid (the peer gets a
     *         {@link GcMismatchException} naming the reason)
     */
    public long[] run(Circuit c, int n, long[] inputs) {
        ensureUsable();
        Objects.requireNonNull(c, "circuit");
        String problem = null;
        int count = garbler ? c.garblerInputCount() : c.evaluatorInputCount();
        if (n < 0) {
            problem = "element count must be >= 0, got " + n;
        } else if (count > 0 && inputs == null) {
            problem = "input planes are null; circuit '" + c.name() + "' has " + count + " inputs for this party";
        } else if (count > 0 && inputs.length != (long) count * BitPlanes.words(n)) {
            problem = "input planes hold " + inputs.length + " longs; circuit '" + c.name() + "' over " + n
                    + " elements needs " + count + " planes of " + BitPlanes.words(n) + " words = "
                    + (long) count * BitPlanes.words(n);
        }
        int chunk = problem == null && n > 0 ? chunkFor(c, n) : 0;
        Header mine = problem == null ? Header.of(this, c, n, chunk) : Header.rejection(this, problem);
        Header peer = exchange(mine);
        verify(mine, peer, problem);
        if (n == 0) {
            return garbler ? EMPTY : new long[0];
        }
        try {
            return garbler ? garble(c, n, chunk, inputs) : evaluate(c, n, chunk, inputs);
        } catch (RuntimeException | Error e) {
            // Mid-run the two sides are out of step: end the session so the peer fails at once instead of
            // waiting for tables or OT messages until its receive timeout.
            broken = true;
            if (session.isOpen()) {
                try {
                    session.abort(AbortReason.failure("gc " + ch.name(), e));
                } catch (RuntimeException ignored) {
                    // session already down
                }
            }
            throw e;
        }
    }

    /**
     * Refuses a run whose parameters this party found invalid, without hanging the peer: exchanges a
     * rejection header (the peer's matching {@link #run} or {@code reject} fails with a
     * {@link GcMismatchException} carrying {@code reason}) and throws {@link IllegalArgumentException}.
     */
    public IllegalArgumentException reject(String reason) {
        ensureUsable();
        Header peer = exchange(Header.rejection(this, reason));
        verify(Header.rejection(this, reason), peer, reason);
        throw new IllegalStateException("unreachable");
    }

    private void ensureUsable() {
        if (broken) {
            throw new IllegalStateException("garbled-circuit instance on stream '" + ch.name()
                    + "' is unusable after an earlier failure");
        }
    }

    // ------------------------------------------------------------------ garbler

    private long[] garble(Circuit c, int n, int chunk, long[] inputs) {
        GcPlan p = c.plan();
        int words = BitPlanes.words(n);
        int nG = p.garblerInputs;
        int nE = p.evaluatorInputs;
        long perChunk = (long) p.tableLongsPerElement * chunk + (long) p.outputs * BitPlanes.words(chunk);
        ChannelSink sink = new ChannelSink(ch, (int) Math.max(1024, Math.min(SINK_LONGS, perChunk)));
        long[] gbits = new long[nG * BitPlanes.words(chunk)];
        try (var st = ch.step("gc.tables")) {
            for (int start = 0; start < n; start += chunk) {
                int m = Math.min(chunk, n - start);
                int wm = BitPlanes.words(m);
                long[] q;
                if (nE > 0) {
                    q = cotSender.sendBlockCot(nE * m);
                } else {
                    receiveCredit(start);
                    q = EMPTY;
                }
                for (int i = 0; i < nG; i++) {
                    BitPlanes.copyBits(inputs, (long) i * words * 64 + start, gbits, (long) i * wm * 64, m);
                }
                garblerEngine.garbleChunk(p, hash, m, q, gbits, sink);
                sink.flush();
            }
            sink.finish();
        }
        return EMPTY;
    }

    private void receiveCredit(int start) {
        long[] credit = ch.receiveLongs();
        if (credit.length != 1 || credit[0] != start) {
            throw new ProtocolViolationException("stream '" + ch.name() + "': expected the evaluator's credit for the chunk at "
                    + start + ", got " + Arrays.toString(credit));
        }
    }

    // ------------------------------------------------------------------ evaluator

    private long[] evaluate(Circuit c, int n, int chunk, long[] inputs) {
        GcPlan p = c.plan();
        int words = BitPlanes.words(n);
        int nE = p.evaluatorInputs;
        long[] out = new long[p.outputs * words];
        ChannelSource src = new ChannelSource(ch);
        try (var st = ch.step("gc.tables")) {
            long[] pending = nE > 0 ? inputLabels(inputs, words, nE, 0, Math.min(chunk, n)) : credit(0);
            for (int start = 0; start < n; start += chunk) {
                int m = Math.min(chunk, n - start);
                long[] labels = pending;
                int next = start + chunk;
                if (next < n) {
                    // Ask for the next chunk's labels first: the garbler garbles it while we evaluate this one.
                    pending = nE > 0 ? inputLabels(inputs, words, nE, next, Math.min(chunk, n - next)) : credit(next);
                }
                evaluatorEngine.evaluateChunk(p, hash, m, labels, src, out, start, words);
                src.endChunk();
            }
        }
        return out;
    }

    private long[] credit(int start) {
        ch.sendLongs(new long[] {start});
        return EMPTY;
    }

    private long[] inputLabels(long[] inputs, int words, int nE, int start, int m) {
        long[] choices = new long[BitPlanes.words(nE * m)];
        for (int i = 0; i < nE; i++) {
            BitPlanes.copyBits(inputs, (long) i * words * 64 + start, choices, (long) i * m, m);
        }
        return cotReceiver.receiveBlockCot(choices, nE * m);
    }

    // ------------------------------------------------------------------ header

    private Header exchange(Header mine) {
        try (var st = ch.step("gc.header")) {
            ch.send(mine.encode());
            return Header.decode(ch, ch.receive());
        }
    }

    private void verify(Header mine, Header peer, String ownProblem) {
        String where = "garbled-circuit stream '" + ch.name() + "'";
        if (peer.rejected) {
            String own = ownProblem != null ? " (this party also rejected it: " + ownProblem + ")" : "";
            throw new GcMismatchException(where + ": the peer (party " + (1 - session.party()) + ") rejected the run: "
                    + peer.reason + own);
        }
        if (ownProblem != null) {
            throw new IllegalArgumentException(ownProblem);
        }
        if (peer.garbler == mine.garbler || peer.garblerParty != mine.garblerParty) {
            throw new GcMismatchException(where + ": the parties disagree on who garbles: this party (party "
                    + session.party() + ") says party " + mine.garblerParty + ", the peer says party " + peer.garblerParty
                    + (peer.garbler == mine.garbler ? " (both act as " + (mine.garbler ? "garbler" : "evaluator") + ")" : ""));
        }
        if (!peer.name.equals(mine.name) || peer.fingerprint != mine.fingerprint || peer.nG != mine.nG
                || peer.nE != mine.nE || peer.nOut != mine.nOut) {
            throw new GcMismatchException(where + ": the parties run different circuits: this party " + mine.describe()
                    + ", the peer " + peer.describe());
        }
        if (peer.n != mine.n) {
            throw new GcMismatchException(where + ": the parties disagree on the element count of '" + mine.name
                    + "': this party n = " + mine.n + ", the peer n = " + peer.n);
        }
        if (peer.chunk != mine.chunk) {
            throw new GcMismatchException(where + ": the parties chunk '" + mine.name + "' differently: this party "
                    + mine.chunk + " elements, the peer " + peer.chunk + " (configure the same maxChunk)");
        }
        if (!garbler) {
            if (hash == null) {
                seedLo = peer.seedLo;
                seedHi = peer.seedHi;
                hash = new GateHash(seedLo, seedHi);
            } else if (peer.seedLo != seedLo || peer.seedHi != seedHi) {
                throw new GcMismatchException(where + ": the garbler's hash-key seed changed between runs; the peer "
                        + "is a different GcProtocol instance than before");
            }
        }
    }

    private static final class Header {
        boolean rejected;
        boolean garbler;
        int garblerParty;
        int n;
        int chunk;
        int nG;
        int nE;
        int nOut;
        long fingerprint;
        long seedLo;
        long seedHi;
        String name = "";
        String reason = "";

        static Header of(GcProtocol gc, Circuit c, int n, int chunk) {
            Header h = new Header();
            h.garbler = gc.garbler;
            h.garblerParty = gc.garblerParty;
            h.n = n;
            h.chunk = chunk;
            h.nG = c.garblerInputCount();
            h.nE = c.evaluatorInputCount();
            h.nOut = c.outputCount();
            h.fingerprint = c.fingerprint();
            if (gc.garbler) {
                h.seedLo = gc.seedLo;
                h.seedHi = gc.seedHi;
            }
            h.name = c.name();
            return h;
        }

        static Header rejection(GcProtocol gc, String reason) {
            Header h = new Header();
            h.rejected = true;
            h.garbler = gc.garbler;
            h.garblerParty = gc.garblerParty;
            h.reason = reason == null ? "(no reason given)" : reason;
            return h;
        }

        String describe() {
            return "'" + name + "' (fingerprint " + Long.toHexString(fingerprint) + ", " + nG + " garbler / " + nE
                    + " evaluator inputs, " + nOut + " outputs)";
        }

        byte[] encode() {
            byte[] nm = name.getBytes(StandardCharsets.UTF_8);
            byte[] rs = reason.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(4 * 8 + 2 + 3 * 8 + 8 + nm.length + rs.length);
            b.putInt(MAGIC).putInt(VERSION).put((byte) (rejected ? 1 : 0)).put((byte) (garbler ? 1 : 0));
            b.putInt(garblerParty).putInt(n).putInt(chunk).putInt(nG).putInt(nE).putInt(nOut);
            b.putLong(fingerprint).putLong(seedLo).putLong(seedHi);
            b.putInt(nm.length).put(nm).putInt(rs.length).put(rs);
            return b.array();
        }

        static Header decode(Channel ch, byte[] bytes) {
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                if (b.getInt() != MAGIC) {
                    throw new ProtocolViolationException("stream '" + ch.name() + "': the peer's message is not a "
                            + "garbled-circuit run header (the parties' protocols are out of step)");
                }
                int version = b.getInt();
                if (version != VERSION) {
                    throw new GcMismatchException("stream '" + ch.name() + "': garbled-circuit protocol version "
                            + VERSION + " here, " + version + " at the peer");
                }
                Header h = new Header();
                h.rejected = b.get() != 0;
                h.garbler = b.get() != 0;
                h.garblerParty = b.getInt();
                h.n = b.getInt();
                h.chunk = b.getInt();
                h.nG = b.getInt();
                h.nE = b.getInt();
                h.nOut = b.getInt();
                h.fingerprint = b.getLong();
                h.seedLo = b.getLong();
                h.seedHi = b.getLong();
                byte[] nm = new byte[b.getInt()];
                b.get(nm);
                byte[] rs = new byte[b.getInt()];
                b.get(rs);
                h.name = new String(nm, StandardCharsets.UTF_8);
                h.reason = new String(rs, StandardCharsets.UTF_8);
                return h;
            } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
                throw new ProtocolViolationException("stream '" + ch.name() + "': malformed garbled-circuit run header");
            }
        }
    }

    // ------------------------------------------------------------------ streaming of tables

    /**
     * Garbler side: records go into a 4 MiB buffer that is sent (asynchronously; the channel copies it)
     * when the next record does not fit, and at the end of every chunk. Message boundaries therefore
     * fall on record boundaries, which the evaluator checks.
     */
    private static final class ChannelSink implements TableSink {
        private final Channel ch;
        private long[] buf;
        private int pos;
        private CompletableFuture<Void> last;

        ChannelSink(Channel ch, int capacity) {
            this.ch = ch;
            this.buf = new long[capacity];
        }

        @Override
        public int reserve(int len) {
            if (pos + len > buf.length) {
                flush();
                if (len > buf.length) {
                    buf = new long[len];
                }
            }
            int o = pos;
            pos += len;
            return o;
        }

        @Override
        public long[] buffer() {
            return buf;
        }

        void flush() {
            if (pos == 0) {
                return;
            }
            last = ch.sendLongsAsync(pos == buf.length ? buf : Arrays.copyOf(buf, pos));
            pos = 0;
        }

        void finish() {
            flush();
            if (last != null) {
                try {
                    last.join();
                } catch (CompletionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof RuntimeException re ? re : new SessionException("sending garbled tables failed", c);
                }
            }
        }
    }

    /** Evaluator side of {@link ChannelSink}. */
    private static final class ChannelSource implements TableSource {
        private final Channel ch;
        private long[] cur = EMPTY;
        private int pos;

        ChannelSource(Channel ch) {
            this.ch = ch;
        }

        @Override
        public int take(int len) {
            if (pos + len > cur.length) {
                if (pos != cur.length) {
                    throw outOfStep("a record of " + len + " longs straddles the garbler's message boundary");
                }
                cur = ch.receiveLongs();
                pos = 0;
                if (len > cur.length) {
                    throw outOfStep("expected a record of " + len + " longs, the garbler's message holds " + cur.length);
                }
            }
            int o = pos;
            pos += len;
            return o;
        }

        @Override
        public long[] buffer() {
            return cur;
        }

        void endChunk() {
            if (pos != cur.length) {
                throw outOfStep((cur.length - pos) + " longs of garbled data left over at the end of a chunk");
            }
        }

        private ProtocolViolationException outOfStep(String what) {
            return new ProtocolViolationException("stream '" + ch.name() + "': " + what
                    + " (garbler and evaluator are out of step)");
        }
    }
}
