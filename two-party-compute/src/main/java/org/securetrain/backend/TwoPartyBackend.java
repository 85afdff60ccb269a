package org.securetrain.backend;

import org.securetrain.protocols.BitTimesShare;
import org.securetrain.protocols.FaithfulTruncation;
import org.securetrain.protocols.MatrixShare;
import org.securetrain.protocols.MaxPoolCircuitProtocol;
import org.securetrain.protocols.PositiveBitCircuit;
import org.securetrain.protocols.ReluTruncation;
import org.securetrain.protocols.SecureMatMul;
import org.securetrain.protocols.nonlinear.CotChannel;
import org.securetrain.protocols.nonlinear.ElementwiseProduct;
import org.securetrain.protocols.nonlinear.FaithfulTruncationOt;
import org.securetrain.protocols.nonlinear.MaxPoolOt;
import org.securetrain.protocols.nonlinear.Multiplexer;
import org.securetrain.protocols.nonlinear.OutOfRangeCount;
import org.securetrain.protocols.nonlinear.PositiveBit;
import org.securetrain.protocols.nonlinear.ReluTruncationOt;
import org.securetrain.protocols.nonlinear.RevealNonZero;
import org.securetrain.protocols.nonlinear.TableLookupOt;

import java.security.SecureRandom;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.IknpRandomCotSender;
import org.securetrain.crypto.ot.silent.SilentOt;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.ProtocolId;

