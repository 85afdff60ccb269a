package org.securetrain.crypto.gc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import javax.crypto.Cipher;

/**
 * Garbler of the half-gates scheme with free XOR (Zahur, Rosulek, Evans, EUROCRYPT 2015), run SIMD
 * over a chunk of m elements: the circuit is garbled gate by gate, and each gate is garbled for all m
 * elements at once, so every AND costs two bulk AES calls (one per half, 2m blocks each) instead of
 * 4m single-block calls.
 *
 * <p>Labels: 128 bits as (lo, hi) longs; a label slot holds m labels contiguously (2m longs). The
 * 0-label of a wire is stored; its 1-label is 0-label ⊕ Δ with the global offset Δ (lsb(Δ) = 1, so the
 * point-and-permute bit of a label is its lowest bit). Garbled AND, 0-labels A, B, p_a = lsb(A),
 * p_b = lsb(B), H_g / H_e the two {@link GateHash} instances of the gate:
 * <pre>
 *   T_G = H_g(A) ⊕ H_g(A⊕Δ) ⊕ p_b·Δ        W_G = H_g(A) ⊕ p_a·T_G
 *   T_E = H_e(B) ⊕ H_e(B⊕Δ) ⊕ A            W_E = H_e(B) ⊕ p_b·(T_E ⊕ A)
 *   C   = W_G ⊕ W_E,  table (T_G, T_E)
 * </pre>
 * A generator half-gate (input b known to the garbler as bit k) is T = H_g(A) ⊕ H_g(A⊕Δ) ⊕ k·Δ,
 * C = H_g(A) ⊕ p_a·T, table T.
 *
 * <p>No objects are allocated per gate or per element; buffers grow to the largest chunk seen and are
 * reused. Not thread-safe.
 */
final class HalfGatesGarbler {
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long dLo;
    private final long dHi;
    /** σ(Δ): σ is linear, so σ(A ⊕ Δ) = σ(A) ⊕ σ(Δ). */
    private final long sdLo;
    private final long sdHi;
    /** Label slots: slot s holds the 0-labels of one wire for the chunk's elements, 2m longs (lo, hi). */
    private long[][] lab = new long[0][];
    private long[] known = new long[0];
    private byte[] hin = new byte[0];
    private byte[] hout = new byte[0];

    HalfGatesGarbler(long deltaLo, long deltaHi) {
        if ((deltaLo & 1) == 0) {
            throw new IllegalArgumentException("the free-XOR offset must have lsb 1 (point-and-permute)");
        }
        this.dLo = deltaLo;
        this.dHi = deltaHi;
        this.sdLo = deltaHi;
        this.sdHi = deltaHi ^ deltaLo;
    }

    /**
     * Garbles one chunk of m elements.
     *
     * @param evalIn0     0-labels of the evaluator's input wires, wire-major: wire i, element e at
     *                    [2(i·m + e)], [2(i·m + e) + 1] (exactly the block-COT sender output)
     * @param garblerBits the garbler's input bits for this chunk, nG planes of words(m) words
     * @param sink        receives, in order, the tables of every AND and then the output-decoding
     *                    planes (nOut planes of words(m) words: lsb of the output 0-label, or the value of a
     *                    garbler-known output)
     */
    void garbleChunk(GcPlan p, GateHash hash, int m, long[] evalIn0, long[] garblerBits, TableSink sink) {
        int m2 = 2 * m;
        int wm = BitPlanes.words(m);
        ensure(p, m);
        long[][] l = lab;
        for (int i = 0; i < p.evaluatorInputs; i++) {
            System.arraycopy(evalIn0, i * m2, l[i], 0, m2);
        }
        System.arraycopy(garblerBits, 0, known, 0, p.garblerInputs * wm);
        byte[] ops = p.op;
        for (int g = 0; g < ops.length; g++) {
            int a = p.a[g];
            int b = p.b[g];
            int o = p.o[g];
            switch (ops[g]) {
                case GcPlan.L_XOR -> xorLabels(l[a], l[b], l[o], m2);
                case GcPlan.L_NOT -> flipAll(l[a], l[o], m);
                case GcPlan.LK_XOR -> flipWhere(l[a], b * wm, l[o], m);
                case GcPlan.L_AND -> {
                    int t = sink.reserve(4 * m);
                    andFull(l[a], l[b], l[o], m, hash.cipher(p.key[g], 0, m2), hash.cipher(p.key[g], 1, m2),
                            sink.buffer(), t);
                }
                case GcPlan.LK_AND -> {
                    int t = sink.reserve(2 * m);
                    andHalf(l[a], b * wm, l[o], m, hash.cipher(p.key[g], 0, m2), sink.buffer(), t);
                }
                case GcPlan.K_XOR -> {
                    for (int w = 0; w < wm; w++) {
                        known[o * wm + w] = known[a * wm + w] ^ known[b * wm + w];
                    }
                }
                case GcPlan.K_AND -> {
                    for (int w = 0; w < wm; w++) {
                        known[o * wm + w] = known[a * wm + w] & known[b * wm + w];
                    }
                }
                case GcPlan.K_NOT -> {
                    for (int w = 0; w < wm; w++) {
                        known[o * wm + w] = ~known[a * wm + w];
                    }
                }
                default -> throw new IllegalStateException("bad op " + ops[g]);
            }
        }
        writeDecoding(p, m, sink);
    }

