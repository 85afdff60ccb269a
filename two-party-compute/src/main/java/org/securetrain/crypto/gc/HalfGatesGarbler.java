package org.securetrain.crypto.gc;

import java.lang.invoke.VarHandle;
import javax.crypto.Cipher;

/**
 * Garbler of the half-gates scheme with free XOR (Zahur, Rosulek, Evans, EUROCRYPT 2015), run SIMD
 * over a chunk of m elements: the circuit is garbled gate by gate, and each gate is garbled for all m
 * elements at once, so every AND costs two bulk AES calls (one per half, 2m blocks each) instead of
 * 4m single-block calls, and the surrounding arithmetic runs in lane-wise loops that C2 vectorizes
 * (see {@link Lanes}).
 *
 * <p>Labels: 128 bits as (lo, hi) longs; a label slot holds m labels contiguously (2m longs). The
 * 0-label of a wire is stored; its 1-label is 0-label ⊕ Δ with the global offset Δ (lsb(Δ) = 1, so the
 * point-and-permute bit of a label is its lowest bit). With H_k(x) = π_k(σ(x)) ⊕ σ(x) ({@link GateHash},
 * σ from {@link Lanes}) and H_g / H_e the two keys of the gate, a garbled AND with 0-labels A, B,
 * p_a = lsb(A), p_b = lsb(B) is
 * <pre>
 *   T_G = H_g(A) ⊕ H_g(A⊕Δ) ⊕ p_b·Δ        W_G = H_g(A) ⊕ p_a·T_G
 *   T_E = H_e(B) ⊕ H_e(B⊕Δ) ⊕ A            W_E = H_e(B) ⊕ p_b·(T_E ⊕ A)
 *   C   = W_G ⊕ W_E,  table (T_G, T_E)
 * </pre>
 * A generator half-gate (input b known to the garbler as bit k) is T = H_g(A) ⊕ H_g(A⊕Δ) ⊕ k·Δ,
 * C = H_g(A) ⊕ p_a·T, table T. Table layout per gate and chunk: all m T_G blocks, then all m T_E
 * blocks (so both are lane-contiguous).
 *
 * <p>No objects are allocated per gate or per element; buffers grow to the largest chunk seen and are
 * reused. Not thread-safe.
 */
final class HalfGatesGarbler {
    private static final VarHandle LE = Lanes.LE;

    private final long dLo;
    private final long dHi;
    /** Label slots: slot s holds the 0-labels of one wire for the chunk's elements, 2m longs (lo, hi). */
    private long[][] lab = new long[0][];
    private long[] known = new long[0];
    /** Hash streams of one gate: σA, σA ⊕ σΔ, σB, σB ⊕ σΔ; table rows T_G, T_E; signal masks. */
    private final GateBuffers buf = new GateBuffers(4);
    /** Per-lane Δ and σ(Δ) (σ is linear: σ(A ⊕ Δ) = σ(A) ⊕ σ(Δ)). */
    private long[] deltaLanes = new long[0];
    private long[] sigmaDeltaLanes = new long[0];
    private long[] decode = new long[0];

    HalfGatesGarbler(long deltaLo, long deltaHi) {
        if ((deltaLo & 1) == 0) {
            throw new IllegalArgumentException("the free-XOR offset must have lsb 1 (point-and-permute)");
        }
        this.dLo = deltaLo;
        this.dHi = deltaHi;
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
        int wm = BitPlanes.words(m);
        ensure(p, Math.min(m, Lanes.PASS));
        long[] dec = decodeBuffer(p.outputs * wm);
        for (int s0 = 0; s0 < m; s0 += Lanes.PASS) {
            int ms = Math.min(Lanes.PASS, m - s0);
            pass(p, hash, m, s0, ms, evalIn0, garblerBits, wm, sink);
            collectDecoding(p, ms, dec, wm, s0);
        }
        int d = sink.reserve(p.outputs * wm);
        System.arraycopy(dec, 0, sink.buffer(), d, p.outputs * wm);
    }

