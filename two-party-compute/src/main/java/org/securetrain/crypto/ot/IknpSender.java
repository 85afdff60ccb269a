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
 * (u, receiver to sender) in one message per chunk of up to {@code chunk} OTs; in calls of more than
 * {@link OtWire#WINDOW} chunks the sender acknowledges chunks so the receiver is never more than two chunks
 * ahead (bounded memory); latency stays one flight.
 */
public final class IknpSender extends IknpEnd implements BlockCotSender {
    private final long sLo;
    private final long sHi;
    private final Prg[] col;

    IknpSender(Channel ch, long sLo, long sHi, byte[][] seeds, int chunk, long instanceId) {
        super(ch, chunk, instanceId);
        if (seeds.length != 128) {
            throw new IllegalArgumentException("IKNP needs 128 base-OT seeds, got " + seeds.length);
        }
        if ((sLo & 1) == 0) {
            throw new IllegalArgumentException("delta's least significant bit must be 1");
        }
        this.sLo = sLo;
        this.sHi = sHi;
        this.col = new Prg[128];
        for (int j = 0; j < 128; j++) {
            col[j] = new Prg(seeds[j], 4096);
        }
    }

    @Override
    int senderParty() {
        return ch.session().party();
    }

    @Override
    public long deltaLo() {
        return sLo;
    }

    @Override
    public long deltaHi() {
        return sHi;
    }

    @Override
    public long[] sendBlockCot(int n) {
        return guarded(() -> {
            begin(OtWire.Kind.BLOCK_COT, n);
            long[] out = new long[2 * n];
            long[] buf = null;
            int chunks = OtWire.chunks(n, chunk);
            for (int k = 0, done = 0; done < n; k++, done += chunk) {
                int m = Math.min(chunk, n - done);
                buf = chunkBuffer(buf, m);
                extendChunk(m, buf, out, 2 * done);
                ackIfAwaited(k, chunks);
            }
            return out;
        });
    }

    /**
     * The sender's side of a hashed flavour: extends n OTs chunk by chunk and hands each chunk's q rows to
     * {@code step}. A flavour that answers every chunk itself (corrections, ciphertexts) sets
     * {@code answers}; otherwise chunks are acknowledged as the receiver's flow control needs.
     */
    void extend(int n, boolean answers, ChunkStep step) {
        long[] buf = null;
        long[] q = new long[2 * Math.min(chunk, n)];
        int chunks = OtWire.chunks(n, chunk);
        for (int k = 0, done = 0; done < n; k++, done += chunk) {
            int m = Math.min(chunk, n - done);
            buf = chunkBuffer(buf, m);
            long tweak = counter;
            extendChunk(m, buf, q, 0);
            step.apply(done, m, tweak, q);
            if (!answers) {
                ackIfAwaited(k, chunks);
            }
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
