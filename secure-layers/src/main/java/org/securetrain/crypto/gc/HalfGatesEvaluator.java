package org.securetrain.crypto.gc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import javax.crypto.Cipher;

/**
 * Evaluator of the half-gates scheme ({@link HalfGatesGarbler}), SIMD over a chunk of m elements.
 * Holding one label W per wire with signal bit s = lsb(W), an AND is
 * <pre>
 *   W_c = H_g(W_a) ⊕ s_a·T_G ⊕ H_e(W_b) ⊕ s_b·(T_E ⊕ W_a)
 * </pre>
 * (two hashes, one bulk AES call per half over the chunk); a generator half-gate is
 * W_c = H_g(W_a) ⊕ s_a·T. XOR is label XOR; NOT and XOR with a garbler-known bit leave the label
 * unchanged (the garbler re-labelled instead), and garbler-only plaintext ops are skipped.
 * Not thread-safe.
 */
final class HalfGatesEvaluator {
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long[][] lab = new long[0][];
    private byte[] hin = new byte[0];
    private byte[] hout = new byte[0];

    /**
     * Evaluates one chunk of m elements and decodes its outputs.
     *
     * @param evalIn  active labels of the evaluator's input wires, wire-major as in
     *                {@link HalfGatesGarbler#garbleChunk} (exactly the block-COT receiver output)
     * @param src     the garbler's tables and decoding planes, in order
     * @param out     output planes over all elements ({@code outWords} words per plane); this chunk's
     *                bits are written at bit offset {@code outBit} of every plane
     */
    void evaluateChunk(GcPlan p, GateHash hash, int m, long[] evalIn, TableSource src, long[] out, long outBit,
            int outWords) {
        int m2 = 2 * m;
        ensure(p, m);
        long[][] l = lab;
        for (int i = 0; i < p.evaluatorInputs; i++) {
            System.arraycopy(evalIn, i * m2, l[i], 0, m2);
        }
        byte[] ops = p.op;
        for (int g = 0; g < ops.length; g++) {
            int a = p.a[g];
            int o = p.o[g];
            switch (ops[g]) {
                case GcPlan.L_XOR -> xorLabels(l[a], l[p.b[g]], l[o], m2);
                case GcPlan.L_NOT, GcPlan.LK_XOR -> {
                    if (a != o) {
                        System.arraycopy(l[a], 0, l[o], 0, m2);
                    }
                }
                case GcPlan.L_AND -> {
                    int t = src.take(4 * m);
                    andFull(l[a], l[p.b[g]], l[o], m, hash.cipher(p.key[g], 0, m2),
                            hash.cipher(p.key[g], 1, m2), src.buffer(), t);
                }
                case GcPlan.LK_AND -> {
                    int t = src.take(2 * m);
                    andHalf(l[a], l[o], m, hash.cipher(p.key[g], 0, m2), src.buffer(), t);
                }
                case GcPlan.K_XOR, GcPlan.K_AND, GcPlan.K_NOT -> {
                    // garbler-only plaintext
                }
                default -> throw new IllegalStateException("bad op " + ops[g]);
            }
        }
        decode(p, m, src, out, outBit, outWords);
    }

    private void ensure(GcPlan p, int m) {
        lab = LabelSlots.ensure(lab, p.labelSlots, 2 * m);
        if (hin.length < 32 * m) {
            hin = new byte[32 * m];
            hout = new byte[32 * m];
        }
    }

    private static void xorLabels(long[] x, long[] y, long[] z, int len) {
        for (int i = 0; i < len; i++) {
            z[i] = x[i] ^ y[i];
        }
    }

    private void andFull(long[] la, long[] lb, long[] lo, int m, Cipher cg, Cipher ce, long[] tbl, int t) {
        byte[] in = hin;
        byte[] out = hout;
        int half = m << 4;
        for (int e = 0; e < m; e++) {
            int p = e << 4;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            LE.set(in, p, aHi);
            LE.set(in, p + 8, aHi ^ aLo);
            long bLo = lb[2 * e];
            long bHi = lb[2 * e + 1];
            LE.set(in, half + p, bHi);
            LE.set(in, half + p + 8, bHi ^ bLo);
        }
        GateHash.ecb(cg, in, 0, half, out, 0);
        GateHash.ecb(ce, in, half, half, out, half);
        for (int e = 0; e < m; e++) {
            int p = e << 4;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            long bLo = lb[2 * e];
            long bHi = lb[2 * e + 1];
            long haLo = (long) LE.get(out, p) ^ aHi;
            long haHi = (long) LE.get(out, p + 8) ^ aHi ^ aLo;
            long hbLo = (long) LE.get(out, half + p) ^ bHi;
            long hbHi = (long) LE.get(out, half + p + 8) ^ bHi ^ bLo;
            long sa = -(aLo & 1);
            long sb = -(bLo & 1);
            int q = t + 4 * e;
            lo[2 * e] = haLo ^ (sa & tbl[q]) ^ hbLo ^ (sb & (tbl[q + 2] ^ aLo));
            lo[2 * e + 1] = haHi ^ (sa & tbl[q + 1]) ^ hbHi ^ (sb & (tbl[q + 3] ^ aHi));
        }
    }

    private void andHalf(long[] la, long[] lo, int m, Cipher cg, long[] tbl, int t) {
        byte[] in = hin;
        byte[] out = hout;
        int len = m << 4;
        for (int e = 0; e < m; e++) {
            int p = e << 4;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            LE.set(in, p, aHi);
            LE.set(in, p + 8, aHi ^ aLo);
        }
        GateHash.ecb(cg, in, 0, len, out, 0);
        for (int e = 0; e < m; e++) {
            int p = e << 4;
            long aLo = la[2 * e];
            long aHi = la[2 * e + 1];
            long sa = -(aLo & 1);
            lo[2 * e] = (long) LE.get(out, p) ^ aHi ^ (sa & tbl[t + 2 * e]);
            lo[2 * e + 1] = (long) LE.get(out, p + 8) ^ aHi ^ aLo ^ (sa & tbl[t + 2 * e + 1]);
        }
    }

    private void decode(GcPlan p, int m, TableSource src, long[] out, long outBit, int outWords) {
        int wm = BitPlanes.words(m);
        int d = src.take(p.outputs * wm);
        long[] dec = src.buffer();
        long[] bits = new long[wm];
        long last = BitPlanes.lastWordMask(m);
        for (int i = 0; i < p.outputs; i++) {
            int base = d + i * wm;
            switch (p.outKind[i]) {
                case GcPlan.OUT_LABEL -> {
                    long[] so = lab[p.outSlot[i]];
                    for (int w = 0; w < wm; w++) {
                        long v = 0;
                        int e0 = w << 6;
                        int cnt = Math.min(64, m - e0);
                        for (int j = 0; j < cnt; j++) {
                            v |= (so[2 * (e0 + j)] & 1) << j;
                        }
                        bits[w] = v ^ dec[base + w];
                    }
                }
                case GcPlan.OUT_KNOWN -> System.arraycopy(dec, base, bits, 0, wm);
                case GcPlan.OUT_ZERO -> java.util.Arrays.fill(bits, 0);
                default -> java.util.Arrays.fill(bits, -1L);
            }
            bits[wm - 1] &= last;
            BitPlanes.copyBits(bits, 0, out, (long) i * outWords * 64 + outBit, m);
        }
    }
}
