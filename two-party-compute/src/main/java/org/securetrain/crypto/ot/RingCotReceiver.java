package org.securetrain.crypto.ot;

/**
 * Receiver of ring COT (see {@link RingCotSender}): with choice bits b (packed LSB-first) it gets
 * y_i = x_i + b_i·delta_i mod 2^64. Obtain from {@link OtEngine#ringCotReceiver}. Not thread-safe.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class RingCotReceiver extends HashedOt<IknpReceiver> {

    RingCotReceiver(IknpReceiver core) {
        super(core);
    }

    /** n ring COTs with choice bits {@code choices}; returns y_i (n longs). */
    public long[] receive(long[] choices, int n) {
        return core.guarded(() -> {
            OtWire.checkN(n);
            OtWire.checkBits(choices, n, "choice bits");
            long[] y = new long[n];
            long[] c = new long[Math.min(core.chunk, n)];
            core.begin(OtWire.Kind.RING_COT, n);
            core.extend(choices, n, k -> applyCorrections(choices, y, c, k, n),
                    (done, m, tweak, t) -> hash.tccr(t, 0, 0, 0, y, done, m, tweak, core.instanceId, true)); // y = m_b
            return y;
        });
    }

    /** Receives the sender's corrections of chunk k; where b_i = 1, y_i = m1_i + c_i = m0_i + delta_i. */
    private void applyCorrections(long[] choices, long[] y, long[] c, int k, int n) {
        int done = k * core.chunk;
        int m = Math.min(core.chunk, n - done);
        try (var st = core.ch.step("ot.ringcot")) {
            core.ch.receiveLongs(c, 0, m);
        }
        for (int j = 0; j < m; j++) {
            int i = done + j;
            long b = choices[i >>> 6] >>> (i & 63) & 1;
            y[i] += c[j] & -b;
        }
    }
}
