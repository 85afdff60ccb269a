package org.securetrain.crypto.ot.flavours;

import org.securetrain.crypto.prg.CrHash;

/**
 * A batch of random COTs on the sending side: blocks q_i (lo, hi at {@code q[2i], q[2i+1]}) and the
 * direction's global correlation delta; the receiver holds b_i and q_i XOR b_i·delta. {@code tweak}
 * is the index of the first COT in its direction's stream and {@code domain} identifies the stream:
 * together they give every COT its own hash tweak (tweakLo = index, tweakHi = domain), so no
 * (tweak, input) pair of the tweakable hash is ever queried twice with the same delta.
 */
public record SenderCots(int n, long[] q, long deltaLo, long deltaHi, long tweak, long domain) {

    /**
     * H(q_i XOR (withDelta ? delta : 0), tweak_i) for COTs [from, from + count) into out: the low 64
     * bits only at out[outOff + k] if {@code lowOnly}, else (lo, hi) at out[outOff + 2k], [2k + 1].
     */
    public void hash(CrHash h, int from, int count, boolean withDelta, long[] out, int outOff, boolean lowOnly) {
        check(from, count, n);
        h.tccr(q, 2 * from, withDelta ? deltaLo : 0, withDelta ? deltaHi : 0, out, outOff, count, tweak + from, domain,
                lowOnly);
    }

    static void check(int from, int count, int n) {
        if (from < 0 || count < 0 || from + count > n) {
            throw new IndexOutOfBoundsException("COTs [" + from + ", " + (from + count) + ") of a batch of " + n);
        }
    }
}
