package org.securetrain.crypto.gc;

import java.util.Objects;

/**
 * An immutable boolean circuit for one element, made by {@link CircuitBuilder}. Wire numbering:
 * 0 and 1 are the constants, then the garbler's inputs, then the evaluator's inputs, then one wire
 * per gate in topological order. No gate has a constant input (the builder folds them).
 *
 * <p>Data layout used everywhere in this package ("bit planes"): the values of one wire (or input,
 * or output) over n elements are packed LSB-first into {@code words(n) = ceil(n/64)} longs; the planes
 * of several wires are concatenated, plane i at offset {@code i * words(n)}. See {@link BitPlanes}.
 *
 * <p>Cost model (half-gates with free XOR): XOR and NOT are free. An AND costs 32 bytes per element
 * when both inputs depend on the evaluator's input, 16 bytes when one input is known to the garbler
 * (a ZRE15 generator half-gate), nothing when both are (the garbler computes it in the clear).
 */
public final class Circuit {
    private final String name;
    private final int garblerInputs;
    private final int evaluatorInputs;
    private final byte[] gateType;
    private final int[] gateIn0;
    private final int[] gateIn1;
    private final int[] outputs;
    private final boolean[] garblerKnown;
    private final int andGates;
    private final int xorGates;
    private final int notGates;
    private final int fullAnds;
    private final int halfAnds;
    private final int andDepth;
    private final long fingerprint;
    private volatile GcPlan plan;

    Circuit(String name, int garblerInputs, int evaluatorInputs, byte[] gateType, int[] gateIn0, int[] gateIn1,
            int[] outputs) {
        this.name = name;
        this.garblerInputs = garblerInputs;
        this.evaluatorInputs = evaluatorInputs;
        this.gateType = gateType;
        this.gateIn0 = gateIn0;
        this.gateIn1 = gateIn1;
        this.outputs = outputs;
        int wires = wireCount();
        boolean[] known = new boolean[wires];
        int[] depth = new int[wires];
        known[0] = known[1] = true;
        for (int i = 0; i < garblerInputs; i++) {
            known[2 + i] = true;
        }
        int ands = 0;
        int xors = 0;
        int nots = 0;
        int full = 0;
        int half = 0;
        int maxDepth = 0;
        int first = firstGateWire();
        for (int g = 0; g < gateType.length; g++) {
            int w = first + g;
            int a = gateIn0[g];
            switch (gateType[g]) {
                case CircuitBuilder.T_NOT -> {
                    nots++;
                    known[w] = known[a];
                    depth[w] = depth[a];
                }
                case CircuitBuilder.T_XOR -> {
                    xors++;
                    int b = gateIn1[g];
                    known[w] = known[a] && known[b];
                    depth[w] = Math.max(depth[a], depth[b]);
                }
                case CircuitBuilder.T_AND -> {
                    ands++;
                    int b = gateIn1[g];
                    known[w] = known[a] && known[b];
                    if (!known[a] && !known[b]) {
                        full++;
                    } else if (!known[w]) {
                        half++;
                    }
                    depth[w] = Math.max(depth[a], depth[b]) + (known[w] ? 0 : 1);
                }
                default -> throw new IllegalStateException("bad gate type " + gateType[g]);
            }
            maxDepth = Math.max(maxDepth, depth[w]);
        }
        this.garblerKnown = known;
        this.andGates = ands;
        this.xorGates = xors;
        this.notGates = nots;
        this.fullAnds = full;
        this.halfAnds = half;
        this.andDepth = maxDepth;
        this.fingerprint = computeFingerprint();
    }

    private long computeFingerprint() {
        long h = 0x6a09e667f3bcc908L;
        h = mix(h, garblerInputs);
        h = mix(h, evaluatorInputs);
        h = mix(h, gateType.length);
        for (int g = 0; g < gateType.length; g++) {
            h = mix(h, ((long) gateType[g] << 58) ^ ((long) gateIn0[g] << 29) ^ (gateIn1[g] & 0xffffffffL));
        }
        h = mix(h, outputs.length);
        for (int o : outputs) {
            h = mix(h, o);
        }
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
        h *= 0xbf58476d1ce4e5b9L;
        return h ^ (h >>> 31);
    }

    public String name() {
        return name;
    }

    public int garblerInputCount() {
        return garblerInputs;
    }

    public int evaluatorInputCount() {
        return evaluatorInputs;
    }

