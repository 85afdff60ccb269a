package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.CrHash;

/**
 * Receiver of ring COT (see {@link RingCotSender}): with choice bits b (packed LSB-first) it gets
 * y_i = x_i + b_i·delta_i mod 2^64. Obtain from {@link OtEngine#ringCotReceiver(String)}. Not thread-safe.
 */
public final class RingCotReceiver {
    private final IknpReceiver core;
    private final CrHash hash = new CrHash();

    RingCotReceiver(IknpReceiver core) {
        this.core = core;
    }

    /** n ring COTs with choice bits {@code choices}; returns y_i (n longs). */
    public long[] receive(long[] choices, int n) {
        core.ensureUsable();
        try {
            OtWire.checkN(n);
            OtWire.checkBits(choices, n, "choice bits");
            long[] y = new long[n];
            core.begin(OtWire.KIND_RING_COT, n);
            int chunk = core.chunk();
            int cm = Math.min(chunk, n);
            long[][] bufs = null;
            long[] t = new long[2 * cm];
            for (int done = 0; done < n; done += chunk) {
                int m = Math.min(chunk, n - done);
                bufs = core.chunkBuffers(bufs, m);
                long tweak = core.count();
                core.extendChunk(choices, done, m, bufs, t, 0);
                hash.tccr(t, 0, 0, 0, y, done, m, tweak, core.instanceId(), true); // y = m_b
            }
            core.finish(OtWire.KIND_RING_COT, n);
            long[] c = new long[cm];
            for (int done = 0; done < n; done += chunk) {
                int m = Math.min(chunk, n - done);
                try (var st = core.channel().step("ot.ringcot")) {
                    core.channel().receiveLongs(c, 0, m);
                }
                for (int k = 0; k < m; k++) {
                    int i = done + k;
                    long b = choices[i >>> 6] >>> (i & 63) & 1;
                    y[i] += c[k] & -b; // b = 1: m1 + c = m0 + delta
                }
            }
            return y;
        } catch (RuntimeException e) {
            core.markBroken();
            throw OtWire.abortOn(core.channel(), e);
        }
    }
}
