package org.securetrain.crypto.ot.flavours;

/**
 * Correlated OT with the receiver's chosen choice bits, from random COT: the receiver sends
 * e_i = c_i XOR b_i (one bit per OT, uniform because b_i is), and the sender replaces q_i by
 * q_i XOR e_i·delta. Then t_i = q_i' XOR c_i·delta: a COT with choice c_i (Beaver's derandomisation).
 */
public final class ChosenChoiceCot {
    private ChosenChoiceCot() {
    }

    /**
     * Receiver: the flips e (packed, n bits) for COTs [from, from + n) of {@code r} and choices c
     * (packed, bit i for COT from + i). The batch's choice bits are overwritten with c.
     */
    public static long[] flips(ReceiverCots r, int from, long[] choices, int n) {
        SenderCots.check(from, n, r.n());
        long[] e = new long[(n + 63) >>> 6];
        for (int i = 0; i < n; i++) {
            int k = from + i;
            long c = choices[i >>> 6] >>> (i & 63) & 1;
            long b = r.bits()[k >>> 6] >>> (k & 63) & 1;
            e[i >>> 6] |= (c ^ b) << (i & 63);
            r.bits()[k >>> 6] ^= (c ^ b) << (k & 63);
        }
        return e;
    }

    /** Sender: q_i ^= e_i·delta for COTs [from, from + n) of {@code s}, in place. */
    public static void apply(SenderCots s, int from, long[] e, int n) {
        SenderCots.check(from, n, s.n());
        long[] q = s.q();
        for (int i = 0; i < n; i++) {
            long m = -(e[i >>> 6] >>> (i & 63) & 1);
            int k = from + i;
            q[2 * k] ^= s.deltaLo() & m;
            q[2 * k + 1] ^= s.deltaHi() & m;
        }
    }
}
