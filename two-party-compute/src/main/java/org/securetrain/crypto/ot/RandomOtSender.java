package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.CrHash;

/**
 * Sender of random OT: for each of n OTs it gets two pseudorandom messages m0_i, m1_i (64 or 128 bits);
 * the receiver with choice b_i gets m_{b_i,i}. Built on IKNP block COT by hashing:
 * m0_i = H(q_i, tweak_i), m1_i = H(q_i ⊕ delta, tweak_i) with the fixed-key-AES TCCR hash
 * ({@link CrHash#tccr}); tweak_i = (global OT index, instance id), so no tweak repeats in a session.
 * Communication: only the IKNP u columns (16 bytes per OT); one flight.
 *
 * <p>Obtain from {@link OtEngine#rotSender}. Not thread-safe.
 */
public final class RandomOtSender extends HashedOt<IknpSender> {

    RandomOtSender(IknpSender core) {
        super(core);
    }

    /** n random OTs of 64-bit messages into m0[0..n), m1[0..n). */
    public void send64(int n, long[] m0, long[] m1) {
        run(n, m0, m1, true);
    }

    /** n random OTs of 128-bit messages into m0/m1 as (lo, hi) at [2i], [2i+1] (2n longs each). */
    public void send128(int n, long[] m0, long[] m1) {
        run(n, m0, m1, false);
    }

    private void run(int n, long[] m0, long[] m1, boolean low) {
        core.guarded(() -> {
            OtWire.checkN(n);
            long need = low ? n : 2L * n;
            OtWire.checkLen(m0, need, "m0");
            OtWire.checkLen(m1, need, "m1");
            core.begin(low ? OtWire.Kind.ROT64 : OtWire.Kind.ROT128, n);
            core.extend(n, false, (done, m, tweak, q) -> {
                int off = low ? done : 2 * done;
                hash.tccr(q, 0, 0, 0, m0, off, m, tweak, core.instanceId, low);
                hash.tccr(q, 0, core.deltaLo(), core.deltaHi(), m1, off, m, tweak, core.instanceId, low);
            });
            return null;
        });
    }
}