    private void ensure(GcPlan p, int m) {
        long knownNeed = (long) BitPlanes.words(m) * p.knownSlots;
        if ((long) 2 * m * p.labelSlots > Integer.MAX_VALUE || knownNeed > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("chunk of " + m + " elements too large for this circuit");
        }
        lab = LabelSlots.ensure(lab, p.labelSlots, 2 * m);
        if (known.length < knownNeed) {
            known = new long[(int) knownNeed];
        }
        if (hin.length < 64 * m) {
            hin = new byte[64 * m];
            hout = new byte[64 * m];
        }
    }

    /** Separate arrays per slot let C2 vectorize this loop (same-array offsets would block it). */
    private static void xorLabels(long[] x, long[] y, long[] z, int len) {
        for (int i = 0; i < len; i++) {
            z[i] = x[i] ^ y[i];
        }
    }

    private void flipAll(long[] x, long[] z, int m) {
        for (int i = 0; i < 2 * m; i += 2) {
            z[i] = x[i] ^ dLo;
            z[i + 1] = x[i + 1] ^ dHi;
        }
    }

    /** z = x ⊕ k·Δ per element, k the garbler-known bit. */
    private void flipWhere(long[] x, int ko, long[] z, int m) {
        long[] k = known;
        for (int e = 0; e < m; e++) {
            long mask = -((k[ko + (e >>> 6)] >>> e) & 1);
            z[2 * e] = x[2 * e] ^ (mask & dLo);
            z[2 * e + 1] = x[2 * e + 1] ^ (mask & dHi);
        }
    }

    private void andFull(long[] la, long[] lb, long[] lo, int m, Cipher cg, Cipher ce, long[] tbl, int t) {
        byte[] in = hin;
        byte[] out = hout;
        int half = m << 5; // bytes of one half: 2m blocks
        for (int e = 0; e < m; e++) {
            int p = e << 5;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            long sLo = aHi;
            long sHi = aHi ^ aLo;
            LE.set(in, p, sLo);
            LE.set(in, p + 8, sHi);
            LE.set(in, p + 16, sLo ^ sdLo);
            LE.set(in, p + 24, sHi ^ sdHi);
            long bLo = lb[2 * e];
            long bHi = lb[2 * e + 1];
            sLo = bHi;
            sHi = bHi ^ bLo;
            LE.set(in, half + p, sLo);
            LE.set(in, half + p + 8, sHi);
            LE.set(in, half + p + 16, sLo ^ sdLo);
            LE.set(in, half + p + 24, sHi ^ sdHi);
        }
        GateHash.ecb(cg, in, 0, half, out, 0);
        GateHash.ecb(ce, in, half, half, out, half);
        for (int e = 0; e < m; e++) {
            int p = e << 5;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            long bLo = lb[2 * e];
            long bHi = lb[2 * e + 1];
            // H(x) = π(σx) ⊕ σx; the σ values are the cipher inputs, recomputed from the labels.
            long saLo = aHi;
            long saHi = aHi ^ aLo;
            long ha0Lo = (long) LE.get(out, p) ^ saLo;
            long ha0Hi = (long) LE.get(out, p + 8) ^ saHi;
            long ha1Lo = (long) LE.get(out, p + 16) ^ saLo ^ sdLo;
            long ha1Hi = (long) LE.get(out, p + 24) ^ saHi ^ sdHi;
            long sbLo = bHi;
            long sbHi = bHi ^ bLo;
            long hb0Lo = (long) LE.get(out, half + p) ^ sbLo;
            long hb0Hi = (long) LE.get(out, half + p + 8) ^ sbHi;
            long hb1Lo = (long) LE.get(out, half + p + 16) ^ sbLo ^ sdLo;
            long hb1Hi = (long) LE.get(out, half + p + 24) ^ sbHi ^ sdHi;
            long pa = -(aLo & 1);
            long pb = -(bLo & 1);
            long tgLo = ha0Lo ^ ha1Lo ^ (pb & dLo);
            long tgHi = ha0Hi ^ ha1Hi ^ (pb & dHi);
            long teLo = hb0Lo ^ hb1Lo ^ aLo;
            long teHi = hb0Hi ^ hb1Hi ^ aHi;
            long cLo = ha0Lo ^ (pa & tgLo) ^ hb0Lo ^ (pb & (hb0Lo ^ hb1Lo));
            long cHi = ha0Hi ^ (pa & tgHi) ^ hb0Hi ^ (pb & (hb0Hi ^ hb1Hi));
            int q = t + 4 * e;
            tbl[q] = tgLo;
            tbl[q + 1] = tgHi;
            tbl[q + 2] = teLo;
            tbl[q + 3] = teHi;
            lo[2 * e] = cLo;
            lo[2 * e + 1] = cHi;
        }
    }

