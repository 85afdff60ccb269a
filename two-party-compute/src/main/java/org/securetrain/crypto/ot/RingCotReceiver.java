package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.CrHash;

/**
 * Receiver of ring COT (see {@link RingCotSender}): with choice bits b (packed LSB-first) it gets
 * y_i = x_i + b_i·delta_i mod 2^64. Obtain from {@link OtEngine#ringCotReceiver}. Not thread-safe.
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
            int chunks = OtWire.chunks(n, chunk);
            long[][] bufs = null;
            long[] t = new long[2 * cm];
            long[] c = new long[cm];
            int answered = 0;
            for (int k = 0, done = 0; done < n; k++, done += chunk) {
                int m = Math.min(chunk, n - done);
                if (k >= OtWire.WINDOW) { // flow control: the corrections of chunk k - WINDOW first
                    core.ensurePeerHeader();
                    applyCorrections(choices, y, c, answered++, n, chunk);
                }
                bufs = core.chunkBuffers(bufs, m);
                long tweak = core.count();
                core.extendChunk(choices, done, m, bufs, t, 0);
                hash.tccr(t, 0, 0, 0, y, done, m, tweak, core.instanceId(), true); // y = m_b
            }
            core.finish(OtWire.KIND_RING_COT, n);
            while (answered < chunks) {
                applyCorrections(choices, y, c, answered++, n, chunk);
            }
            return y;
        } catch (RuntimeException e) {
            core.markBroken();
            throw OtWire.abortOn(core.channel(), e);
        }
    }

    /** Receives the sender's corrections of chunk k; where b_i = 1, y_i = m1_i + c_i = m0_i + delta_i. */
    private void applyCorrections(long[] choices, long[] y, long[] c, int k, int n, int chunk) {
        int done = k * chunk;
        int m = Math.min(chunk, n - done);
        try (var st = core.channel().step("ot.ringcot")) {
            core.channel().receiveLongs(c, 0, m);
        }
        for (int j = 0; j < m; j++) {
            int i = done + j;
            long b = choices[i >>> 6] >>> (i & 63) & 1;
            y[i] += c[j] & -b;
        }
    }
}
