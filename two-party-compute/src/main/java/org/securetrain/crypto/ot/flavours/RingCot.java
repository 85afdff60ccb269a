package org.securetrain.crypto.ot.flavours;

import org.securetrain.crypto.prg.CrHash;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Correlated OT over Z_2^ell with a per-element correlation, from random COT, in one simultaneous
 * exchange. The sender holds x0_i = H(q_i), x1_i = H(q_i XOR delta) and the receiver y_i = H(t_i) =
 * x_{b_i,i} (ell-bit hashes, TCCR). For a correlation D_i the sender sends c_i = x0_i - x1_i + D_i;
 * the receiver's y_i + b_i·c_i and the sender's -x0_i are then shares of b_i·D_i. To use a chosen
 * choice c_i instead of the random b_i the receiver sends e_i = c_i XOR b_i <em>at the same time</em>
 * (it does not need c_i's correction first): since c = b + e - 2be,
 * c·D = (1 - 2e)·b·D + e·D, so the sender outputs (1 - 2e)·(-x0) + e·D and the receiver (1 - 2e)·(y + b·c).
 * Both messages can travel in the same flight; the product is exact mod 2^ell.
 *
 * <p>Views: the sender sees e, uniform (b is uniform and hidden); the receiver sees c_i, where for
 * b_i = 0 the term x1_i = H(q_i XOR delta) is pseudorandom to it (unknown delta), so c_i is uniform
 * whatever D_i is; for b_i = 1 it equals its own output minus y_i: simulatable from the output.
 */
public final class RingCot {
    private RingCot() {
    }

    /** The sending side of n ring COTs on COTs [from, from + n) of a batch. */
    public static Sender sender(SenderCots s, CrHash h, int from, int n, int ell) {
        return new Sender(s, h, from, n, ell);
    }

    /** The receiving side of n ring COTs on COTs [from, from + n) of a batch. */
    public static Receiver receiver(ReceiverCots r, CrHash h, int from, int n, int ell) {
        return new Receiver(r, h, from, n, ell);
    }

    static long mask(int ell) {
        return ell == 64 ? -1L : (1L << ell) - 1;
    }

    public static final class Sender {
        private final int n;
        private final int ell;
        private final long[] x0;
        private final long[] diff; // x0 - x1

        Sender(SenderCots s, CrHash h, int from, int n, int ell) {
            this.n = n;
            this.ell = ell;
            long[][] m = RandomOt.senderMessages(s, h, from, n, ell);
            this.x0 = m[0];
            this.diff = m[1];
            for (int i = 0; i < n; i++) {
                diff[i] = x0[i] - diff[i];
            }
        }

        public int size() {
            return n;
        }

        /** Writes c_i = x0_i - x1_i + D_i (ell bits each) for the correlations D[0 .. n). */
        public void writeCorrections(long[] d, PackedWriter out) {
            long m = mask(ell);
            for (int i = 0; i < n; i++) {
                out.bits((diff[i] + d[i]) & m, ell);
            }
        }

        /** This party's shares of c_i·D_i mod 2^ell, given the receiver's flips e (packed; null: none sent). */
        public long[] shares(long[] d, long[] e) {
            long m = mask(ell);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                long ei = e == null ? 0 : e[i >>> 6] >>> (i & 63) & 1;
                out[i] = (ei == 0 ? -x0[i] : x0[i] + d[i]) & m;
            }
            return out;
        }
    }

    public static final class Receiver {
        private final ReceiverCots r;
        private final int from;
        private final int n;
        private final int ell;
        private final long[] y;
        private long[] e;

        Receiver(ReceiverCots r, CrHash h, int from, int n, int ell) {
            this.r = r;
            this.from = from;
            this.n = n;
            this.ell = ell;
            this.y = RandomOt.receiverMessages(r, h, from, n, ell);
        }

        public int size() {
            return n;
        }

        /** Writes the flips e_i = c_i XOR b_i for the chosen choices c (packed, n bits) and keeps them. */
        public void writeFlips(long[] choices, PackedWriter out) {
            e = new long[(n + 63) >>> 6];
            for (int i = 0; i < n; i++) {
                int k = from + i;
                long b = r.bits()[k >>> 6] >>> (k & 63) & 1;
                e[i >>> 6] |= ((choices[i >>> 6] >>> (i & 63) & 1) ^ b) << (i & 63);
            }
            out.bitVector(e, n);
        }

        /** The flips written by {@link #writeFlips} (null before). */
        public long[] flips() {
            return e;
        }

        /** Reads the n corrections; this party's shares of c_i·D_i mod 2^ell (c = b if no flips were sent). */
        public long[] shares(PackedReader in) {
            long m = mask(ell);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                int k = from + i;
                long b = r.bits()[k >>> 6] >>> (k & 63) & 1;
                long v = y[i] + (in.bits(ell) & -b);
                long ei = e == null ? 0 : e[i >>> 6] >>> (i & 63) & 1;
                out[i] = (ei == 0 ? v : -v) & m;
            }
            return out;
        }
    }
}
