package org.securetrain.crypto.ot;

import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.Channel;

/**
 * Receiver of IKNP OT extension (see {@link IknpSender}). This party was the <em>sender</em> of the
 * 128 base OTs and holds both seeds k_j^0, k_j^1 of every column. For choice bits r it computes
 * t^j = G(k_j^0) and sends u^j = t^j ⊕ G(k_j^1) ⊕ r; row i of the transposed t is its output
 * t_i = q_i ⊕ r_i·delta.
 *
 * <p>The u columns are pseudorandom whatever r is (G(k_j^{1-s_j}) is unknown to the sender), which is
 * why the sender learns nothing about the choices. Obtain instances from
 * {@link OtEngine#cotReceiver}. Not thread-safe.
 */
public final class IknpReceiver extends IknpEnd implements BlockCotReceiver {
    private final Prg[] g0;
    private final Prg[] g1;

    IknpReceiver(Channel ch, byte[][] seeds0, byte[][] seeds1, int chunk, long instanceId) {
        super(ch, chunk, instanceId);
        if (seeds0.length != 128 || seeds1.length != 128) {
            throw new IllegalArgumentException("IKNP needs 2 x 128 base-OT seeds");
        }
        this.g0 = new Prg[128];
        this.g1 = new Prg[128];
        for (int j = 0; j < 128; j++) {
            g0[j] = new Prg(seeds0[j], 4096);
            g1[j] = new Prg(seeds1[j], 4096);
        }
    }

    @Override
    int senderParty() {
        return 1 - ch.session().party();
    }

    @Override
    public long[] receiveBlockCot(long[] choices, int n) {
        return guarded(() -> {
            OtWire.checkBits(choices, n, "choice bits");
            begin(OtWire.Kind.BLOCK_COT, n);
            long[] out = new long[2 * n];
            long[][] bufs = null;
            for (int k = 0, done = 0; done < n; k++, done += chunk) {
                int m = Math.min(chunk, n - done);
                if (k >= OtWire.WINDOW) {
                    awaitAck(k - OtWire.WINDOW);
                }
                bufs = chunkBuffers(bufs, m);
                extendChunk(choices, done, m, bufs, out, 2 * done);
            }
            return out;
        });
    }

    /**
     * The receiver's side of a hashed flavour: extends n OTs with {@code choices} chunk by chunk and hands each
     * chunk's t rows to {@code step}. The sender's answer to chunk k ({@code answer}, or its acknowledgement
     * when null) is taken before chunk k + {@link OtWire#WINDOW} is sent, and the rest at the end, so at most
     * WINDOW chunks are in flight.
     */
    void extend(long[] choices, int n, java.util.function.IntConsumer answer, ChunkStep step) {
        long[][] bufs = null;
        long[] t = new long[2 * Math.min(chunk, n)];
        int chunks = OtWire.chunks(n, chunk);
        int answered = 0;
        for (int k = 0, done = 0; done < n; k++, done += chunk) {
            int m = Math.min(chunk, n - done);
            if (k >= OtWire.WINDOW) {
                if (answer == null) {
                    awaitAck(k - OtWire.WINDOW);
                } else {
                    answer.accept(answered++);
                }
            }
            bufs = chunkBuffers(bufs, m);
            long tweak = counter;
            extendChunk(choices, done, m, bufs, t, 0);
            step.apply(done, m, tweak, t);
        }
        while (answer != null && answered < chunks) {
            answer.accept(answered++);
        }
    }

    /** Waits for the sender's acknowledgement of chunk k (flow control, {@link OtWire#WINDOW}). */
    void awaitAck(int k) {
        long got;
        try (var st = ch.step("ot.iknp")) {
            got = ch.receiveLong();
        }
        if (got != k) {
            throw new org.securetrain.runtime.ProtocolViolationException("OT stream '" + ch.name()
                    + "': expected the sender's acknowledgement of chunk " + k + ", got " + got);
        }
    }

    /** {t slab, u message} buffers for chunks of up to m OTs, reusing {@code old} if big enough. */
    long[][] chunkBuffers(long[][] old, int m) {
        int need = 128 * OtWire.words(m);
        return old != null && old[1].length >= need ? old
                : new long[][] {new long[128 * OtWire.SLAB_WORDS], new long[need]};
    }

    /**
     * One chunk of m OTs whose choice bits start at bit {@code firstBit} of {@code choices} (a multiple
     * of 64): sends the u columns (slab layout, {@link OtWire#SLAB_WORDS}), writes t rows i = 0..m-1 to
     * rows[rowsOff + 2i], [2i+1]. bufs[0] is a 128·SLAB_WORDS slab of t, bufs[1] the whole u message.
     */
    void extendChunk(long[] choices, int firstBit, int m, long[][] bufs, long[] rows, int rowsOff) {
        int w = OtWire.words(m);
        int r0 = firstBit >>> 6;
        long lastMask = (m & 63) == 0 ? -1L : (1L << (m & 63)) - 1;
        long[] t = bufs[0];
        long[] u = bufs[1];
        for (int w0 = 0; w0 < w; w0 += OtWire.SLAB_WORDS) {
            int sw = Math.min(OtWire.SLAB_WORDS, w - w0);
            int slab = 128 * w0;
            boolean lastSlab = w0 + sw == w;
            for (int j = 0; j < 128; j++) {
                int o = slab + j * sw;
                g0[j].fill(t, j * sw, sw);
                System.arraycopy(t, j * sw, u, o, sw);
                g1[j].xorInto(u, o, sw);
                int rr = r0 + w0;
                for (int k = 0; k < sw; k++) {
                    u[o + k] ^= choices[rr + k];
                }
                if (lastSlab) {
                    u[o + sw - 1] ^= choices[rr + sw - 1] & ~lastMask; // bits past m are not choices: undo
                }
            }
            int first = w0 << 6;
            BitMatrix.transpose128(t, 0, sw, Math.min(sw << 6, m - first), rows, rowsOff + 2 * first);
        }
        try (var st = ch.step("ot.iknp")) {
            ch.sendLongs(u, 0, 128 * w);
        }
        counter += m;
    }
}