    public int outputCount() {
        return outputs.length;
    }

    /** Total number of wires: 2 constants + inputs + gates. */
    public int wireCount() {
        return 2 + garblerInputs + evaluatorInputs + gateType.length;
    }

    public int gateCount() {
        return gateType.length;
    }

    /** All AND gates, including those the garbler evaluates in the clear. */
    public int andCount() {
        return andGates;
    }

    public int xorCount() {
        return xorGates;
    }

    public int notCount() {
        return notGates;
    }

    /** AND gates whose inputs both depend on the evaluator's input: 2 ciphertexts (32 bytes) each. */
    public int fullAndCount() {
        return fullAnds;
    }

    /** AND gates with exactly one garbler-known input: generator half-gates, 1 ciphertext (16 bytes). */
    public int halfAndCount() {
        return halfAnds;
    }

    /** Garbled-table bytes per element: 32 per full AND, 16 per half AND. */
    public int garbledBytesPerElement() {
        return 32 * fullAnds + 16 * halfAnds;
    }

    /** Longest chain of garbled ANDs (full or half) from an input to an output. */
    public int andDepth() {
        return andDepth;
    }

    /** A 64-bit hash of the structure, used to check that both parties run the same circuit. */
    public long fingerprint() {
        return fingerprint;
    }

    int firstGateWire() {
        return 2 + garblerInputs + evaluatorInputs;
    }

    byte gateType(int g) {
        return gateType[g];
    }

    int gateIn0(int g) {
        return gateIn0[g];
    }

    int gateIn1(int g) {
        return gateIn1[g];
    }

    int output(int i) {
        return outputs[i];
    }

    boolean garblerKnown(int wire) {
        return garblerKnown[wire];
    }

    GcPlan plan() {
        GcPlan p = plan;
        if (p == null) {
            p = GcPlan.compile(this);
            plan = p;
        }
        return p;
    }

    /**
     * Plaintext reference evaluation, bit-sliced 64 elements per long (no cryptography; the oracle
     * for tests). Inputs and the result are bit planes over {@code n} elements (see class comment);
     * output bits past n are zero.
     */
    public long[] evaluate(long[] garblerPlanes, long[] evaluatorPlanes, int n) {
        int words = BitPlanes.words(n);
        checkPlanes(garblerPlanes, garblerInputs, words, "garbler input planes");
        checkPlanes(evaluatorPlanes, evaluatorInputs, words, "evaluator input planes");
        long[] out = new long[outputs.length * words];
        long[] v = new long[wireCount()];
        int first = firstGateWire();
        for (int w = 0; w < words; w++) {
            v[0] = 0;
            v[1] = -1L;
            for (int i = 0; i < garblerInputs; i++) {
                v[2 + i] = garblerPlanes[i * words + w];
            }
            for (int i = 0; i < evaluatorInputs; i++) {
                v[2 + garblerInputs + i] = evaluatorPlanes[i * words + w];
            }
            for (int g = 0; g < gateType.length; g++) {
                long a = v[gateIn0[g]];
                v[first + g] = switch (gateType[g]) {
                    case CircuitBuilder.T_XOR -> a ^ v[gateIn1[g]];
                    case CircuitBuilder.T_AND -> a & v[gateIn1[g]];
                    default -> ~a;
                };
            }
            long valid = w == words - 1 ? BitPlanes.lastWordMask(n) : -1L;
            for (int o = 0; o < outputs.length; o++) {
                out[o * words + w] = v[outputs[o]] & valid;
            }
        }
        return out;
    }

    static void checkPlanes(long[] planes, int count, int words, String what) {
        if (count == 0) {
            return;
        }
        Objects.requireNonNull(planes, what);
        if (planes.length != (long) count * words) {
            throw new IllegalArgumentException(what + ": expected " + count + " planes of " + words + " words = "
                    + (long) count * words + " longs, got " + planes.length);
        }
    }

    @Override
    public String toString() {
        return "Circuit[" + name + ": " + garblerInputs + " garbler + " + evaluatorInputs + " evaluator inputs, "
                + outputs.length + " outputs, " + andGates + " AND (" + fullAnds + " full, " + halfAnds + " half), "
                + xorGates + " XOR, " + notGates + " NOT, AND depth " + andDepth + ", " + garbledBytesPerElement()
                + " B/element]";
    }
}