/**
 * The real two-party backend: each party runs one over its {@link Session}. Products use the
 * rotation-free HE product (DESIGN.md 4.2). The non-linear operations (ReLU with truncation 4.3, max-pool
 * 4.5, the sign test, faithful truncation and bit times share 4.4) run on the chosen {@link NonlinearEngine}: by default
 * the millionaire protocol, multiplexers and truncation on Ferret silent OT
 * ({@link org.securetrain.protocols.nonlinear}); or, as in round 1, garbled circuits for ReLU and max and
 * IKNP correlated OT for truncation and bit times share. Set-up (both parties call {@link #open} together)
 * runs the base OTs of both directions, the silent-OT bootstrap (OT engine) and exchanges HE public keys,
 * once per session.
 *
 * <p>Every call is a two-party protocol: both parties must make the same calls in the same order with the
 * same shapes; each protocol agrees on them through its streams' transcripts and fails both parties with
 * both views on a mismatch.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class TwoPartyBackend implements Backend, AutoCloseable {
    private final Session session;
    private final FixedPoint fp;
    private final OtEngine ot;
    private final HeContext he;
    private final SecureMatMul matmul;
    private final org.securetrain.protocols.SecureConv2d conv;
    private final Channel reveal;
    private final KernelTimings timings;
    /** One garbled-circuit instance (its own stream and OT instance) per calling protocol id. */
    private final java.util.Map<ProtocolId, GcProtocol> gc = new java.util.HashMap<>();
    /** One COT channel (its own stream, hash tweaks apart) per calling protocol id; OT engine only. */
    private final java.util.Map<ProtocolId, CotChannel> cot = new java.util.HashMap<>();
    private final NonlinearSettings nonlinear;
    private final SilentOt silent;

    private TwoPartyBackend(Session session, FixedPoint fp, OtEngine ot, HeContext he, KernelTimings timings,
            NonlinearSettings nonlinear, SilentOt silent) {
        this.session = session;
        this.fp = fp;
        this.ot = ot;
        this.he = he;
        this.timings = timings;
        this.matmul = new SecureMatMul(session, he);
        this.conv = new org.securetrain.protocols.SecureConv2d(session, he);
        this.nonlinear = nonlinear;
        this.silent = silent;
        this.reveal = session.channel("kernels.reveal");
    }

    /** Both parties call this once per session; default non-linear engine ({@link NonlinearSettings#defaults()}). */
    public static TwoPartyBackend open(Session session, FixedPoint fp) {
        return open(session, fp, NonlinearSettings.defaults());
    }

    /** Both parties call this once per session with the same engine (its default settings). */
    public static TwoPartyBackend open(Session session, FixedPoint fp, NonlinearEngine engine) {
        return open(session, fp, NonlinearSettings.of(engine));
    }

    /** Both parties call this once per session with the same settings (they are in the configuration hash). */
    public static TwoPartyBackend open(Session session, FixedPoint fp, NonlinearSettings nonlinear) {
        return open(session, fp, nonlinear, HeParameters.standard());
    }

    /**
     * As {@link #open(Session, FixedPoint, NonlinearSettings)} with the HE parameters, e.g. another run-level
     * statistical security ({@link HeParameters#withRunStatisticalSecurity}); both parties must give equal ones
     * (agreed at the HE key exchange).
     */
    public static TwoPartyBackend open(Session session, FixedPoint fp, NonlinearSettings nonlinear, HeParameters heParams) {
        java.util.Objects.requireNonNull(nonlinear, "nonlinear settings");
        java.util.Objects.requireNonNull(heParams, "HE parameters");
        KernelTimings t = new KernelTimings();
        long t0 = System.nanoTime();
        OtEngine ot = OtEngine.setup(session, new SecureRandom());
        SilentOt silent = nonlinear.engine() == NonlinearEngine.OT
                && nonlinear.cotSource() == NonlinearSettings.CotSource.SILENT
                ? SilentOt.setup(ot, new SecureRandom()) : null;
        HeContext he = HeContext.open(session, heParams);
        t.add(KernelTimings.Kind.SETUP, System.nanoTime() - t0);
        return new TwoPartyBackend(session, fp, ot, he, t, nonlinear, silent);
    }

    /** The non-linear protocols this backend runs. */
    public NonlinearSettings nonlinear() {
        return nonlinear;
    }

    public Session session() {
        return session;
    }

    public KernelTimings timings() {
        return timings;
    }

    public OtEngine ot() {
        return ot;
    }

    public HeContext he() {
        return he;
    }

    @Override
    public FixedPoint fixedPoint() {
        return fp;
    }

    @Override
    public boolean actsFor(int p) {
        return p == session.party();
    }


    @Override
    public long[] multiply(Operand a, Operand b, int m, int k, int n, ProtocolId id) {
        MatrixShare ma = new MatrixShare(m, k, a.share(), a.transposed(), a.kind());
        MatrixShare mb = new MatrixShare(k, n, b.share(), b.transposed(), b.kind());
        return timed(KernelTimings.Kind.HE_PRODUCT, () -> matmul.multiply(ma, mb, id));
    }

    /**
     * The direct (HomConv) secure correlation when the public cost model prefers it, else im2col and the matrix
     * product; both parties decide alike from the public shape.
     */
    @Override
    public long[] correlate(Operand kernel, Operand input, org.securetrain.crypto.he.ConvShape shape, ProtocolId id) {
        Correlations.requireUntransposed(kernel, input, shape);
        if (org.securetrain.crypto.he.ConvPlan.directPreferred(he.params(), shape)) {
            return timed(KernelTimings.Kind.HE_PRODUCT, () -> conv.correlate(kernel.share(), kernel.kind(),
                    input.share(), input.kind(), shape, id));
        }
        int k = shape.inCh() * shape.kh() * shape.kw();
        int p = shape.groups() * shape.outH() * shape.outW();
        MatrixShare ma = new MatrixShare(shape.outCh(), k, kernel.share(), false, kernel.kind());
        MatrixShare mb = new MatrixShare(k, p, shape.im2col(input.share()), false, input.kind());
        return timed(KernelTimings.Kind.HE_PRODUCT, () -> matmul.multiply(ma, mb, id));
    }

    @Override
    public ReluOutput reluTruncate(long[] z, ProtocolId id) {
        if (nonlinear.engine() == NonlinearEngine.OT) {
            return timed(KernelTimings.Kind.RELU_OT, () -> {
                ReluTruncationOt.Result r = ReluTruncationOt.run(cot(id), z, fp.fracBits(), nonlinear.reluTruncation(),
                        nonlinear.radix());
                return new ReluOutput(r.yShare(), r.dBits());
            });
        }
        return timed(KernelTimings.Kind.RELU_GC, () -> {
            ReluTruncation.Result r = ReluTruncation.run(gc(id), z, fp.fracBits());
            return new ReluOutput(r.yShare(), r.dBits());
        });
    }

    @Override
    public long[] truncate(long[] x, int bits, ProtocolId id) {
        return timed(KernelTimings.Kind.TRUNCATION_OT, () -> nonlinear.engine() == NonlinearEngine.OT
                ? FaithfulTruncationOt.truncate(cot(id), x, bits) : FaithfulTruncation.truncate(ot, x, bits, id));
    }

    /**
     * OT engine: one full-width millionaire comparison per element ({@link PositiveBit}); GC engine: one
     * garbled comparison per element ({@link PositiveBitCircuit}). Both exact for every 64-bit z.
     */
    @Override
    public long[] positive(long[] z, ProtocolId id) {
        if (nonlinear.engine() == NonlinearEngine.OT) {
            return timed(KernelTimings.Kind.COMPARE_OT,
                    () -> PositiveBit.compute(cot(id), z, PositiveBit.FULL, nonlinear.radix()));
        }
        return timed(KernelTimings.Kind.COMPARE_GC, () -> PositiveBitCircuit.run(gc(id), z));
    }

    /**
     * OT engine: one bits-bit comparison per element ({@link PositiveBit} with a bound; a bound within one millionaire
     * digit is a one-leaf plan); GC engine: {@link #positive}.
     */
    @Override
    public long[] positiveBounded(long[] z, int bits, ProtocolId id) {
        PositiveBounds.check(bits);
        if (nonlinear.engine() == NonlinearEngine.OT) {
            return timed(KernelTimings.Kind.COMPARE_OT, () -> PositiveBit.compute(cot(id), z, bits, nonlinear.radix()));
        }
        return positive(z, id);
    }

    @Override
    public long[] bitTimesShare(long[] bits, long[] x, ProtocolId id) {
        return timed(KernelTimings.Kind.BIT_TIMES_SHARE_OT, () -> nonlinear.engine() == NonlinearEngine.OT
                ? Multiplexer.multiply(cot(id), bits, x, x.length) : BitTimesShare.multiply(ot, bits, x, x.length, id));
    }

    /** One 1-out-of-2^d OT per element on random COTs ({@link TableLookupOt}), on either engine (as the range check). */
    @Override
    public long[] lookup(long[] digitShares, int d, long[] table, ProtocolId id) {
        Lookups.check(digitShares, d, table);
        return timed(KernelTimings.Kind.TABLE_LOOKUP_OT, () -> TableLookupOt.lookup(cot(id), digitShares, d, table));
    }

    /**
     * Gilboa's product on random COTs ({@link ElementwiseProduct}): Ferret's on the OT engine, IKNP's on the GC
     * engine (no garbled multiplier), the same protocol and guarantee either way. One flight per party.
     */
    @Override
    public long[] multiplyElementwise(long[] x, long[] y, ProtocolId id) {
        return timed(KernelTimings.Kind.PRODUCT_OT, () -> ElementwiseProduct.multiply(cot(id), x, y));
    }

    /** As {@link #multiplyElementwise}, with the one cross term x0·x1 ({@link ElementwiseProduct#square}). */
    @Override
    public long[] square(long[] x, ProtocolId id) {
        return timed(KernelTimings.Kind.PRODUCT_OT, () -> ElementwiseProduct.square(cot(id), x));
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, ProtocolId id) {
        if (nonlinear.engine() == NonlinearEngine.OT) {
            return timed(KernelTimings.Kind.MAX_OT, () -> {
                MaxPoolOt.Result r = MaxPoolOt.run(cot(id), values, k, PositiveBit.FULL, nonlinear.radix());
                return new MaxOutput(r.maxShare(), r.argmaxBits());
            });
        }
        return timed(KernelTimings.Kind.MAX_GC, () -> {
            MaxPoolCircuitProtocol.Result r = MaxPoolCircuitProtocol.run(gc(id), values, k);
            return new MaxOutput(r.maxShare(), r.argmaxBits());
        });
    }

    /**
     * One millionaire comparison per element with a custom top digit, then a k-bit boolean-to-arithmetic conversion
     * ({@link OutOfRangeCount}). Both engines run it on random COTs: Ferret's on the OT engine, IKNP's on the GC
     * engine (as its truncation and bit times share), the same protocol and guarantee either way.
     */
    @Override
    public long countOutsideRange(long[] x, int bits, int countBits, ProtocolId id) {
        RangeArguments.check(x.length, bits, countBits);
        return timed(KernelTimings.Kind.RANGE_CHECK_OT,
                () -> OutOfRangeCount.count(cot(id), x, bits, countBits, nonlinear.radix()));
    }

    /**
     * OT engine: the check's comparison and the truncation in one run ({@link FaithfulTruncationOt#truncate(CotChannel,
     * long[], int, OutOfRangeCount)}: no flights of the truncation's own). GC engine: the check, then the truncation.
     */
    @Override
    public Counted<long[]> truncateCounting(long[] x, int bits, int rangeBits, int countBits, ProtocolId id) {
        RangeArguments.check(x.length, rangeBits, countBits);
        if (nonlinear.engine() != NonlinearEngine.OT) {
            long c = countOutsideRange(x, rangeBits, countBits, id.child("range"));
            return new Counted<>(truncate(x, bits, id), c);
        }
        return timed(KernelTimings.Kind.TRUNCATION_OT, () -> {
            CotChannel ch = cot(id);
            OutOfRangeCount check = OutOfRangeCount.prepared(ch, x, rangeBits, countBits, nonlinear.radix());
            long[] y = FaithfulTruncationOt.truncate(ch, x, bits, check);
            return new Counted<>(y, check.count());
        });
    }

    /**
     * OT engine: the check's comparison beside the ReLU's sign test, stage by stage in the same flights
     * ({@link ReluTruncationOt#run(CotChannel, long[], int, ReluTruncationOt.Mode, int, OutOfRangeCount)}). GC engine:
     * the check, then the garbled ReLU.
     */
    @Override
    public Counted<ReluOutput> reluTruncateCounting(long[] z, int rangeBits, int countBits, ProtocolId id) {
        RangeArguments.check(z.length, rangeBits, countBits);
        if (nonlinear.engine() != NonlinearEngine.OT) {
            long c = countOutsideRange(z, rangeBits, countBits, id.child("range"));
            return new Counted<>(reluTruncate(z, id), c);
        }
        return timed(KernelTimings.Kind.RELU_OT, () -> {
            CotChannel ch = cot(id);
            OutOfRangeCount check = OutOfRangeCount.prepared(ch, z, rangeBits, countBits, nonlinear.radix());
            ReluTruncationOt.Result r = ReluTruncationOt.run(ch, z, fp.fracBits(), nonlinear.reluTruncation(),
                    nonlinear.radix(), check);
            return new Counted<>(new ReluOutput(r.yShare(), r.dBits()), check.count());
        });
    }

    /** A k-bit equality test whose result both parties open in one more flight ({@link RevealNonZero}). */
    @Override
    public boolean revealNonZero(long share, int countBits, ProtocolId id) {
        RangeArguments.checkCountBits(countBits);
        return timed(KernelTimings.Kind.RANGE_CHECK_OT, () -> RevealNonZero.reveal(cot(id), share, countBits));
    }

    /** The non-receiver sends its share; the receiver adds it to its own. */
    @Override
    public long[] revealTo(int receiver, long[] share, ProtocolId id) {
        if (receiver != 0 && receiver != 1) {
            throw new IllegalArgumentException("receiver must be party 0 or 1, got " + receiver);
        }
        return timed(KernelTimings.Kind.REVEAL, () -> {
            reveal.agree("reveals " + share.length + " values to party " + receiver);
            try (var st = reveal.step(id.under("reveal").name())) {
                if (session.party() != receiver) {
                    reveal.sendLongs(share);
                    return null;
                }
                long[] peer = new long[share.length];
                reveal.receiveLongs(peer, 0, peer.length);
                long[] out = new long[share.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = share[i] + peer[i];
                }
                return out;
            }
        });
    }

    /**
     * Runs one two-party call: its wall time goes to {@link #timings()} under {@code kind}, the calling
     * thread's CPU time to the party's ({@link org.securetrain.runtime.PartyThreads#cpuNanos()}).
     */
    private <T> T timed(KernelTimings.Kind kind, java.util.function.Supplier<T> call) {
        long t0 = System.nanoTime();
        try {
            return session.threads().onCaller(call);
        } finally {
            timings.add(kind, System.nanoTime() - t0);
        }
    }

    /** The COT channel of {@code id}, opened on first use (no messages: streams and tweak domains only). */
    private synchronized CotChannel cot(ProtocolId id) {
        return cot.computeIfAbsent(id, i -> silent != null ? CotChannel.silent(silent, i)
                : CotChannel.iknp(ot, i, IknpRandomCotSender.DEFAULT_POOL));
    }

    /** The garbled-circuit instance of {@code id}, opened on first use (party 0 garbles). */
    private synchronized GcProtocol gc(ProtocolId id) {
        return gc.computeIfAbsent(id, i -> GcProtocol.open(session, ot, i));
    }

    @Override
    public void close() {
        he.close();
    }
}
