package org.securetrain.crypto.ot;

/**
 * Sender of correlated OT over the ring Z_2^64 with a per-element correlation: the sender inputs
 * delta_i and gets a pseudorandom x_i; the receiver with choice b_i gets x_i + b_i·delta_i (mod 2^64).
 * Exactly: one hashed random OT (m0_i, m1_i, 64-bit) and one 64-bit correction per element,
 * x_i = m0_i and c_i = m0_i + delta_i - m1_i; a receiver with b_i = 1 outputs m1_i + c_i. c_i is
 * masked by m1_i, which a receiver with b_i = 0 cannot compute, so delta_i stays hidden.
 *
 * <p>Communication: 16 bytes (u columns) + 8 bytes (c) per element; two flights (the
 * sender answers each chunk of u with its corrections, and the receiver keeps at most two chunks in
 * flight, so latency is about one round trip whatever n is and memory is bounded by the chunk size).
 * Obtain from {@link OtEngine#ringCotSender}. Not thread-safe.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class RingCotSender extends HashedOt<IknpSender> {

    RingCotSender(IknpSender core) {
        super(core);
    }

    /** n ring COTs with correlations delta[0..n); returns the sender's x_i (n longs). */
    public long[] send(long[] delta, int n) {
        return core.guarded(() -> {
            OtWire.checkN(n);
            OtWire.checkLen(delta, n, "delta");
            long[] x = new long[n];
            long[] m1 = new long[Math.min(core.chunk, n)];
            core.begin(OtWire.Kind.RING_COT, n);
            core.extend(n, true, (done, m, tweak, q) -> {
                hash.tccr(q, 0, 0, 0, x, done, m, tweak, core.instanceId, true);
                hash.tccr(q, 0, core.deltaLo(), core.deltaHi(), m1, 0, m, tweak, core.instanceId, true);
                for (int k = 0; k < m; k++) {
                    m1[k] = x[done + k] + delta[done + k] - m1[k]; // correction c_k, in place
                }
                try (var st = core.ch.step("ot.ringcot")) {
                    core.ch.sendLongs(m1, 0, m);
                }
            });
            return x;
        });
    }
}
