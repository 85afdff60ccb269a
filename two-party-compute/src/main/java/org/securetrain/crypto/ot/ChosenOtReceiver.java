package org.securetrain.crypto.ot;

/**
 * Receiver of chosen-message OT (see {@link ChosenOtSender}). Obtain from
 * {@link OtEngine#chosenOtReceiver}. Not thread-safe.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public final class ChosenOtReceiver extends MessageOtReceiver {

    ChosenOtReceiver(IknpReceiver core) {
        super(core);
    }

    @Override
    long[] run(long[] choices, int n, boolean low) {
        int wpm = low ? 1 : 2;
        long[] out = new long[wpm * n];
        long[] e = new long[2 * wpm * Math.min(core.chunk, n)];
        core.begin(low ? OtWire.Kind.CHOSEN64 : OtWire.Kind.CHOSEN128, n);
        core.extend(choices, n, k -> decrypt(choices, out, e, k, n, low),
                (done, m, tweak, t) -> hash.tccr(t, 0, 0, 0, out, wpm * done, m, tweak, core.instanceId, low));
        return out;
    }

    /** Receives the sender's ciphertexts of chunk k (e0 block, then e1) and removes the chosen pads. */
    private void decrypt(long[] choices, long[] out, long[] e, int k, int n, boolean low) {
        int wpm = low ? 1 : 2;
        int done = k * core.chunk;
        int m = Math.min(core.chunk, n - done);
        int len = wpm * m;
        try (var st = core.ch.step("ot.chosen")) {
            core.ch.receiveLongs(e, 0, 2 * len);
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
