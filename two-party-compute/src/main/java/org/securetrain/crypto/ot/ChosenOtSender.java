package org.securetrain.crypto.ot;

/**
 * Sender of chosen-message 1-out-of-2 OT: inputs m0_i, m1_i (64 or 128 bits); the receiver with choice
 * b_i learns m_{b_i,i} and nothing about the other. A hashed random OT pads both messages:
 * e0_i = m0_i ⊕ H(q_i), e1_i = m1_i ⊕ H(q_i ⊕ delta) (TCCR hash with tweak i); the receiver can
 * compute only the pad of its choice.
 *
 * <p>Communication per OT: 16 bytes (u) + 2 messages; two flights. Obtain from
 * {@link OtEngine#chosenOtSender}. Not thread-safe.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class ChosenOtSender extends HashedOt<IknpSender> {

    ChosenOtSender(IknpSender core) {
        super(core);
    }

    /** n OTs of 64-bit messages m0[0..n), m1[0..n). */
    public void send64(long[] m0, long[] m1, int n) {
        run(m0, m1, n, true);
    }

    /** n OTs of 128-bit messages, (lo, hi) at [2i], [2i+1] of m0 and m1. */
    public void send128(long[] m0, long[] m1, int n) {
        run(m0, m1, n, false);
    }

    private void run(long[] m0, long[] m1, int n, boolean low) {
        core.guarded(() -> {
            OtWire.checkN(n);
            int wpm = low ? 1 : 2; // words per message
            OtWire.checkLen(m0, (long) wpm * n, "m0");
            OtWire.checkLen(m1, (long) wpm * n, "m1");
            long[] e = new long[2 * wpm * Math.min(core.chunk, n)]; // e0 of the chunk, then e1
            core.begin(low ? OtWire.Kind.CHOSEN64 : OtWire.Kind.CHOSEN128, n);
            core.extend(n, true, (done, m, tweak, q) -> {
                int len = wpm * m;
                hash.tccr(q, 0, 0, 0, e, 0, m, tweak, core.instanceId, low);
                hash.tccr(q, 0, core.deltaLo(), core.deltaHi(), e, len, m, tweak, core.instanceId, low);
                int src = wpm * done;
                for (int k = 0; k < len; k++) {
                    e[k] ^= m0[src + k];
                    e[len + k] ^= m1[src + k];
                }
                try (var st = core.ch.step("ot.chosen")) {
                    core.ch.sendLongs(e, 0, 2 * len);
                }
            });
            return null;
        });
    }
}
