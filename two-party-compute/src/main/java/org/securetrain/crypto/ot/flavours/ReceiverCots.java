package org.securetrain.crypto.ot.flavours;

import org.securetrain.crypto.prg.CrHash;

/**
 * A batch of random COTs on the receiving side: random choice bits b_i (packed LSB-first) and blocks
 * t_i = q_i XOR b_i·delta (lo, hi at {@code t[2i], t[2i+1]}); tweak and domain as in {@link SenderCots}.
 */
public record ReceiverCots(int n, long[] bits, long[] t, long tweak, long domain) {

    /** Choice bit i. */
    public int bit(int i) {
        return (int) (bits[i >>> 6] >>> (i & 63) & 1);
    }

    /** H(t_i, tweak_i) for COTs [from, from + count), laid out as in {@link SenderCots#hash}. */
    public void hash(CrHash h, int from, int count, long[] out, int outOff, boolean lowOnly) {
        SenderCots.check(from, count, n);
        h.tccr(t, 2 * from, 0, 0, out, outOff, count, tweak + from, domain, lowOnly);
    }
}
