package org.securetrain.crypto.ot;

/**
 * The receiving end of an OT flavour that delivers one message per choice bit, 64 or 128 bits wide (random
 * and chosen-message OT): the entry points and their argument checks; the flavour computes the messages.
 */
abstract class MessageOtReceiver extends HashedOt<IknpReceiver> {

    MessageOtReceiver(IknpReceiver core) {
        super(core);
    }

    /** n OTs of 64-bit messages with choice bits packed LSB-first; returns m_{b_i,i} for i in [0, n). */
    public long[] receive64(long[] choices, int n) {
        return call(choices, n, true);
    }

    /** n OTs of 128-bit messages; returns 2n longs, (lo, hi) at [2i], [2i+1]. */
    public long[] receive128(long[] choices, int n) {
        return call(choices, n, false);
    }

    private long[] call(long[] choices, int n, boolean low) {
        return core.guarded(() -> {
            OtWire.checkN(n);
            OtWire.checkBits(choices, n, "choice bits");
            return run(choices, n, low);
        });
    }

    /** The flavour's call with checked arguments: agrees with {@code core.begin}, extends, returns messages. */
    abstract long[] run(long[] choices, int n, boolean low);
}
