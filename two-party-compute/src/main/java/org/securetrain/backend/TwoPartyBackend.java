package org.securetrain.backend;

import org.securetrain.protocols.BitTimesShare;
import org.securetrain.protocols.FaithfulTruncation;
import org.securetrain.protocols.MatrixShare;
import org.securetrain.protocols.MaxPoolCircuitProtocol;
import org.securetrain.protocols.ReluTruncation;
import org.securetrain.protocols.SecureMatMul;

import java.security.SecureRandom;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.ProtocolId;

/**
 * The real two-party backend: each party runs one over its {@link Session}. Products use the
 * rotation-free HE product (DESIGN.md 4.2), ReLU and max the garbled circuits (4.3, 4.5), truncation and
 * bit-times-share OT extension (4.4). Set-up (both parties call {@link #open} together) runs the base OTs
 * of both directions and exchanges HE public keys once per session.
 *
 * <p>Every call is a two-party protocol: both parties must make the same calls in the same order with the
 * same shapes; each protocol checks the shapes and fails on both sides with both views on a mismatch.
 */
public final class TwoPartyBackend implements Backend, AutoCloseable {
    private final Session session;
    private final FixedPoint fp;
    private final OtEngine ot;
    private final HeContext he;
    private final Channel control;
    private final Channel reveal;
    private final KernelTimings timings;
    /** One garbled-circuit instance (its own stream and OT instance) per calling protocol id. */
    private final java.util.Map<ProtocolId, GcProtocol> gc = new java.util.HashMap<>();

    private TwoPartyBackend(Session session, FixedPoint fp, OtEngine ot, HeContext he, KernelTimings timings) {
        this.session = session;
        this.fp = fp;
        this.ot = ot;
        this.he = he;
        this.timings = timings;
        this.control = session.channel("kernels.control");
        this.reveal = session.channel("kernels.reveal");
    }

    /** Both parties call this once per session. */
    public static TwoPartyBackend open(Session session, FixedPoint fp) {
        KernelTimings t = new KernelTimings();
        long t0 = System.nanoTime();
        OtEngine ot = OtEngine.setup(session, new SecureRandom());
        HeContext he = HeContext.open(session);
        t.add(KernelTimings.Kind.SETUP, System.nanoTime() - t0);
        return new TwoPartyBackend(session, fp, ot, he, t);
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
        int me = session.party();
        MatrixShare ma = new MatrixShare(m, k, a.share(), a.transposed(), a.kind().isZeroAt(me));
        MatrixShare mb = new MatrixShare(k, n, b.share(), b.transposed(), b.kind().isZeroAt(me));
        long t0 = System.nanoTime();
        try {
            return SecureMatMul.multiply(session, he, ma, mb, id);
        } finally {
            timings.add(KernelTimings.Kind.HE_PRODUCT, System.nanoTime() - t0);
        }
    }

    @Override
    public ReluOutput reluTruncate(long[] z, ProtocolId id) {
        long t0 = System.nanoTime();
        try {
            ReluTruncation.Result r = ReluTruncation.run(gc(id), z, fp.fracBits());
            return new ReluOutput(r.yShare(), r.dBits());
        } finally {
            timings.add(KernelTimings.Kind.RELU_GC, System.nanoTime() - t0);
        }
    }

    @Override
    public long[] truncate(long[] x, int bits, ProtocolId id) {
        long t0 = System.nanoTime();
        try {
            return FaithfulTruncation.truncate(ot, control, x, bits, id);
        } finally {
            timings.add(KernelTimings.Kind.TRUNCATION_OT, System.nanoTime() - t0);
        }
    }

    @Override
    public long[] bitTimesShare(long[] bits, long[] x, ProtocolId id) {
        long t0 = System.nanoTime();
        try {
            return BitTimesShare.multiply(ot, bits, x, x.length, id);
        } finally {
            timings.add(KernelTimings.Kind.BIT_TIMES_SHARE_OT, System.nanoTime() - t0);
        }
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, ProtocolId id) {
        long t0 = System.nanoTime();
        try {
            MaxPoolCircuitProtocol.Result r = MaxPoolCircuitProtocol.run(gc(id), values, k);
            return new MaxOutput(r.maxShare(), r.argmaxBits());
        } finally {
            timings.add(KernelTimings.Kind.MAX_GC, System.nanoTime() - t0);
        }
    }

    /** The non-receiver sends its share; the receiver adds it to its own. */
    @Override
    public long[] revealTo(int receiver, long[] share, ProtocolId id) {
        if (receiver != 0 && receiver != 1) {
            throw new IllegalArgumentException("receiver must be party 0 or 1, got " + receiver);
        }
        long t0 = System.nanoTime();
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
        } finally {
            timings.add(KernelTimings.Kind.REVEAL, System.nanoTime() - t0);
        }
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
