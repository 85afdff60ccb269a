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
 * {@link FerretParams#outputsPerIteration()} COTs (about 0.21 bit per COT for ferret_b13); it never
 * waits for the receiver, so an iteration costs half a round trip of latency at most.
 *
 * <p>Obtain from {@link SilentOt}. Not thread-safe.
 */
public final class FerretSender extends FerretPool implements RandomCotSender {
    private final long deltaLo;
    private final long deltaHi;
    private final MpcotSender mpcot;
    private final long[] msg;

    FerretSender(FerretParams p, Channel ch, String step, byte[] lpnSeed, long[] base, long deltaLo, long deltaHi,
            Prg seedPrg) {
        super(p, ch, step, lpnSeed, base);
        if ((deltaLo & 1) == 0) {
            throw new IllegalArgumentException("Ferret needs a delta with lsb 1");
        }
        for (int i = 0; i < base.length; i += 2) {
            if ((base[i] & 1) != 0) {
                throw new IllegalArgumentException("sender base COT " + i / 2 + " has lsb 1; the lsb convention needs 0");
            }
        }
        this.deltaLo = deltaLo;
        this.deltaHi = deltaHi;
        this.mpcot = new MpcotSender(p, deltaLo, deltaHi, seedPrg);
        this.msg = new long[FerretWire.EXTEND_HEADER_LONGS + 2 * p.trees() * p.depth()];
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
        take(n, q, null);
    }

    @Override
    void exchange() {
        FerretWire.putExtendHeader(msg, iteration, calls);
        mpcot.corrections(cur, msg, FerretWire.EXTEND_HEADER_LONGS, batchBuf);
        try (var s = ch.step(step)) {
            ch.sendLongs(msg);
        }
    }

    @Override
    void mpcotLeaves(int b, long[] out) {
        mpcot.leaves(b, out);
    }
}