    private void andHalf(long[] la, int ko, long[] lo, int m, Cipher cg, long[] tbl, int t) {
        long[] k = known;
        byte[] in = hin;
        byte[] out = hout;
        int len = m << 5;
        for (int e = 0; e < m; e++) {
            int p = e << 5;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            long sLo = aHi;
            long sHi = aHi ^ aLo;
            LE.set(in, p, sLo);
            LE.set(in, p + 8, sHi);
            LE.set(in, p + 16, sLo ^ sdLo);
            LE.set(in, p + 24, sHi ^ sdHi);
        }
        GateHash.ecb(cg, in, 0, len, out, 0);
        for (int e = 0; e < m; e++) {
            int p = e << 5;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            long saLo = aHi;
            long saHi = aHi ^ aLo;
            long h0Lo = (long) LE.get(out, p) ^ saLo;
            long h0Hi = (long) LE.get(out, p + 8) ^ saHi;
            long h1Lo = (long) LE.get(out, p + 16) ^ saLo ^ sdLo;
            long h1Hi = (long) LE.get(out, p + 24) ^ saHi ^ sdHi;
            long kb = -((k[ko + (e >>> 6)] >>> e) & 1);
            long pa = -(aLo & 1);
            long tLo = h0Lo ^ h1Lo ^ (kb & dLo);
            long tHi = h0Hi ^ h1Hi ^ (kb & dHi);
            tbl[t + 2 * e] = tLo;
            tbl[t + 2 * e + 1] = tHi;
            lo[2 * e] = h0Lo ^ (pa & tLo);
            lo[2 * e + 1] = h0Hi ^ (pa & tHi);
        }
    }

    private void writeDecoding(GcPlan p, int m, TableSink sink) {
        int wm = BitPlanes.words(m);
        int d = sink.reserve(p.outputs * wm);
        long[] buf = sink.buffer();
        long last = BitPlanes.lastWordMask(m);
        for (int i = 0; i < p.outputs; i++) {
            int base = d + i * wm;
            switch (p.outKind[i]) {
                case GcPlan.OUT_LABEL -> {
                    long[] so = lab[p.outSlot[i]];
                    for (int w = 0; w < wm; w++) {
                        long bits = 0;
                        int e0 = w << 6;
                        int cnt = Math.min(64, m - e0);
                        for (int j = 0; j < cnt; j++) {
                            bits |= (so[2 * (e0 + j)] & 1) << j;
                        }
                        buf[base + w] = bits;
                    }
                }
                case GcPlan.OUT_KNOWN -> {
                    int ko = p.outSlot[i] * wm;
                    for (int w = 0; w < wm; w++) {
                        buf[base + w] = known[ko + w] & (w == wm - 1 ? last : -1L);
                    }
                }
                default -> {
                    for (int w = 0; w < wm; w++) {
                        buf[base + w] = 0; // constants: the evaluator knows them
                    }
                }
            }
        }
    }
}
