package org.securetrain.protocols.nonlinear;

import java.util.List;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.RingCot;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Element-wise product of two additively shared vectors mod 2^64 (no truncation), and the square of one, on
 * random COTs. x·y = x0·y0 + x1·y1 + x0·y1 + x1·y0: the local terms are free, each cross term a·b (a at one
 * party, b at the other) is Gilboa's product: for each bit j of b, one {@link RingCot} in which the holder of
 * a sends the correlation a and the holder of b chooses with b_j. Shares of b_j·a mod 2^(w-j), shifted left by
 * j, are shares of b_j·a·2^j mod 2^w, so the j-th correction needs only w - j bits: 2080 bits for w = 64 instead
 * of 4096, plus 64 flip bits. The receiver's flips and the sender's corrections travel in the same flight
 * ({@link RingCot}'s after-the-fact choice), and in a product each party is the sender of one cross term and the
 * receiver of the other: one simultaneous flight per party, 2 × 2144 bits (536 bytes) and 2 × 64 random COTs per
 * element.
 *
 * <p>Square: x² = x0² + x1² + 2·x0·x1, one cross term, needed mod 2^63 only (it is doubled): w = 63, 2016 + 63
 * bits and 63 random COTs per element. Party 0 is the sender on the first half of the elements and party 1 on
 * the second, so both directions carry half the traffic.
 *
 * <p>Outputs are fresh uniform shares: the sender's part of each ring COT is -H(q) or H(q) + D, a pseudorandom
 * mask the peer does not know. Usable standalone ({@link #multiply}, {@link #square}) or as one stage of a larger
 * protocol: {@link #prepare} (both parties at the same point), {@link #setInputs} before the stage writes,
 * {@link #stage()}, then {@link #output()}.
 *
 * <p>Memory: the COTs are drawn and hashed in chunks of {@link CotChannel#CHUNK_COTS} (no 16-byte blocks kept), but
 * the hashed messages of all n elements are held from {@link #prepare} to the end of the stage (the one flight needs
 * them all): 24 bytes per COT pair, about 1.5 KB per product element per party, plus the 268-byte message each way.
 */
public final class ElementwiseProduct {
    private final CotChannel ch;
    private final int n;
    private final boolean square;
    private final int width;
    /** Elements where this party sends the correlation: [sendFrom, sendTo); where it chooses: [recvFrom, recvTo). */
    private final int sendFrom;
    private final int sendTo;
    private final int recvFrom;
    private final int recvTo;
    private final int chunk;
    /** Per chunk c and bit j: the ring COTs of elements [chunk start, chunk end) at index c * width + j. */
    private RingCot.Sender[] senders;
    private RingCot.Receiver[] receivers;
    private long[] x;
    private long[] y;
    private long[] out;

    private ElementwiseProduct(CotChannel ch, int n, boolean square) {
        this.ch = ch;
        this.n = RunTag.elementCount(n);
        this.square = square;
        this.width = square ? 63 : 64;
        if (square) {
            int half = (n + 1) >>> 1;
            boolean first = ch.party() == 0;
            this.sendFrom = first ? 0 : half;
            this.sendTo = first ? half : n;
            this.recvFrom = first ? half : 0;
            this.recvTo = first ? n : half;
        } else {
            this.sendFrom = 0;
            this.sendTo = n;
            this.recvFrom = 0;
            this.recvTo = n;
        }
        this.chunk = Math.max(64, CotChannel.CHUNK_COTS / width);
    }

    /** A product of n elements (as a stage: {@link #prepare}, {@link #setInputs}, {@link #stage()}). */
    public static ElementwiseProduct product(CotChannel ch, int n) {
        return new ElementwiseProduct(ch, n, false);
    }

    /** A square of n elements (as a stage: {@link #prepare}, {@link #setInputs} with y = null, {@link #stage()}). */
    public static ElementwiseProduct squaring(CotChannel ch, int n) {
        return new ElementwiseProduct(ch, n, true);
    }

    /** Shares of x_i·y_i mod 2^64; both parties call with their shares of equal length. */
    public static long[] multiply(CotChannel ch, long[] x, long[] y) {
        String problem = x == null || y == null ? "missing shares (" + (x == null ? "x" : "y") + " is null)"
                : x.length != y.length ? "x has " + x.length + " shares, y has " + y.length : null;
        Inputs.reject(ch, "element-wise product", problem);
        ElementwiseProduct p = product(ch, x.length);
        p.prepare();
        p.setInputs(x, y);
        StageRunner.run(ch, "nl.product", new RunTag(RunTag.Kind.PRODUCT, x.length, 0), List.of(p.stage()));
        return p.output();
    }

    /** Shares of x_i·x_i mod 2^64; both parties call with their shares. */
    public static long[] square(CotChannel ch, long[] x) {
        Inputs.reject(ch, "element-wise square", x == null ? "missing shares (x is null)" : null);
        ElementwiseProduct p = squaring(ch, x.length);
        p.prepare();
        p.setInputs(x, null);
        StageRunner.run(ch, "nl.square", new RunTag(RunTag.Kind.SQUARE, x.length, 0), List.of(p.stage()));
        return p.output();
    }

    /** Random COTs in the direction party 0 sends, and in the direction party 1 sends. */
    private int[] cotsPerDirection(int from, int to) {
        int mine = 0;
        int peers = 0;
        for (int c = from; c < to; c += chunk) {
            int e = Math.min(to, c + chunk);
            mine += width * overlap(c, e, sendFrom, sendTo);
            peers += width * overlap(c, e, recvFrom, recvTo);
        }
        return ch.party() == 0 ? new int[] {mine, peers} : new int[] {peers, mine};
    }

    private static int overlap(int a, int b, int c, int d) {
        return Math.max(0, Math.min(b, d) - Math.max(a, c));
    }

    /**
     * Draws and hashes the random COTs, chunk by chunk of elements (both parties at the same point): per chunk,
     * width COTs per element in each direction where this party takes part.
     */
    public void prepare() {
        int chunks = (n + chunk - 1) / chunk;
        senders = new RingCot.Sender[chunks * width];
        receivers = new RingCot.Receiver[chunks * width];
        for (int c = 0; c < chunks; c++) {
            int from = c * chunk;
            int to = Math.min(n, from + chunk);
            int[] d = cotsPerDirection(from, to);
            CotPair.Batch b = ch.cots().fetch(d[0], d[1]);
            int s = overlap(from, to, sendFrom, sendTo);
            int r = overlap(from, to, recvFrom, recvTo);
            for (int j = 0; j < width; j++) {
                if (s > 0) {
                    senders[c * width + j] = RingCot.sender(b.sent(), ch.cots().hash(), j * s, s, width - j);
                }
                if (r > 0) {
                    receivers[c * width + j] = RingCot.receiver(b.received(), ch.cots().hash(), j * r, r, width - j);
                }
            }
        }
    }

    /** This party's shares of x and y (y null for a square), before the stage writes. */
    public void setInputs(long[] x, long[] y) {
        if (x == null || x.length < n || (!square && (y == null || y.length < n))) {
            throw new IllegalArgumentException("element-wise product of n = " + n + ": shares missing or too short");
        }
        this.x = x;
        this.y = square ? x : y;
    }

    /** The one simultaneous stage: this party's corrections (as sender) and flips (as receiver), both ways. */
    public Stage stage() {
        return new Stage(Stage.BOTH) {
            private long[][] peerFlips;

            @Override
            protected void write(PackedWriter w) {
                forEachChunk(sendFrom, sendTo, (k, from, m) -> {
                    long[] a = slice(x, from, m);
                    for (int j = 0; j < width; j++) {
                        senders[k + j].writeCorrections(a, w);
                    }
                });
                long[] choice = new long[(chunk + 63) >>> 6];
                forEachChunk(recvFrom, recvTo, (k, from, m) -> {
                    for (int j = 0; j < width; j++) {
                        java.util.Arrays.fill(choice, 0);
                        for (int i = 0; i < m; i++) {
                            choice[i >>> 6] |= (y[from + i] >>> j & 1) << (i & 63);
                        }
                        receivers[k + j].writeFlips(choice, w);
                    }
                });
            }

            @Override
            protected void read(PackedReader r) {
                out = new long[n];
                forEachChunk(recvFrom, recvTo, (k, from, m) -> {
                    for (int j = 0; j < width; j++) {
                        long[] v = receivers[k + j].shares(r);
                        receivers[k + j] = null;
                        for (int i = 0; i < m; i++) {
                            out[from + i] += v[i] << j;
                        }
                    }
                });
                peerFlips = new long[senders.length][];
                forEachChunk(sendFrom, sendTo, (k, from, m) -> {
                    for (int j = 0; j < width; j++) {
                        peerFlips[k + j] = new long[(m + 63) >>> 6];
                        r.bitVector(peerFlips[k + j], m);
                    }
                });
            }

            @Override
            protected void complete() {
                forEachChunk(sendFrom, sendTo, (k, from, m) -> {
                    long[] a = slice(x, from, m);
                    for (int j = 0; j < width; j++) {
                        long[] v = senders[k + j].shares(a, peerFlips[k + j]);
                        senders[k + j] = null;
                        peerFlips[k + j] = null;
                        for (int i = 0; i < m; i++) {
                            out[from + i] += v[i] << j;
                        }
                    }
                });
                int shift = square ? 1 : 0; // the square's cross term counts twice
                for (int i = 0; i < n; i++) {
                    out[i] = (out[i] << shift) + x[i] * y[i];
                }
            }
        };
    }

    /** This party's shares of x·y (after the stage completed). */
    public long[] output() {
        return out;
    }

    /**
     * Visits the chunks that hold elements [from, to), in message order: the chunk's first ring COT index
     * (bit j at index + j), its first element in [from, to) and how many of its elements are.
     */
    private void forEachChunk(int from, int to, Visit v) {
        for (int c = from / chunk * chunk; c < to; c += chunk) {
            int s = Math.max(from, c);
            int m = Math.min(to, c + chunk) - s;
            if (m > 0) {
                v.visit(c / chunk * width, s, m);
            }
        }
    }

    private interface Visit {
        void visit(int index, int from, int count);
    }

    private static long[] slice(long[] v, int from, int m) {
        return from == 0 && v.length == m ? v : java.util.Arrays.copyOfRange(v, from, from + m);
    }
}
