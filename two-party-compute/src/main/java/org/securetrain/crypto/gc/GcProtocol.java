package org.securetrain.crypto.gc;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.securetrain.crypto.ot.BlockCotReceiver;
import org.securetrain.crypto.ot.BlockCotSender;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.AgreementException;
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
 *   <li>Both parties agree on the run (circuit name and fingerprint, n, chunk size, who garbles) through the
 *       stream's transcript ({@link Channel#agree}; no message): the first data message carries its stamp,
 *       and any difference fails both parties with an {@link org.securetrain.runtime.AgreementException}
 *       naming both runs. A party whose own arguments are invalid ends the session with the reason
 *       ({@link #reject}), so the peer fails at once too. The garbler's hash-key seed (16 bytes) leads its
 *       first run of an instance.</li>
 *   <li>Per chunk of up to {@code maxChunk} elements: the evaluator's input labels come from block
 *       correlated OT with the garbler as sender, whose global correlation Δ is the free-XOR offset
 *       (label of bit b = q ⊕ b·Δ); the garbler's inputs need no labels at all (they are
 *       "garbler-known" wires, see {@link GcPlan}). The garbler streams the garbled tables and the
 *       output-decoding bits in large messages (up to 4 MiB, sent asynchronously while it garbles on);
 *       the evaluator asks for the next chunk's OT before evaluating the current one, so garbling of
 *       chunk c+1 overlaps evaluation of chunk c, and the garbler is never more than about two chunks
 *       ahead (bounded memory).</li>
 * </ol>
 * Traffic is attributed to step {@code gc.tables} on channel
 * {@code "gc." + id}; the OT runs on its own channel ({@code "ot." + otId(..)}, step
 * {@code ot.iknp}).
 *
 * <p>Not thread-safe: one run at a time per instance. Independent instances (different protocol ids)
 * may run concurrently. After a failure inside a run the instance and the session are unusable.
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
    private boolean seedSent;
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
     * @throws org.securetrain.runtime.AgreementException on both sides if the parties' calls disagree
     * @throws IllegalArgumentException if this party's arguments are invalid (the session ends and the peer
     *         fails naming the reason)
     */
    public long[] run(Circuit c, int n, long[] inputs) {
        ensureUsable();
        Objects.requireNonNull(c, "circuit");
        int count = garbler ? c.garblerInputCount() : c.evaluatorInputCount();
        if (n < 0) {
            throw reject("element count must be >= 0, got " + n);
        } else if (count > 0 && inputs == null) {
            throw reject("input planes are null; circuit '" + c.name() + "' has " + count + " inputs for this party");
        } else if (count > 0 && inputs.length != (long) count * BitPlanes.words(n)) {
            throw reject("input planes hold " + inputs.length + " longs; circuit '" + c.name() + "' over " + n
                    + " elements needs " + count + " planes of " + BitPlanes.words(n) + " words = "
                    + (long) count * BitPlanes.words(n));
        }
        int chunk = n > 0 ? chunkFor(c, n) : 0;
        ch.agree("evaluates '" + c.name() + "' (fingerprint " + Long.toHexString(c.fingerprint()) + ", "
                + c.garblerInputCount() + " garbler / " + c.evaluatorInputCount() + " evaluator inputs, "
                + c.outputCount() + " outputs) over " + n + " elements in chunks of " + chunk + " (maxChunk "
                + maxChunk + "), party " + garblerParty + " garbling");
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
     * Refuses a run whose parameters this party found invalid, without hanging the peer: ends the session
     * with {@code reason} (the peer's pending calls fail at once with a
     * {@link org.securetrain.runtime.PeerAbortedException} naming it) and returns the exception to throw. The
     * reason names only the call's parameters (element counts, lengths, bit widths, the circuit), so it crosses
     * as an exchanged parameter ({@link AgreementException}), as round 1's rejection header carried it.
     */
    public IllegalArgumentException reject(String reason) {
        ensureUsable();
        broken = true;
        try {
            session.abort(AbortReason.failure("gc " + ch.name(), new AgreementException("party " + session.party()
                    + " rejected the garbled-circuit run on stream '" + ch.name() + "': " + reason)));
        } catch (RuntimeException ignored) {
            // session already down
        }
        return new IllegalArgumentException(reason);
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
            if (!seedSent) { // the hash key of this instance's garbling, once
                ch.sendLongs(new long[] {seedLo, seedHi});
                seedSent = true;
            }
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
            if (hash == null) { // the garbler's hash key leads its first run
                long[] seed = new long[2];
                ch.receiveLongs(seed, 0, 2);
                seedLo = seed[0];
                seedHi = seed[1];
                hash = new GateHash(seedLo, seedHi);
            }
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
