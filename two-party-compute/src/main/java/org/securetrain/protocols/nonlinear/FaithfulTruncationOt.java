package org.securetrain.protocols.nonlinear;

import java.util.List;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.RingCot;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Faithful truncation by k bits on random COTs, with the guarantee of
 * {@link org.securetrain.protocols.FaithfulTruncation}: shares of floor(x / 2^k) or floor(x / 2^k) - 1,
 * never a wrap-around, for |x| &lt; 2^62. Same construction: party 0 adds the public offset 2^62,
 * x' = x0' + x1 - w·2^64 with the wrap w = a OR c, a = msb(x0'), c = msb(x1), and
 * floor(x' / 2^k) = (x0' &gt;&gt; k) + (x1 &gt;&gt; k) + a·c·2^(64-k) (+ the dropped carry, the one-ulp error).
 * The product a·c·2^(64-k) only matters mod 2^64, so a ring COT over Z_2^k (party 0 sends the
 * correlation a, party 1 chooses c) gives shares of a·c mod 2^k, scaled by 2^(64-k).
 * One simultaneous flight: k-bit corrections from party 0, 1-bit flips from party 1; one random COT
 * per element (in the direction party 0 sends).
 */
public final class FaithfulTruncationOt {
    /** |x| must stay below this for the wrap-bit argument. */
    public static final long MAGNITUDE_LIMIT = 1L << 62;

    private FaithfulTruncationOt() {
    }

    /** Both parties call with their shares and the same k in [1, 61]; returns this party's shares. */
    public static long[] truncate(CotChannel ch, long[] share, int k) {
        return truncate(ch, share, k, null);
    }

    /**
     * As {@link #truncate(CotChannel, long[], int)}, with the range guard's check of the same values ({@code check},
     * prepared by both parties, or null) in the same run: the truncation's one stage travels with the check's
     * tables, so the pair costs the check's flights only.
     */
    public static long[] truncate(CotChannel ch, long[] share, int k, OutOfRangeCount check) {
        String problem = share == null ? "shares are null"
                : k < 1 || k > 61 ? "truncation bits must be in [1, 61], got " + k : null;
        Inputs.reject(ch, "faithful truncation", problem);
        int n = share.length;
        int me = ch.party();
        CotPair.Batch b = ch.cots().fetch(n, 0);
        long[] out = new long[n];
        long[] bit = new long[(n + 63) >>> 6];
        for (int i = 0; i < n; i++) {
            long v = me == 0 ? share[i] + MAGNITUDE_LIMIT : share[i];
            bit[i >>> 6] |= (v >>> 63) << (i & 63);
            out[i] = (v >> k) - (me == 0 ? MAGNITUDE_LIMIT >> k : 0);
        }
        int shift = 64 - k;
        Stage st;
        if (me == 0) {
            RingCot.Sender s = RingCot.sender(b.sent(), ch.cots().hash(), 0, n, k);
            long[] corr = new long[n];
            for (int i = 0; i < n; i++) {
                corr[i] = bit[i >>> 6] >>> (i & 63) & 1;
            }
            st = new Stage(Stage.BOTH) {
                long[] flips;

                @Override
                protected void write(PackedWriter w) {
                    s.writeCorrections(corr, w);
                }

                @Override
                protected void read(PackedReader r) {
                    flips = new long[(n + 63) >>> 6];
                    r.bitVector(flips, n);
                }

                @Override
                protected void complete() {
                    long[] sh = s.shares(corr, flips);
                    for (int i = 0; i < n; i++) {
                        out[i] += sh[i] << shift;
                    }
                }
            };
        } else {
            RingCot.Receiver r = RingCot.receiver(b.received(), ch.cots().hash(), 0, n, k);
            st = new Stage(Stage.BOTH) {
                @Override
                protected void write(PackedWriter w) {
                    r.writeFlips(bit, w);
                }

                @Override
                protected void read(PackedReader in) {
                    long[] sh = r.shares(in);
                    for (int i = 0; i < n; i++) {
                        out[i] += sh[i] << shift;
                    }
                }
            };
        }
        if (check == null) {
            StageRunner.run(ch, "nl.truncate", new RunTag(RunTag.Kind.FAITHFUL_TRUNCATION, n, k), List.of(st));
        } else {
            StageRunner.run(ch, "nl.truncate+range", new RunTag(RunTag.Kind.FAITHFUL_TRUNCATION, n, k | 1 << 6),
                    Stages.alongside(me, check.stages(), List.of(st), 1));
        }
        return out;
    }
}
