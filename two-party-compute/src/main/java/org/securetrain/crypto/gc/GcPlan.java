package org.securetrain.crypto.gc;

import java.util.Arrays;

/**
 * A {@link Circuit} compiled for the SIMD garbling engine: a flat list of operations on storage
 * slots. Wires whose value is a function of the garbler's inputs alone ("garbler-known") live in
 * bit-packed slots that only the garbler has; all other wires live in label slots (one 128-bit label
 * per element). Slots are reused once a wire is dead (linear scan over the topological order), so
 * memory is (peak live wires) x (chunk elements), not (all wires) x (chunk elements).
 *
 * <p>Operation kinds and what each side does:
 * <ul>
 *   <li>L_XOR: label ⊕ label, both sides.</li>
 *   <li>L_NOT / LK_XOR (label ⊕ garbler-known bit): the garbler flips its 0-label by Δ (where the bit is
 *       1); the evaluator copies its label (NOT and XOR with garbler-known values are free and invisible).</li>
 *   <li>L_AND: half-gates AND, two ciphertexts; LK_AND: generator half-gate (the garbler knows input b),
 *       one ciphertext.</li>
 *   <li>K_XOR / K_AND / K_NOT: plaintext bit operations, garbler only.</li>
 * </ul>
 * Evaluator inputs occupy label slots 0..nE-1 (so the OT output is the start of the label array);
 * garbler inputs occupy known slots 0..nG-1.
 */
final class GcPlan {
    static final byte L_XOR = 0;
    static final byte L_NOT = 1;
    static final byte LK_XOR = 2;
    static final byte L_AND = 3;
    static final byte LK_AND = 4;
    static final byte K_XOR = 5;
    static final byte K_AND = 6;
    static final byte K_NOT = 7;

    static final byte OUT_LABEL = 0;
    static final byte OUT_KNOWN = 1;
    static final byte OUT_ZERO = 2;
    static final byte OUT_ONE = 3;

    final int garblerInputs;
    final int evaluatorInputs;
    final int outputs;
    final byte[] op;
    final int[] a;
    final int[] b;
    final int[] o;
    /** Hash-key index of an AND op (its ordinal among L_AND and LK_AND ops), else -1. */
    final int[] key;
    final int keys;
    final int labelSlots;
    final int knownSlots;
    final byte[] outKind;
    final int[] outSlot;
    /** Garbled-table longs per element: 4 per L_AND, 2 per LK_AND. */
    final int tableLongsPerElement;

    private GcPlan(int garblerInputs, int evaluatorInputs, byte[] op, int[] a, int[] b, int[] o, int[] key, int keys,
            int labelSlots, int knownSlots, byte[] outKind, int[] outSlot, int tableLongsPerElement) {
        this.garblerInputs = garblerInputs;
        this.evaluatorInputs = evaluatorInputs;
        this.outputs = outKind.length;
        this.op = op;
        this.a = a;
        this.b = b;
        this.o = o;
        this.key = key;
        this.keys = keys;
        this.labelSlots = labelSlots;
        this.knownSlots = knownSlots;
        this.outKind = outKind;
        this.outSlot = outSlot;
        this.tableLongsPerElement = tableLongsPerElement;
    }

    static GcPlan compile(Circuit c) {
        int nG = c.garblerInputCount();
        int nE = c.evaluatorInputCount();
        int wires = c.wireCount();
        int first = c.firstGateWire();
        int gates = c.gateCount();

        int[] lastUse = new int[wires];
        Arrays.fill(lastUse, -1);
        for (int g = 0; g < gates; g++) {
            lastUse[c.gateIn0(g)] = g;
            if (c.gateType(g) != CircuitBuilder.T_NOT) {
                lastUse[c.gateIn1(g)] = g;
            }
        }
        for (int i = 0; i < c.outputCount(); i++) {
            lastUse[c.output(i)] = Integer.MAX_VALUE;
        }

        int[] slot = new int[wires];
        Arrays.fill(slot, -1);
        SlotPool labels = new SlotPool(nE);
        SlotPool known = new SlotPool(nG);
        for (int i = 0; i < nG; i++) {
            slot[2 + i] = i;
            if (lastUse[2 + i] < 0) {
                known.free(i);
            }
        }
        for (int i = 0; i < nE; i++) {
            slot[2 + nG + i] = i;
            if (lastUse[2 + nG + i] < 0) {
                labels.free(i);
            }
        }

        byte[] op = new byte[gates];
        int[] a = new int[gates];
        int[] b = new int[gates];
        int[] o = new int[gates];
        int[] key = new int[gates];
        int keys = 0;
        int tableLongs = 0;
        for (int g = 0; g < gates; g++) {
            int w = first + g;
            int wa = c.gateIn0(g);
            byte t = c.gateType(g);
            int wb = t == CircuitBuilder.T_NOT ? -1 : c.gateIn1(g);
            if (wa < 2 || (t != CircuitBuilder.T_NOT && wb < 2)) {
                throw new IllegalStateException("gate " + g + " has a constant input; circuits must come from CircuitBuilder");
            }
            boolean ka = c.garblerKnown(wa);
            boolean kb = wb >= 0 && c.garblerKnown(wb);
            key[g] = -1;
            if (t == CircuitBuilder.T_NOT) {
                op[g] = ka ? K_NOT : L_NOT;
            } else {
                if (ka && !kb) { // canonical order for mixed ops: label input first
                    int tmp = wa;
                    wa = wb;
                    wb = tmp;
                    ka = false;
                    kb = true;
                }
                if (t == CircuitBuilder.T_XOR) {
                    op[g] = ka ? K_XOR : kb ? LK_XOR : L_XOR;
                } else {
                    op[g] = ka ? K_AND : kb ? LK_AND : L_AND;
                    if (!ka) {
                        key[g] = keys++;
                        tableLongs += kb ? 2 : 4;
                    }
                }
            }
            a[g] = slot[wa];
            b[g] = wb >= 0 ? slot[wb] : -1;
            // Inputs dying here are freed first, so the output may reuse an input's slot: every op
            // reads element e's inputs before it writes element e's output.
            if (lastUse[wa] == g) {
                (c.garblerKnown(wa) ? known : labels).free(slot[wa]);
            }
            if (wb >= 0 && wb != wa && lastUse[wb] == g) {
                (c.garblerKnown(wb) ? known : labels).free(slot[wb]);
            }
            slot[w] = (c.garblerKnown(w) ? known : labels).take();
            o[g] = slot[w];
        }

        byte[] outKind = new byte[c.outputCount()];
        int[] outSlot = new int[c.outputCount()];
        for (int i = 0; i < outKind.length; i++) {
            int w = c.output(i);
            if (w == CircuitBuilder.ZERO) {
                outKind[i] = OUT_ZERO;
            } else if (w == CircuitBuilder.ONE) {
                outKind[i] = OUT_ONE;
            } else {
                outKind[i] = c.garblerKnown(w) ? OUT_KNOWN : OUT_LABEL;
                outSlot[i] = slot[w];
            }
        }
        return new GcPlan(nG, nE, op, a, b, o, key, keys, labels.high(), known.high(), outKind, outSlot, tableLongs);
    }

    /** A stack of free slot indices plus a high-water mark. */
    private static final class SlotPool {
        private int[] free = new int[64];
        private int freeCount;
        private int high;

        SlotPool(int preassigned) {
            high = preassigned;
        }

        void free(int s) {
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = s;
        }

        int take() {
            return freeCount > 0 ? free[--freeCount] : high++;
        }

        int high() {
            return high;
        }
    }
}
