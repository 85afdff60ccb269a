package org.securetrain.protocols.nonlinear;

import java.util.List;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.RingCot;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Bit times share (multiplexer) on random COTs: from XOR shares of bits d and additive shares of x
 * (mod 2^64), fresh additive shares of d·x, exactly. As in the IKNP version (DESIGN.md 4.4),
 * d·x_p = d_p·x_p + d_{1-p}·(1 - 2·d_p)·x_p, and the second term is one ring COT per element in which
 * party p sends the correlation (1 - 2·d_p)·x_p and party 1-p chooses with d_{1-p}; with
 * {@link RingCot}'s after-the-fact choice both directions and both messages (64-bit corrections, 1-bit
 * flips) go in one simultaneous flight. Cost per element: 2 random COTs and 2 × 65 bits.
 *
 * <p>Usable standalone ({@link #multiply}) or as one stage of a larger protocol: {@link #prepare} draws
 * the COTs (both parties at the same point), {@link #setInputs} before the stage writes,
 * {@link #stage()}, then {@link #output()}.
 */
public final class Multiplexer {
    private final CotChannel ch;
    private final int n;
    private RingCot.Sender sender;
    private RingCot.Receiver receiver;
    private long[] bits;
    private long[] x;
    private long[] corr;
    private long[] fromReceiving;
    private long[] peerFlips;
    private long[] out;

    public Multiplexer(CotChannel ch, int n) {
        this.ch = ch;
        this.n = RunTag.elementCount(n);
    }

    /** Shares of d_i·x_i; both parties call with their shares (bits packed LSB-first, n values). */
    public static long[] multiply(CotChannel ch, long[] bits, long[] x, int n) {
        checkInputs(ch, bits, x, n);
        Multiplexer m = new Multiplexer(ch, n);
        m.prepare();
        m.setInputs(bits, x);
        StageRunner.run(ch, "nl.bitTimesShare", new RunTag(RunTag.Kind.BIT_TIMES_SHARE, n, 0), List.of(m.stage()));
        return m.output();
    }

    static void checkInputs(CotChannel ch, long[] bits, long[] x, int n) {
        String problem = null;
        if (n < 0) {
            problem = "n must be >= 0, got " + n;
        } else if (bits == null || bits.length < (n + 63) >>> 6) {
            problem = "bit shares hold " + (bits == null ? 0 : 64L * bits.length) + " bits, n = " + n
                    + " elements need " + ((n + 63) >>> 6) + " words";
        } else if (x == null || x.length < n) {
            problem = "arithmetic shares have length " + (x == null ? 0 : x.length) + ", n = " + n;
        }
        Inputs.reject(ch, "bit times share", problem);
    }

    /** Draws n random COTs in each direction (both parties at the same point of their runs). */
    public void prepare() {
        CotPair.Batch b = ch.cots().fetch(n, n);
        sender = RingCot.sender(b.sent(), ch.cots().hash(), 0, n, 64);
        receiver = RingCot.receiver(b.received(), ch.cots().hash(), 0, n, 64);
    }

    /** This party's bit shares d_p (packed) and value shares x_p, before the stage writes. */
    public void setInputs(long[] bits, long[] x) {
        this.bits = bits;
        this.x = x;
    }

    /** The one simultaneous stage: corrections and flips both ways. */
    public Stage stage() {
        return new Stage(Stage.BOTH) {
            @Override
            protected void write(PackedWriter w) {
                corr = new long[n];
                for (int i = 0; i < n; i++) {
                    long d = bits[i >>> 6] >>> (i & 63) & 1;
                    corr[i] = (x[i] ^ -d) + d; // (1 - 2d)·x
                }
                sender.writeCorrections(corr, w);
                receiver.writeFlips(bits, w);
            }

            @Override
            protected void read(PackedReader r) {
                fromReceiving = receiver.shares(r);
                peerFlips = new long[(n + 63) >>> 6];
                r.bitVector(peerFlips, n);
            }

            @Override
            protected void complete() {
                long[] fromSending = sender.shares(corr, peerFlips);
                out = new long[n];
                for (int i = 0; i < n; i++) {
                    long d = bits[i >>> 6] >>> (i & 63) & 1;
                    out[i] = (x[i] & -d) + fromSending[i] + fromReceiving[i];
                }
            }
        };
    }

    /** This party's shares of d·x (after the stage completed). */
    public long[] output() {
        return out;
    }
}
