package org.securetrain.crypto.ot.silent;

import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.runtime.Channel;

/**
 * Ferret silent OT, COT receiver (see {@link FerretSender}). Its choice bits are random and not chosen:
 * bit i is e_i ⊕ (A b)_i, the regular noise of the iteration (whose positions come from the random
 * choice bits of the previous iteration's tree COTs) plus the code applied to the previous choices. It
 * sends nothing after set-up; each iteration it reads the sender's corrections, which the sender sent one
 * iteration ahead.
 *
 * <p>Obtain from {@link SilentOt}. Not thread-safe.
 */
public final class FerretReceiver extends FerretPool implements RandomCotReceiver {
    private final MpcotReceiver mpcot;
    private final long[] msg;
    /** This party's calls when the previous iteration started (the initial state before the first). */
    private FerretWire.CallLog lastStart = FerretWire.CallLog.NONE;

    FerretReceiver(FerretParams p, Channel ch, String step, byte[] lpnSeed, long[] base) {
        super(p, ch, step, lpnSeed, base);
        this.mpcot = new MpcotReceiver(p);
        this.msg = new long[FerretWire.EXTEND_HEADER_LONGS + 2 * p.trees() * p.depth()];
    }

    @Override
    public void next(int n, long[] bits, long[] t) {
        take(n, t, true, bits);
    }

    @Override
    void startIteration() {
        try (var s = ch.step(step)) {
            ch.receiveLongs(msg, 0, msg.length);
        }
        FerretWire.checkExtendHeader(ch, msg, iteration, lastStart);
        lastStart = calls;
        mpcot.absorb(msg, FerretWire.EXTEND_HEADER_LONGS, cur);
    }

    @Override
    void nextBaseReady(long[] nextBase) {
        // nothing to do: the sender sends the next corrections
    }

    @Override
    void mpcotLeaves(int b, long[] out) {
        mpcot.leaves(b, out);
    }

    /** Blocks only, no choice bits (the lsb of each block is its choice bit): the bootstrap hand-over. */
    void nextBlocks(int n, long[] t) {
        take(n, t, false, null);
    }
}
