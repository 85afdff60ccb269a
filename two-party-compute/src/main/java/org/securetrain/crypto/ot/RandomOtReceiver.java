package org.securetrain.crypto.ot;

/**
 * Receiver of random OT (see {@link RandomOtSender}): with choice bits b (packed LSB-first) it gets
 * m_{b_i,i} = H(t_i, tweak_i). For uniformly random choices draw them with
 * {@link org.securetrain.crypto.prg.Prg#nextBits(int)}. Obtain from {@link OtEngine#rotReceiver}.
 * Not thread-safe.
 */
public final class RandomOtReceiver extends MessageOtReceiver {

    RandomOtReceiver(IknpReceiver core) {
        super(core);
    }

    @Override
    long[] run(long[] choices, int n, boolean low) {
        long[] out = new long[low ? n : 2 * n];
        core.begin(low ? OtWire.Kind.ROT64 : OtWire.Kind.ROT128, n);
        core.extend(choices, n, null, (done, m, tweak, t) ->
                hash.tccr(t, 0, 0, 0, out, low ? done : 2 * done, m, tweak, core.instanceId, low));
        return out;
    }
}
