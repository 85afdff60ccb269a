package org.securetrain.crypto.gc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a boolean {@link Circuit} for ONE element; the garbling engine later runs it SIMD-style over
 * many elements. Wires are ints: {@link #ZERO} and {@link #ONE} are the public constants, every input
 * and gate output gets a fresh id.
 *
 * <p>The builder folds as it goes, so generators can be written naively and still cost the minimum:
 * gates with a constant input disappear (x ⊕ 0 = x, x ⊕ 1 = ¬x, x ∧ 0 = 0, x ∧ 1 = x), as do
 * x ⊕ x, x ∧ x, x ⊕ ¬x, x ∧ ¬x and ¬¬x; structurally identical gates are shared (hash-consing with
 * sorted operands). Consequently no gate of a built circuit has a constant input, which the
 * garbling engine relies on. Gates that do not reach an output are dropped by {@link #build}.
 *
 * <p>Not thread-safe; build one circuit per builder.
 */
public final class CircuitBuilder {
    /** The public constant 0. */
    public static final int ZERO = 0;
    /** The public constant 1. */
    public static final int ONE = 1;

    static final byte T_CONST = 0;
    static final byte T_GARBLER_INPUT = 1;
    static final byte T_EVALUATOR_INPUT = 2;
    static final byte T_XOR = 3;
    static final byte T_AND = 4;
    static final byte T_NOT = 5;

    private byte[] type = new byte[1024];
    private int[] in0 = new int[1024];
    private int[] in1 = new int[1024];
    /** neg[w]: a wire known to carry ¬w, or -1. */
    private int[] neg = new int[1024];
    private int size;
    private final Map<Long, Integer> gateCache = new HashMap<>();
    private final List<Integer> garblerInputs = new ArrayList<>();
    private final List<Integer> evaluatorInputs = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private boolean built;

    public CircuitBuilder() {
        add(T_CONST, -1, -1); // ZERO
        add(T_CONST, -1, -1); // ONE
        neg[ZERO] = ONE;
        neg[ONE] = ZERO;
    }

    private int add(byte t, int a, int b) {
        if (size == type.length) {
            int cap = size * 2;
            type = Arrays.copyOf(type, cap);
            in0 = Arrays.copyOf(in0, cap);
            in1 = Arrays.copyOf(in1, cap);
            neg = Arrays.copyOf(neg, cap);
        }
        type[size] = t;
        in0[size] = a;
        in1[size] = b;
        neg[size] = -1;
        return size++;
    }

    private void check(int w) {
        if (w < 0 || w >= size) {
            throw new IllegalArgumentException("wire " + w + " does not exist in this builder (it has " + size + " wires)");
        }
    }

    private void checkOpen() {
        if (built) {
            throw new IllegalStateException("circuit already built; use a new CircuitBuilder");
        }
    }

    // ------------------------------------------------------------------ inputs and constants

    /** One input bit held by the garbler. */
    public int garblerInput() {
        return inputs(T_GARBLER_INPUT, garblerInputs, 1)[0];
    }

    /** {@code bits} garbler input bits, least significant first when used as an integer. */
    public int[] garblerInputs(int bits) {
        return inputs(T_GARBLER_INPUT, garblerInputs, bits);
    }

    /** One input bit held by the evaluator (its label comes from oblivious transfer). */
    public int evaluatorInput() {
        return inputs(T_EVALUATOR_INPUT, evaluatorInputs, 1)[0];
    }

    /** {@code bits} evaluator input bits, least significant first when used as an integer. */
    public int[] evaluatorInputs(int bits) {
        return inputs(T_EVALUATOR_INPUT, evaluatorInputs, bits);
    }

    /** {@code bits} new input wires of gate type {@code type}, appended to that party's input list. */
    private int[] inputs(byte type, List<Integer> partyInputs, int bits) {
        int[] w = new int[bits];
        for (int i = 0; i < bits; i++) {
            checkOpen();
            w[i] = add(type, -1, -1);
            partyInputs.add(w[i]);
        }
        return w;
    }

    public int constant(boolean v) {
        return v ? ONE : ZERO;
    }

    // ------------------------------------------------------------------ gates

    public int xor(int a, int b) {
        checkOpen();
        check(a);
        check(b);
        if (a == ZERO) {
            return b;
        }
        if (b == ZERO) {
            return a;
        }
        if (a == ONE) {
            return not(b);
        }
        if (b == ONE) {
            return not(a);
        }
        if (a == b) {
            return ZERO;
        }
        if (neg[a] == b) {
            return ONE;
        }
        return cached(T_XOR, a, b);
    }

    public int and(int a, int b) {
        checkOpen();
        check(a);
        check(b);
        if (a == ZERO || b == ZERO) {
            return ZERO;
        }
        if (a == ONE) {
            return b;
        }
        if (b == ONE) {
            return a;
        }
        if (a == b) {
            return a;
        }
        if (neg[a] == b) {
            return ZERO;
        }
        return cached(T_AND, a, b);
    }

    public int not(int a) {
        checkOpen();
        check(a);
        if (neg[a] >= 0) {
            return neg[a];
        }
        int w = add(T_NOT, a, -1);
        neg[a] = w;
        neg[w] = a;
        return w;
    }

    /** a ∨ b = a ⊕ b ⊕ (a ∧ b): one AND, no NOT. */
    public int or(int a, int b) {
        return xor(xor(a, b), and(a, b));
    }

    /** sel ? x : y with one AND: y ⊕ (sel ∧ (x ⊕ y)). */
    public int mux(int sel, int x, int y) {
        return xor(y, and(sel, xor(x, y)));
    }

    private int cached(byte t, int a, int b) {
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        long key = (t == T_AND ? 1L << 62 : 0L) | ((long) lo << 31) | hi; // wire ids < 2^31
        Integer w = gateCache.get(key);
        if (w != null) {
            return w;
        }
        int g = add(t, lo, hi);
        gateCache.put(key, g);
        return g;
    }

    // ------------------------------------------------------------------ outputs

    /** Appends an output bit (revealed to the evaluator when the circuit is run). */
    public void output(int w) {
        checkOpen();
        check(w);
        outputs.add(w);
    }

    public void outputs(int... ws) {
        for (int w : ws) {
            output(w);
        }
    }

    /** Number of wires created so far (constants, inputs and gates, before dead-gate removal). */
    public int wireCount() {
        return size;
    }

    // ------------------------------------------------------------------ build

    /**
     * Freezes the circuit: drops gates that reach no output and renumbers wires as constants (0, 1),
     * garbler inputs, evaluator inputs, then gates in creation (= topological) order.
     */
    public Circuit build(String name) {
        Objects.requireNonNull(name, "name");
        checkOpen();
        built = true;
        boolean[] live = new boolean[size];
        for (int w : outputs) {
            live[w] = true;
        }
        for (int w = size - 1; w >= 2; w--) {
            if (live[w] && type[w] >= T_XOR) {
                live[in0[w]] = true;
                if (type[w] != T_NOT) {
                    live[in1[w]] = true;
                }
            }
        }
        int[] map = new int[size];
        Arrays.fill(map, -1);
        map[ZERO] = 0;
        map[ONE] = 1;
        int next = 2;
        for (int w : garblerInputs) {
            map[w] = next++; // inputs are kept even when unused: they define the input layout
        }
        for (int w : evaluatorInputs) {
            map[w] = next++;
        }
        int firstGate = next;
        int gates = 0;
        for (int w = 2; w < size; w++) {
            if (live[w] && type[w] >= T_XOR) {
                gates++;
            }
        }
        byte[] gt = new byte[gates];
        int[] ga = new int[gates];
        int[] gb = new int[gates];
        int g = 0;
        for (int w = 2; w < size; w++) {
            if (live[w] && type[w] >= T_XOR) {
                gt[g] = type[w];
                ga[g] = map[in0[w]];
                gb[g] = type[w] == T_NOT ? -1 : map[in1[w]];
                map[w] = firstGate + g;
                g++;
            }
        }
        int[] outs = new int[outputs.size()];
        for (int i = 0; i < outs.length; i++) {
            outs[i] = map[outputs.get(i)];
        }
        return new Circuit(name, garblerInputs.size(), evaluatorInputs.size(), gt, ga, gb, outs);
    }
}
