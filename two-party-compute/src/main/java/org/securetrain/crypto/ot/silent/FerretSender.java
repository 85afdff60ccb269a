package org.securetrain.crypto.ot.silent;

import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.Channel;

/**
 * Ferret silent OT, COT sender (Yang, Weng, Lan, Zhang, Wang, "Ferret: Fast Extension for coRRElated
 * oT with small communication", CCS 2020), semi-honest, with Half-Tree single-point COTs. Holds the
 * global correlation Δ (lsb 1); every COT it serves is a block q_i with lsb 0 (the receiver's block
 * t_i = q_i ⊕ b_i Δ carries its choice bit in its lsb; lsb(q_i) is never secret from the receiver in any
 * COT with lsb(Δ) = 1, since lsb(q_i) = lsb(t_i) ⊕ b_i).
 *
 * <p>Per iteration it sends one message (its only traffic after set-up): a 40-byte header and one
 * 128-bit correction per tree level, {@link FerretParams#bytesPerIteration()} bytes for
 * {@link FerretParams#outputsPerIteration()} COTs (about 0.21 bit per COT for ferret_b13). It never
 * waits for the receiver, and it sends each iteration's message one iteration ahead (iteration 1's at
 * set-up), so the receiver does not wait either while both draw COTs at about the same pace; the cost is
 * one iteration's message (and its tree expansion) sent ahead that may never be used.
 *
 * <p>Obtain from {@link SilentOt}. Not thread-safe.
 */
public final class FerretSender extends FerretPool implements RandomCotSender {
    private final long deltaLo;
    private final long deltaHi;
    private final MpcotSender mpcot;
    private final long[] msg;
    /** Tree levels 1..depth-1 of one batch, for the correction pass (the leaf level is only summed). */
    private final long[] scratch;
    private boolean ahead;
    private long sentUpTo;
    /** This party's calls when the current iteration started (the initial state before the first). */
    private FerretWire.CallLog lastStart = FerretWire.CallLog.NONE;

    FerretSender(FerretParams p, Channel ch, String step, byte[] lpnSeed, long[] base, long deltaLo, long deltaHi,
            Prg seedPrg) {
        super(p, ch, step, lpnSeed, base);
        if ((deltaLo & 1) == 0) {
            throw new IllegalArgumentException("Ferret needs a delta with lsb 1");
        }
        for (int i = 0; i < base.length; i += 2) {
            if ((base[i] & 1) != 0) {
                throw new IllegalArgumentException("sender base COT " + i / 2
                        + " has lsb 1; the lsb convention needs 0");
            }
        }
        this.deltaLo = deltaLo;
        this.deltaHi = deltaHi;
        this.mpcot = new MpcotSender(p, deltaLo, deltaHi, seedPrg);
        this.msg = new long[FerretWire.EXTEND_HEADER_LONGS + 2 * p.trees() * p.depth()];
        this.scratch = new long[HalfTree.nodes(p.depth(), p.batchTrees())];
    }

    @Override
    public long deltaLo() {
        return deltaLo;
    }

    @Override
    public long deltaHi() {
        return deltaHi;
    }

    @Override
    public void next(int n, long[] q) {
        take(n, q, false, null);
    }

    /**
     * From now on, sends each iteration's corrections one iteration ahead, starting with iteration 1's
     * right now (the end of the set-up). Without this call (the one-shot bootstrap stage) they go out
     * when the iteration starts.
     */
    void sendAhead() {
        ahead = true;
        sendCorrections(1, cur, lastStart);
    }

    @Override
    void startIteration() {
        FerretWire.CallLog previousStart = lastStart;
        lastStart = calls;
        if (sentUpTo < iteration) {
            sendCorrections(iteration, cur, previousStart);
        }
        mpcot.begin();
    }

    @Override
    void nextBaseReady(long[] nextBase) {
        if (ahead) {
            sendCorrections(iteration + 1, nextBase, lastStart);
        }
    }

    /** Header: the iteration and this party's calls when the iteration before it started. */
    private void sendCorrections(long forIteration, long[] base, FerretWire.CallLog callsThen) {
        FerretWire.putExtendHeader(msg, forIteration, callsThen);
        mpcot.corrections(base, msg, FerretWire.EXTEND_HEADER_LONGS, scratch); // batchBuf is being served
        try (var s = ch.step(step)) {
            ch.sendLongs(msg);
        }
        sentUpTo = forIteration;
    }

    @Override
    void mpcotLeaves(int b, long[] out) {
        mpcot.leaves(b, out);
    }
}
