package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.List;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.RingCot;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * ReLU with truncation and its derivative (DESIGN.md 4.3) on random COTs, the same inputs, outputs and
 * guarantees as the garbled circuit {@link org.securetrain.protocols.ReluTruncation}: from shares of z
 * (scale 2f) fresh shares of y = [z &gt; 0]·floor(z / 2^f) and XOR shares of d = [z &gt; 0], exact for every
 * 64-bit z ({@link Mode#EXACT}); or with y = [z &gt; 0]·(floor(z / 2^f) - c), c in {0, 1}
 * ({@link Mode#FAITHFUL}, at most one ulp below, never a wrap-around). d is exact in both modes.
 *
 * <p>With u0 = z0 - 1, u1 = z1 (so z = u0 + u1 + 1), m_p = msb(u_p), and for z &gt;= 0 (the only case
 * where y is not multiplied by 0): the sum u0 + u1 + 1 wraps past 2^64 exactly when m0 OR m1 (the top
 * bit of z is 0), so
 * <pre>
 *   floor(z / 2^f) = (u0 &gt;&gt; f) + (u1 &gt;&gt; f) + m0·m1·2^(64-f) + c_f,
 *   c_f = [low_f(u0) + low_f(u1) + 1 &gt;= 2^f]
 * </pre>
 * (arithmetic shifts). The pieces:
 * <ul>
 *   <li>d and c_f from one millionaire comparison ({@link PositiveBit} with the low f bits as a subtree:
 *       c_f is that subtree's result, no extra comparison);</li>
 *   <li>m0·m1 mod 2^f from a ring COT over Z_2^f (party 0 sends m0, party 1 chooses m1), scaled by 2^(64-f);</li>
 *   <li>exact mode: c_f to arithmetic shares ({@link BooleanToArithmetic}); faithful mode drops it;</li>
 *   <li>y = d·T with T the sum above: {@link Multiplexer}.</li>
 * </ul>
 * Their messages ride in the comparison's flights (the ring COT with the leaf OT, the conversion with a
 * tree level after the low subtree), so the whole protocol costs the comparison's flights plus one.
 */
public final class ReluTruncationOt {
    /** Maximum truncation: the shifted value keeps a sign bit. */
    public static final int MAX_F = 62;

    /** How y is truncated. */
    public enum Mode {
        /** y = [z &gt; 0]·floor(z / 2^f), bit-exact (one extra random COT and 64 bits per element). */
        EXACT,
        /** y = [z &gt; 0]·(floor(z / 2^f) or that minus 1): faithful, never a wrap-around. */
        FAITHFUL
    }

    /** This party's shares: y (scale f) and d packed LSB-first (bits past n zero). */
    public record Result(long[] yShare, long[] dBits) {
    }

    private ReluTruncationOt() {
    }

    /** Both parties call with their shares of z, the same f in [0, 62], mode and radix. */
    public static Result run(CotChannel ch, long[] z, int f, Mode mode, int radix) {
        return run(ch, z, f, mode, radix, null);
    }

    /**
     * As {@link #run(CotChannel, long[], int, Mode, int)}, with the range guard's check of the same z ({@code check},
     * prepared by both parties, or null) stage by stage in the same flights: its comparison runs beside the sign
     * test's, so the pair costs the flights of the deeper of the two.
     */
    public static Result run(CotChannel ch, long[] z, int f, Mode mode, int radix, OutOfRangeCount check) {
        String problem = z == null ? "shares are null"
                : f < 0 || f > MAX_F ? "truncation f = " + f + " is outside [0, " + MAX_F + "]"
                : mode == null ? "mode is null" : null;
        Inputs.reject(ch, "ReLU with truncation", problem);
        int n = z.length;
        int me = ch.party();
        boolean exact = mode == Mode.EXACT && f > 0;
        PositiveBit pb = new PositiveBit(ch, n, PositiveBit.FULL, radix, exact ? f : 0);
        BooleanToArithmetic b2a = exact ? new BooleanToArithmetic(ch, n) : null;
        Multiplexer mux = new Multiplexer(ch, n);
        int words = (n + 63) >>> 6;

        // random COTs, in the same order at both parties
        pb.prepare();
        CotPair.Batch wrapCots = f > 0 ? ch.cots().fetch(n, 0) : null;
        if (b2a != null) {
            b2a.prepare();
        }
        mux.prepare();

        pb.setInput(z);
        long[] m = new long[words]; // m_p = msb(u_p)
        long[] t = new long[n]; // this party's share of T, completed below
        for (int i = 0; i < n; i++) {
            long u = me == 0 ? z[i] - 1 : z[i];
            m[i >>> 6] |= (u >>> 63) << (i & 63);
            t[i] = f == 0 ? z[i] : u >> f;
        }
        List<Stage> stages = new ArrayList<>(pb.stages());
        if (f > 0) {
            int shift = 64 - f;
            if (me == 0) {
                RingCot.Sender s = RingCot.sender(wrapCots.sent(), ch.cots().hash(), 0, n, f);
                long[] corr = new long[n];
                for (int i = 0; i < n; i++) {
                    corr[i] = m[i >>> 6] >>> (i & 63) & 1;
                }
                long[][] flips = new long[1][];
                stages.set(0, Stages.merge(me, stages.get(0), new Stage(Stage.P1) {
                    @Override
                    protected void read(PackedReader in) {
                        flips[0] = new long[words];
                        in.bitVector(flips[0], n);
                    }
                }));
                stages.set(1, Stages.merge(me, stages.get(1), new Stage(Stage.P0) {
                    @Override
                    protected void write(PackedWriter out) {
                        s.writeCorrections(corr, out);
                        long[] sh = s.shares(corr, flips[0]);
                        for (int i = 0; i < n; i++) {
                            t[i] += sh[i] << shift;
                        }
                    }
                }));
            } else {
                RingCot.Receiver r = RingCot.receiver(wrapCots.received(), ch.cots().hash(), 0, n, f);
                stages.set(0, Stages.merge(me, stages.get(0), new Stage(Stage.P1) {
                    @Override
                    protected void write(PackedWriter out) {
                        r.writeFlips(m, out);
                    }
                }));
                stages.set(1, Stages.merge(me, stages.get(1), new Stage(Stage.P0) {
                    @Override
                    protected void read(PackedReader in) {
                        long[] sh = r.shares(in);
                        for (int i = 0; i < n; i++) {
                            t[i] += sh[i] << shift;
                        }
                    }
                }));
            }
        }
        if (b2a != null) {
            // c_f is known after the low subtree's last level: convert it in the next level's flight
            int at = 2 + pb.plan().lowLevels();
            Stage conv = Stages.beforeWrite(b2a.stage(), () -> b2a.setInput(pb.lowCarry()), () -> {
                long[] c = b2a.output();
                for (int i = 0; i < n; i++) {
                    t[i] += c[i];
                }
            });
            stages.set(at, Stages.merge(me, stages.get(at), conv));
        }
        stages.add(Stages.beforeWrite(mux.stage(), () -> mux.setInputs(pb.output(), t), null));
        int params = f | (exact ? 1 << 6 : 0) | radix << 7 | (check != null ? 1 << 10 : 0);
        if (check != null) {
            stages = Stages.alongside(me, stages, check.stages(), 0);
        }
        StageRunner.run(ch, check != null ? "nl.relu+range" : "nl.relu",
                new RunTag(RunTag.Kind.RELU_TRUNCATION, n, params), stages);
        return new Result(mux.output(), pb.output());
    }
}
