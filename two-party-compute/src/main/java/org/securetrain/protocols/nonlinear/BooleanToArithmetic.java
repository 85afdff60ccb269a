package org.securetrain.protocols.nonlinear;

import java.util.List;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.RingCot;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Boolean to arithmetic conversion of shared bits: from c = c0 XOR c1 to additive shares of c mod 2^64,
 * using c = c0 + c1 - 2·c0·c1. The product c0·c1 is one ring COT (party 0 sends the correlation c0,
 * party 1 chooses c1) over Z_2^63 (Z_2^(k-1) for shares mod 2^k), which is enough because it is doubled. One
 * simultaneous flight (63-bit corrections one way, 1-bit flips the other), one random COT per bit.
 * Standalone ({@link #convert}) or as a stage of a larger protocol ({@link #prepare}, {@link #setInput},
 * {@link #stage()}, {@link #output()}).
 */
public final class BooleanToArithmetic {
    private final CotChannel ch;
    private final int n;
    private final int ell;
    private RingCot.Sender sender;
    private RingCot.Receiver receiver;
    private long[] bits;
    private long[] corr;
    private long[] flips;
    private long[] out;

    public BooleanToArithmetic(CotChannel ch, int n) {
        this(ch, n, 64);
    }

    /**
     * Shares mod 2^{@code ringBits} (in [2, 64]; the outputs are exact in their low ringBits bits, the bits above
     * are not meaningful): the product ring COT then runs over Z_2^(ringBits - 1), ringBits - 1 bits of correction
     * per element. For sums of bits that stay below 2^ringBits, e.g. the range guard's count.
     */
    public BooleanToArithmetic(CotChannel ch, int n, int ringBits) {
        RunTag.elementCount(n);
        if (ringBits < 2 || ringBits > 64) {
            throw new IllegalArgumentException("ring bits must be in [2, 64], got " + ringBits);
        }
        this.ch = ch;
        this.n = n;
        this.ell = ringBits - 1;
    }

    /** Both parties call with their bit shares (packed, n bits); returns shares of the bits mod 2^64. */
    public static long[] convert(CotChannel ch, long[] bits, int n) {
        String problem = n < 0 ? "n must be >= 0, got " + n
                : bits == null || bits.length < (n + 63) >>> 6 ? "bit shares too short for n = " + n : null;
        Inputs.reject(ch, "boolean to arithmetic", problem);
        BooleanToArithmetic b = new BooleanToArithmetic(ch, n);
        b.prepare();
        b.setInput(bits);
        StageRunner.run(ch, "nl.b2a", new RunTag(RunTag.Kind.BOOLEAN_TO_ARITHMETIC, n, 0), List.of(b.stage()));
        return b.output();
    }

    /** Draws n random COTs in the direction party 0 sends. */
    public void prepare() {
        CotPair.Batch b = ch.cots().fetch(n, 0);
        if (ch.party() == 0) {
            sender = RingCot.sender(b.sent(), ch.cots().hash(), 0, n, ell);
        } else {
            receiver = RingCot.receiver(b.received(), ch.cots().hash(), 0, n, ell);
        }
    }

    public void setInput(long[] bits) {
        this.bits = bits;
    }

    public Stage stage() {
        return new Stage(Stage.BOTH) {
            @Override
            protected void write(PackedWriter w) {
                if (sender != null) {
                    corr = new long[n];
                    for (int i = 0; i < n; i++) {
                        corr[i] = bits[i >>> 6] >>> (i & 63) & 1;
                    }
                    sender.writeCorrections(corr, w);
                } else {
                    receiver.writeFlips(bits, w);
                }
            }

            @Override
            protected void read(PackedReader r) {
                if (sender != null) {
                    flips = new long[(n + 63) >>> 6];
                    r.bitVector(flips, n);
                } else {
                    out = receiver.shares(r);
                }
            }

            @Override
            protected void complete() {
                long[] prod = sender != null ? sender.shares(corr, flips) : out;
                long[] res = new long[n];
                for (int i = 0; i < n; i++) {
                    res[i] = (bits[i >>> 6] >>> (i & 63) & 1) - (prod[i] << 1);
                }
                out = res;
            }
        };
    }

    public long[] output() {
        return out;
    }
}
