package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.Channel;

/**
 * Sender of IKNP OT extension (Ishai, Kilian, Nissim, Petrank, CRYPTO 2003) with kappa = 128 and the
 * ALSZ optimisations (Asharov, Lindell, Schneider, Zohner, CCS 2013): base-OT keys are expanded by a
 * PRG per column and only the receiver's u columns travel. This party was the <em>receiver</em> of the
 * 128 base OTs with choice string s (s_0 = 1) and holds the PRG seeds k_j^{s_j}.
 *
 * <p>For a batch of m OTs it receives u^j = G(k_j^0) ⊕ G(k_j^1) ⊕ r (128 columns of m bits) and
 * computes q^j = G(k_j^{s_j}) ⊕ s_j·u^j = t^j ⊕ s_j·r; transposed, row i is q_i = t_i ⊕ r_i·s. With
 * delta = s this is a block correlated OT: the receiver's t_i = q_i ⊕ r_i·delta. No hash is applied
 * here (the garbled-circuit input labels need the raw correlation); the random, ring and chosen OT
 * flavours hash the rows with the TCCR hash.
 *
 * <p>Obtain instances from {@link OtEngine#cotSender}. Not thread-safe; the instance keeps its
 * PRG streams across calls, so successive calls continue the same extension. Traffic: 16 bytes per OT
 * (u, receiver to sender) in one message per chunk of up to {@code chunk} OTs, plus a 3-long header each
 * way per call; in calls of more than {@link OtWire#WINDOW} chunks the sender acknowledges chunks so the
 * receiver is never more than two chunks ahead (bounded memory); latency stays one flight.
 */
public final class IknpSender implements BlockCotSender {
    private final Channel ch;
    private final long sLo;
    private final long sHi;
    private final Prg[] col;
    private final int chunk;
    private final long instanceId;
    private long counter;
    private boolean broken;

    IknpSender(Channel ch, long sLo, long sHi, byte[][] seeds, int chunk, long instanceId) {
        if (seeds.length != 128) {
            throw new IllegalArgumentException("IKNP needs 128 base-OT seeds, got " + seeds.length);
        }
        if ((sLo & 1) == 0) {
            throw new IllegalArgumentException("delta's least significant bit must be 1");
        }
        if (chunk < 64 || (chunk & 63) != 0) {
            throw new IllegalArgumentException("chunk must be a positive multiple of 64, got " + chunk);
        }
        this.ch = ch;
        this.sLo = sLo;
        this.sHi = sHi;
        this.col = new Prg[128];
        for (int j = 0; j < 128; j++) {
            col[j] = new Prg(seeds[j], 4096);
        }
        this.chunk = chunk;
        this.instanceId = instanceId;
    }

    @Override
    public long deltaLo() {
        return sLo;
    }

    @Override
    public long deltaHi() {
        return sHi;
    }

    /** Name of the channel this instance runs on. */
    public String channelName() {
        return ch.name();
    }

    /** OTs produced by this instance so far (the next OT's index, used as hash tweak). */
    public long count() {
        return counter;
    }

    int chunk() {
        return chunk;
    }

    long instanceId() {
        return instanceId;
    }

    Channel channel() {
        return ch;
    }

    @Override
    public long[] sendBlockCot(int n) {
        ensureUsable();
        try {
            OtWire.checkN(n);
            long[] out = new long[2 * n];
            begin(OtWire.KIND_BLOCK_COT, n);
            long[] buf = null;
            int chunks = OtWire.chunks(n, chunk);
            for (int k = 0, done = 0; done < n; k++, done += chunk) {
                int m = Math.min(chunk, n - done);
                buf = chunkBuffer(buf, m);
                extendChunk(m, buf, out, 2 * done);
                ackIfAwaited(k, chunks);
            }
            return out;
        } catch (RuntimeException e) {
            broken = true;
            throw OtWire.abortOn(ch, e);
        }
    }

    void ensureUsable() {
        if (broken) {
            throw new IllegalStateException("OT instance on stream '" + ch.name()
                    + "' is unusable after an earlier failure");
        }
    }

    void markBroken() {
        broken = true;
    }

    /** Sends our header, receives and checks the receiver's. */
    void begin(int kind, int n) {
        try (var st = ch.step("ot.iknp")) {
            OtWire.sendHeader(ch, OtWire.ROLE_SENDER, kind, n, chunk);
            OtWire.checkPeerHeader(ch, OtWire.ROLE_SENDER, kind, n, chunk);
        }
    }

    /** Acknowledges chunk k if the receiver will wait for it (flow control, {@link OtWire#WINDOW}). */
    void ackIfAwaited(int k, int chunks) {
        if (k + OtWire.WINDOW < chunks) {
            try (var st = ch.step("ot.iknp")) {
                ch.sendLong(k);
            }
        }
    }

    /** A column buffer for chunks of up to m OTs, reusing {@code old} if it is big enough. */
    long[] chunkBuffer(long[] old, int m) {
        int need = 128 * OtWire.words(m);
        return old != null && old.length >= need ? old : new long[need];
    }

    /**
     * One chunk of m OTs: receives the u columns into {@code buf} (128·ceil(m/64) longs, slab layout of
     * {@link OtWire#SLAB_WORDS}), turns them into the q columns in place slab by slab and writes q rows
     * i = 0..m-1 to rows[rowsOff + 2i], [2i+1].
     */
    void extendChunk(int m, long[] buf, long[] rows, int rowsOff) {
        int w = OtWire.words(m);
        try (var st = ch.step("ot.iknp")) {
            ch.receiveLongs(buf, 0, 128 * w);
        }
        for (int w0 = 0; w0 < w; w0 += OtWire.SLAB_WORDS) {
            int sw = Math.min(OtWire.SLAB_WORDS, w - w0);
            int slab = 128 * w0;
            for (int j = 0; j < 128; j++) {
                long sj = j < 64 ? sLo >>> j & 1 : sHi >>> (j - 64) & 1;
                if (sj != 0) {
                    col[j].xorInto(buf, slab + j * sw, sw); // q^j = G(k_j^1) ⊕ u^j
                } else {
                    col[j].fill(buf, slab + j * sw, sw); // q^j = G(k_j^0)
                }
            }
            int first = w0 << 6;
            BitMatrix.transpose128(buf, slab, sw, Math.min(sw << 6, m - first), rows, rowsOff + 2 * first);
        }
        counter += m;
    }
}
