package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.CrHash;

/**
 * Receiver of chosen-message OT (see {@link ChosenOtSender}). Obtain from
 * {@link OtEngine#chosenOtReceiver}. Not thread-safe.
 */
public final class ChosenOtReceiver {
    private final IknpReceiver core;
    private final CrHash hash = new CrHash();

    ChosenOtReceiver(IknpReceiver core) {
        this.core = core;
    }

    /** n OTs of 64-bit messages; returns m_{b_i,i} for i in [0, n). */
    public long[] receive64(long[] choices, int n) {
        return run(choices, n, true);
    }

    /** n OTs of 128-bit messages; returns 2n longs, (lo, hi) at [2i], [2i+1]. */
    public long[] receive128(long[] choices, int n) {
        return run(choices, n, false);
    }

    private long[] run(long[] choices, int n, boolean low) {
        core.ensureUsable();
        try {
            OtWire.checkN(n);
            OtWire.checkBits(choices, n, "choice bits");
            int wpm = low ? 1 : 2;
            int kind = low ? OtWire.KIND_CHOSEN64 : OtWire.KIND_CHOSEN128;
            long[] out = new long[wpm * n];
            core.begin(kind, n);
            int chunk = core.chunk();
            int cm = Math.min(chunk, n);
            int chunks = OtWire.chunks(n, chunk);
            long[][] bufs = null;
            long[] t = new long[2 * cm];
            long[] e = new long[2 * wpm * cm];
            int answered = 0;
            for (int k = 0, done = 0; done < n; k++, done += chunk) {
                int m = Math.min(chunk, n - done);
                if (k >= OtWire.WINDOW) { // flow control: the ciphertexts of chunk k - WINDOW first
                    core.ensurePeerHeader();
                    decrypt(choices, out, e, answered++, n, chunk, low);
                }
                bufs = core.chunkBuffers(bufs, m);
                long tweak = core.count();
                core.extendChunk(choices, done, m, bufs, t, 0);
                hash.tccr(t, 0, 0, 0, out, wpm * done, m, tweak, core.instanceId(), low);
            }
            core.finish(kind, n);
            while (answered < chunks) {
                decrypt(choices, out, e, answered++, n, chunk, low);
            }
            return out;
        } catch (RuntimeException ex) {
            core.markBroken();
            throw OtWire.abortOn(core.channel(), ex);
        }
    }

    /** Receives the sender's ciphertexts of chunk k (e0 block, then e1) and removes the chosen pads. */
    private void decrypt(long[] choices, long[] out, long[] e, int k, int n, int chunk, boolean low) {
        int wpm = low ? 1 : 2;
        int done = k * chunk;
        int m = Math.min(chunk, n - done);
        int len = wpm * m;
        try (var st = core.channel().step("ot.chosen")) {
            core.channel().receiveLongs(e, 0, 2 * len);
        }
        for (int j = 0; j < m; j++) {
            int i = done + j;
            int b = (int) (choices[i >>> 6] >>> (i & 63) & 1);
            int src = b * len + wpm * j;
            int dst = wpm * i;
            out[dst] ^= e[src];
            if (!low) {
                out[dst + 1] ^= e[src + 1];
            }
        }
    }
}