    private long[] decodeBuffer(int words) {
        if (decode.length < words) {
            decode = new long[words];
        }
        java.util.Arrays.fill(decode, 0, words, 0L);
        return decode;
    }

    /** Garbles every gate for the chunk's elements [s0, s0 + ms): one cache-sized SIMD pass. */
    private void pass(GcPlan p, GateHash hash, int m, int s0, int ms, long[] evalIn0, long[] garblerBits, int wChunk,
            TableSink sink) {
        int m2 = 2 * ms;
        int wm = BitPlanes.words(ms);
        long[][] l = lab;
        for (int i = 0; i < p.evaluatorInputs; i++) {
            System.arraycopy(evalIn0, 2 * (i * m + s0), l[i], 0, m2);
        }
        for (int i = 0; i < p.garblerInputs; i++) {
            BitPlanes.copyBits(garblerBits, (long) i * wChunk * 64 + s0, known, (long) i * wm * 64, ms);
        }
        byte[] ops = p.op;
        for (int g = 0; g < ops.length; g++) {
            int a = p.a[g];
            int b = p.b[g];
            int o = p.o[g];
            switch (ops[g]) {
                case GcPlan.L_XOR -> xorLabels(l[a], l[b], l[o], m2);
                case GcPlan.L_NOT -> xorLabels(l[a], deltaLanes, l[o], m2);
                case GcPlan.LK_XOR -> {
                    Lanes.bitMasks(known, b * wm, buf.maskB, ms);
                    flipWhere(l[a], buf.maskB, l[o], m2);
                }
                case GcPlan.L_AND -> {
                    int t = sink.reserve(4 * ms);
                    andFull(l[a], l[b], l[o], ms, hash.cipher(p.key[g], 0, m2), hash.cipher(p.key[g], 1, m2),
                            sink.buffer(), t);
                }
                case GcPlan.LK_AND -> {
                    int t = sink.reserve(2 * ms);
                    andHalf(l[a], b * wm, l[o], ms, hash.cipher(p.key[g], 0, m2), sink.buffer(), t);
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
        if (buf.ensure(m) || deltaLanes.length < 2 * m) {
            deltaLanes = Lanes.pattern(dLo, dHi, m);
            sigmaDeltaLanes = Lanes.pattern(Lanes.sigma(dLo), Lanes.sigma(dHi), m);
        }
    }

    /** Separate arrays per slot let C2 vectorize this loop (same-array offsets would block it). */
    private static void xorLabels(long[] x, long[] y, long[] z, int len) {
        for (int i = 0; i < len; i++) {
            z[i] = x[i] ^ y[i];
        }
    }

    /** z = x ⊕ k·Δ per lane, k the garbler-known bit's mask. */
    private void flipWhere(long[] x, long[] k, long[] z, int len) {
        long[] d = deltaLanes;
        for (int j = 0; j < len; j++) {
            z[j] = x[j] ^ (k[j] & d[j]);
        }
    }

    /*
     * The AND loops below are written for C2's auto-vectorizer: every array is indexed by the loop
     * variable alone (no per-gate offsets into a shared array, which would look like a possible
     * loop-carried dependence), so hash inputs/outputs live in separate arrays per stream and table
     * rows go through lane-indexed scratch arrays that are then copied into the sink.
     */

    /** σ(x) and σ(x) ⊕ σ(Δ) for every lane of x: the two hash inputs of one gate half. */
    private void sigmaPair(long[] x, byte[] s0, byte[] s1, int n2) {
        long[] sd = sigmaDeltaLanes;
        for (int j = 0; j < n2; j++) {
            long s = Lanes.sigma(x[j]);
            LE.set(s0, j << 3, s);
            LE.set(s1, j << 3, s ^ sd[j]);
        }
    }

    private void andFull(long[] la, long[] lb, long[] lo, int m, Cipher cg, Cipher ce, long[] tbl, int t) {
        int n2 = 2 * m;
        long[] sd = sigmaDeltaLanes;
        long[] pb = buf.maskB;
        long[] te = buf.rowE;
        long[] x = buf.scratch;
        Lanes.signalMasks(lb, pb, m);
        long[] tg = garblerHalf(la, pb, x, m, cg); // x = W_G
        sigmaPair(lb, buf.in[2], buf.in[3], n2);
        long[] b0 = buf.hash(2, ce, n2);
        long[] b1 = buf.hash(3, ce, n2);
        // σB cancels in T_E = H(B) ⊕ H(B⊕Δ) ⊕ A.
        for (int j = 0; j < n2; j++) {
            te[j] = b0[j] ^ b1[j] ^ sd[j] ^ la[j];
        }
        // C = W_G ⊕ W_E = W_G ⊕ H(B) ⊕ p_b·(T_E ⊕ A); lo may be la or lb (same lane only).
        for (int j = 0; j < n2; j++) {
            lo[j] = x[j] ^ b0[j] ^ Lanes.sigma(lb[j]) ^ (pb[j] & (te[j] ^ la[j]));
        }
        System.arraycopy(tg, 0, tbl, t, n2);
        System.arraycopy(te, 0, tbl, t + n2, n2);
    }

    /** A gate with a garbler-known input (bit masks at {@code ko}): the garbler half alone, W_G is the output. */
    private void andHalf(long[] la, int ko, long[] lo, int m, Cipher cg, long[] tbl, int t) {
        Lanes.bitMasks(known, ko, buf.maskB, m);
        long[] tg = garblerHalf(la, buf.maskB, lo, m, cg);
        System.arraycopy(tg, 0, tbl, t, 2 * m);
    }

    /**
     * The garbler half of an AND gate on input lanes la, with {@code b} the masks (all-ones or zero per lane) of the
     * bit the garbler multiplies by Δ: the row T_G = H(A) ⊕ H(A⊕Δ) ⊕ b·Δ (returned, in buf.rowG) and
     * W_G = H(A) ⊕ p_a·T_G into wg, with H(x) = π(σx) ⊕ σx (σA cancels in T_G). wg may be la (same lane only).
     * Uses hash streams 0 and 1 and buf.maskA.
     */
    private long[] garblerHalf(long[] la, long[] b, long[] wg, int m, Cipher cg) {
        int n2 = 2 * m;
        long[] sd = sigmaDeltaLanes;
        long[] d = deltaLanes;
        long[] pa = buf.maskA;
        long[] tg = buf.rowG;
        sigmaPair(la, buf.in[0], buf.in[1], n2);
        long[] a0 = buf.hash(0, cg, n2);
        long[] a1 = buf.hash(1, cg, n2);
        Lanes.signalMasks(la, pa, m);
        for (int j = 0; j < n2; j++) {
            tg[j] = a0[j] ^ a1[j] ^ sd[j] ^ (b[j] & d[j]);
        }
        for (int j = 0; j < n2; j++) {
            wg[j] = a0[j] ^ Lanes.sigma(la[j]) ^ (pa[j] & tg[j]);
        }
        return tg;
    }

    /**
     * Output-decoding bits of the pass's elements into the chunk buffer at bit s0: the signal bit of the
     * output's 0-label, the value of a garbler-known output, nothing for constants.
     */
    private void collectDecoding(GcPlan p, int ms, long[] dec, int wChunk, int s0) {
        int wm = BitPlanes.words(ms);
        for (int i = 0; i < p.outputs; i++) {
            long pos = (long) i * wChunk * 64 + s0;
            switch (p.outKind[i]) {
                case GcPlan.OUT_LABEL -> Lanes.signalBits(lab[p.outSlot[i]], ms, dec, pos);
                case GcPlan.OUT_KNOWN -> BitPlanes.copyBits(known, (long) p.outSlot[i] * wm * 64, dec, pos, ms);
                default -> {
                    // constants: the evaluator knows them
                }
            }
        }
    }
}
