package org.securetrain.crypto.ot.flavours;

import org.securetrain.crypto.prg.CrHash;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * 1-out-of-2 OT of chosen ell-bit messages from random COT, two flights: the receiver sends its flips
 * e_i = c_i XOR b_i ({@link ChosenChoiceCot#flips}); the sender answers y_{j,i} = M_{j,i} XOR
 * H(q_i XOR (j XOR e_i)·delta, i) for j = 0, 1; the receiver outputs y_{c_i,i} XOR H(t_i, i).
 * The other message is padded with H(t_i XOR delta, i), pseudorandom to the receiver (TCCR, unknown
 * delta); the sender sees only e, uniform because b is.
 */
public final class ChosenMessageOt {
    private ChosenMessageOt() {
    }

    /** Sender: writes y_0, y_1 (ell bits each, element by element) for COTs [from, from + n) of {@code s}. */
    public static void encrypt(SenderCots s, CrHash h, int from, int n, long[] m0, long[] m1, long[] e, int ell,
            PackedWriter out) {
        long[][] pads = RandomOt.senderMessages(s, h, from, n, ell); // pads[j] = H(q XOR j·delta)
        for (int i = 0; i < n; i++) {
            int ei = (int) (e[i >>> 6] >>> (i & 63) & 1);
            out.bits(m0[i] ^ pads[ei][i], ell);
            out.bits(m1[i] ^ pads[1 ^ ei][i], ell);
        }
    }

    /**
     * Receiver: reads the sender's pairs and returns M_{c_i} for COTs [from, from + n) of {@code r}, whose
     * choice bits must already be the chosen c ({@link ChosenChoiceCot#flips} overwrites them).
     */
    public static long[] decrypt(ReceiverCots r, CrHash h, int from, int n, int ell, PackedReader in) {
        long[] m = RandomOt.receiverMessages(r, h, from, n, ell);
        for (int i = 0; i < n; i++) {
            long y0 = in.bits(ell);
            long y1 = in.bits(ell);
            m[i] ^= r.bit(from + i) == 0 ? y0 : y1;
        }
        return m;
    }
}
