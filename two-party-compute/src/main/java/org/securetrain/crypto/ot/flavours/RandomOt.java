package org.securetrain.crypto.ot.flavours;

import org.securetrain.crypto.prg.CrHash;

/**
 * Random OT from random COT, no communication: the sender's messages are m0_i = H(q_i, i) and
 * m1_i = H(q_i XOR delta, i), the receiver's m_{b_i} = H(t_i, i), with H the tweakable circular
 * correlation-robust hash ({@link CrHash#tccr}) and i the COT's own tweak. m_{1-b_i} = H(t_i XOR delta, i)
 * is pseudorandom to the receiver, who does not know delta. Messages are the low {@code ell} bits.
 */
public final class RandomOt {
    private RandomOt() {
    }

    /** {m0, m1} for COTs [from, from + n) of {@code s}, each the low ell bits (ell in [1, 64]). */
    public static long[][] senderMessages(SenderCots s, CrHash h, int from, int n, int ell) {
        long[] m0 = new long[n];
        long[] m1 = new long[n];
        s.hash(h, from, n, false, m0, 0, true);
        s.hash(h, from, n, true, m1, 0, true);
        mask(m0, ell);
        mask(m1, ell);
        return new long[][] {m0, m1};
    }

    /** m_{b_i} for COTs [from, from + n) of {@code r} (b_i the batch's choice bits), low ell bits. */
    public static long[] receiverMessages(ReceiverCots r, CrHash h, int from, int n, int ell) {
        long[] m = new long[n];
        r.hash(h, from, n, m, 0, true);
        mask(m, ell);
        return m;
    }

    static void mask(long[] v, int ell) {
        if (ell < 1 || ell > 64) {
            throw new IllegalArgumentException("message width must be in [1, 64], got " + ell);
        }
        if (ell < 64) {
            long m = (1L << ell) - 1;
            for (int i = 0; i < v.length; i++) {
                v[i] &= m;
            }
        }
    }
}
