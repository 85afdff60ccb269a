package org.securetrain.crypto.gc;

import java.lang.invoke.VarHandle;
import javax.crypto.Cipher;

/**
 * Evaluator of the half-gates scheme ({@link HalfGatesGarbler}), SIMD over a chunk of m elements
 * with lane-wise loops ({@link Lanes}). Holding one label W per wire with signal bit s = lsb(W), an AND is
 * <pre>
 *   W_c = H_g(W_a) ⊕ s_a·T_G ⊕ H_e(W_b) ⊕ s_b·(T_E ⊕ W_a)
 * </pre>
 * (two hashes, one bulk AES call per half over the chunk); a generator half-gate is
 * W_c = H_g(W_a) ⊕ s_a·T. XOR is label XOR; NOT and XOR with a garbler-known bit leave the label
 * unchanged (the garbler re-labelled instead), and garbler-only plaintext ops are skipped.
 * Not thread-safe.
 */
final class HalfGatesEvaluator {
    private static final VarHandle LE = Lanes.LE;

    private long[][] lab = new long[0][];
    /** Hash streams σ(W_a), σ(W_b); table rows; signal masks. */
    private final GateBuffers buf = new GateBuffers(2);
    /** Signal bits of the output labels over the chunk, one plane per output. */
    private long[] signals = new long[0];

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
        int wm = BitPlanes.words(m);
        ensure(p, Math.min(m, Lanes.PASS));
        if (signals.length < p.outputs * wm) {
            signals = new long[p.outputs * wm];
        }
        for (int s0 = 0; s0 < m; s0 += Lanes.PASS) {
            int ms = Math.min(Lanes.PASS, m - s0);
            pass(p, hash, m, s0, ms, evalIn, src);
            for (int i = 0; i < p.outputs; i++) {
                if (p.outKind[i] == GcPlan.OUT_LABEL) {
                    Lanes.signalBits(lab[p.outSlot[i]], ms, signals, (long) i * wm * 64 + s0);
                }
            }
        }
        decode(p, m, src, out, outBit, outWords);
    }

    /** Evaluates every gate for the chunk's elements [s0, s0 + ms). */
    private void pass(GcPlan p, GateHash hash, int m, int s0, int ms, long[] evalIn, TableSource src) {
        int m2 = 2 * ms;
        long[][] l = lab;
        for (int i = 0; i < p.evaluatorInputs; i++) {
            System.arraycopy(evalIn, 2 * (i * m + s0), l[i], 0, m2);
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
                    int t = src.take(4 * ms);
                    andFull(l[a], l[p.b[g]], l[o], ms, hash.cipher(p.key[g], 0, m2),
                            hash.cipher(p.key[g], 1, m2), src.buffer(), t);
                }
                case GcPlan.LK_AND -> {
                    int t = src.take(2 * ms);
                    andHalf(l[a], l[o], ms, hash.cipher(p.key[g], 0, m2), src.buffer(), t);
                }
                case GcPlan.K_XOR, GcPlan.K_AND, GcPlan.K_NOT -> {
                    // garbler-only plaintext
                }
                default -> throw new IllegalStateException("bad op " + ops[g]);
            }
        }
    }

    private void ensure(GcPlan p, int m) {
        lab = LabelSlots.ensure(lab, p.labelSlots, 2 * m);
        buf.ensure(m);
    }

    private static void xorLabels(long[] x, long[] y, long[] z, int len) {
        for (int i = 0; i < len; i++) {
            z[i] = x[i] ^ y[i];
        }
    }

    /** Lane-indexed loops only, so that C2 vectorizes them (see HalfGatesGarbler). */
    private static void sigmaInto(long[] x, byte[] s, int n2) {
        for (int j = 0; j < n2; j++) {
            LE.set(s, j << 3, Lanes.sigma(x[j]));
        }
    }

    private void andFull(long[] la, long[] lb, long[] lo, int m, Cipher cg, Cipher ce, long[] tbl, int t) {
        int n2 = 2 * m;
        long[] sa = buf.maskA;
        long[] sb = buf.maskB;
        long[] tg = buf.rowG;
        long[] te = buf.rowE;
        long[] x = buf.scratch;
        sigmaInto(la, buf.in[0], n2);
        sigmaInto(lb, buf.in[1], n2);
        long[] ha = buf.hash(0, cg, n2);
        long[] hb = buf.hash(1, ce, n2);
        Lanes.signalMasks(la, sa, m);
        Lanes.signalMasks(lb, sb, m);
        System.arraycopy(tbl, t, tg, 0, n2);
        System.arraycopy(tbl, t + n2, te, 0, n2);
        for (int j = 0; j < n2; j++) {
            x[j] = ha[j] ^ Lanes.sigma(la[j]) ^ (sa[j] & tg[j]);
        }
        for (int j = 0; j < n2; j++) {
            lo[j] = x[j] ^ hb[j] ^ Lanes.sigma(lb[j]) ^ (sb[j] & (te[j] ^ la[j]));
        }
    }

    private void andHalf(long[] la, long[] lo, int m, Cipher cg, long[] tbl, int t) {
        int n2 = 2 * m;
        long[] sa = buf.maskA;
        long[] tg = buf.rowG;
        sigmaInto(la, buf.in[0], n2);
        long[] ha = buf.hash(0, cg, n2);
        Lanes.signalMasks(la, sa, m);
        System.arraycopy(tbl, t, tg, 0, n2);
        for (int j = 0; j < n2; j++) {
            lo[j] = ha[j] ^ Lanes.sigma(la[j]) ^ (sa[j] & tg[j]);
        }
    }

    /** Output bits: signal bit ⊕ decoding bit (label outputs), the sent value (garbler-known), or the constant. */
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
                    for (int w = 0; w < wm; w++) {
                        bits[w] = signals[i * wm + w] ^ dec[base + w];
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
