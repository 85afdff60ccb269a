package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.CrHash;

/**
 * Receiver of random OT (see {@link RandomOtSender}): with choice bits b (packed LSB-first) it gets
 * m_{b_i,i} = H(t_i, tweak_i). For uniformly random choices draw them with
 * {@link org.securetrain.crypto.prg.Prg#nextBits(int)}. Obtain from {@link OtEngine#rotReceiver}.
 * Not thread-safe.
 */
public final class RandomOtReceiver {
    private final IknpReceiver core;
    private final CrHash hash = new CrHash();

    RandomOtReceiver(IknpReceiver core) {
        this.core = core;
    }

    /** n random OTs of 64-bit messages; returns m_{b_i,i} for i in [0, n). */
    public long[] receive64(long[] choices, int n) {
        return run(choices, n, true);
    }

    /** n random OTs of 128-bit messages; returns 2n longs, (lo, hi) at [2i], [2i+1]. */
    public long[] receive128(long[] choices, int n) {
        return run(choices, n, false);
    }

    private long[] run(long[] choices, int n, boolean low) {
        core.ensureUsable();
        try {
            OtWire.checkN(n);
            OtWire.checkBits(choices, n, "choice bits");
            long[] out = new long[low ? n : 2 * n];
            core.begin(low ? OtWire.KIND_ROT64 : OtWire.KIND_ROT128, n);
            int chunk = core.chunk();
            long[][] bufs = null;
            long[] t = new long[2 * Math.min(chunk, n)];
            for (int k = 0, done = 0; done < n; k++, done += chunk) {
                int m = Math.min(chunk, n - done);
                if (k >= OtWire.WINDOW) {
                    core.awaitAck(k - OtWire.WINDOW);
                }
                bufs = core.chunkBuffers(bufs, m);
                long tweak = core.count();
                core.extendChunk(choices, done, m, bufs, t, 0);
                hash.tccr(t, 0, 0, 0, out, low ? done : 2 * done, m, tweak, core.instanceId(), low);
            }
            core.finish(low ? OtWire.KIND_ROT64 : OtWire.KIND_ROT128, n);
            return out;
        } catch (RuntimeException e) {
            core.markBroken();
            throw OtWire.abortOn(core.channel(), e);
        }
    }
}
