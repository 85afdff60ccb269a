package org.securetrain.crypto.gc;

import java.util.Objects;

/**
 * Circuit generators on w-bit two's-complement integers (int[] of wires, least significant bit
 * first). AND counts for w = 64 (before the builder's constant folding, which can only lower them):
 * <pre>
 *   add, sub          w-1     ripple carry, one AND per bit: c' = c ⊕ ((a ⊕ c) ∧ (b ⊕ c))
 *   negate            w-2     0 - x (first carry is constant)
 *   lessThan (signed / unsigned)  w   carry-out of a + ¬b + 1
 *   isZero, isNonZero w-1     OR tree
 *   greaterThanZero   w-1     ¬sign ∧ OR(low w-1 bits)
 *   mux, andBit       w       b ? x : y = y ⊕ (b ∧ (x ⊕ y))
 *   shifts            0       rewiring
 *   maxArgmax(k)      (k-1)(2w) + one-hot selection (≤ k·log2 k)
 * </pre>
 */
public final class IntegerCircuits {
    private IntegerCircuits() {
    }

    /** Constant wires of the low w bits of v. */
    public static int[] constant(long v, int w) {
        int[] r = new int[w];
        for (int i = 0; i < w; i++) {
            r[i] = (v >>> i & 1) != 0 ? CircuitBuilder.ONE : CircuitBuilder.ZERO;
        }
        return r;
    }

    /** x + y mod 2^w. */
    public static int[] add(CircuitBuilder b, int[] x, int[] y) {
        return addWithCarry(b, x, y, CircuitBuilder.ZERO, false);
    }

    /** x - y mod 2^w, as x + ¬y + 1. */
    public static int[] sub(CircuitBuilder b, int[] x, int[] y) {
        sameWidth(x, y);
        int[] ny = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            ny[i] = b.not(y[i]);
        }
        return addWithCarry(b, x, ny, CircuitBuilder.ONE, false);
    }

    /** -x mod 2^w. */
    public static int[] negate(CircuitBuilder b, int[] x) {
        return sub(b, constant(0, x.length), x);
    }

    /**
     * Ripple-carry adder with the one-AND full adder: s_i = a_i ⊕ b_i ⊕ c_i,
     * c_{i+1} = c_i ⊕ ((a_i ⊕ c_i) ∧ (b_i ⊕ c_i)) (the majority function). If {@code withCarryOut}
     * the result has w+1 wires, the last being the carry out.
     */
    static int[] addWithCarry(CircuitBuilder b, int[] x, int[] y, int carryIn, boolean withCarryOut) {
        sameWidth(x, y);
        int w = x.length;
        int[] s = new int[withCarryOut ? w + 1 : w];
        int c = carryIn;
        for (int i = 0; i < w; i++) {
            boolean needCarry = i < w - 1 || withCarryOut;
            if (needCarry && !isConstant(x[i]) && !isConstant(y[i])) {
                // s = (x ⊕ c) ⊕ y shares x ⊕ c with the carry: 4 XORs per bit instead of 5.
                int xc = b.xor(x[i], c);
                s[i] = b.xor(xc, y[i]);
                c = b.xor(c, b.and(xc, b.xor(y[i], c)));
            } else {
                s[i] = b.xor(b.xor(x[i], y[i]), c);
                if (needCarry) {
                    c = carry(b, x[i], y[i], c);
                }
            }
        }
        if (withCarryOut) {
            s[w] = c;
        }
        return s;
    }

    /**
     * Majority maj(a, b, c) with one AND: c ⊕ ((a ⊕ c) ∧ (b ⊕ c)). When a or b is a constant it is
     * b ∧ c or b ∨ c instead, whose single AND has a garbler-known input if b is garbler-known (a
     * half-gate), where the general formula would AND two label wires.
     */
    private static int carry(CircuitBuilder b, int x, int y, int c) {
        if (x == CircuitBuilder.ZERO || x == CircuitBuilder.ONE) {
            return x == CircuitBuilder.ONE ? b.or(y, c) : b.and(y, c);
        }
        if (y == CircuitBuilder.ZERO || y == CircuitBuilder.ONE) {
            return y == CircuitBuilder.ONE ? b.or(x, c) : b.and(x, c);
        }
        return b.xor(c, b.and(b.xor(x, c), b.xor(y, c)));
    }

    private static boolean isConstant(int w) {
        return w == CircuitBuilder.ZERO || w == CircuitBuilder.ONE;
    }

    /** Carry out of x + ¬y + 1, i.e. [x ≥ y] unsigned; w ANDs (only the carry chain is built). */
    private static int geUnsigned(CircuitBuilder b, int[] x, int[] y) {
        sameWidth(x, y);
        int c = CircuitBuilder.ONE;
        for (int i = 0; i < x.length; i++) {
            c = carry(b, x[i], b.not(y[i]), c);
        }
        return c;
    }

    /** [x < y] as unsigned integers. */
    public static int lessThanUnsigned(CircuitBuilder b, int[] x, int[] y) {
        return b.not(geUnsigned(b, x, y));
    }

    /** [x < y] as signed (two's complement) integers: unsigned comparison with both sign bits flipped. */
    public static int lessThanSigned(CircuitBuilder b, int[] x, int[] y) {
        sameWidth(x, y);
        int w = x.length;
        int[] fx = x.clone();
        int[] fy = y.clone();
        fx[w - 1] = b.not(x[w - 1]);
        fy[w - 1] = b.not(y[w - 1]);
        return b.not(geUnsigned(b, fx, fy));
    }

    /** OR of all bits (w-1 ANDs as a balanced tree, depth log2 w). */
    public static int orAll(CircuitBuilder b, int[] x) {
        if (x.length == 0) {
            return CircuitBuilder.ZERO;
        }
        int[] cur = x.clone();
        int len = cur.length;
        while (len > 1) {
            int half = (len + 1) / 2;
            for (int i = 0; i < len / 2; i++) {
                cur[i] = b.or(cur[2 * i], cur[2 * i + 1]);
            }
            if ((len & 1) != 0) {
                cur[half - 1] = cur[len - 1];
            }
            len = half;
        }
        return cur[0];
    }

    public static int isNonZero(CircuitBuilder b, int[] x) {
        return orAll(b, x);
    }

    public static int isZero(CircuitBuilder b, int[] x) {
        return b.not(orAll(b, x));
    }

    /** The sign bit: [x < 0]. Free. */
    public static int isNegative(int[] x) {
        return x[x.length - 1];
    }

    /** [x > 0] signed and strict (0 and the most negative value give 0): ¬sign ∧ OR(bits 0..w-2). */
    public static int greaterThanZero(CircuitBuilder b, int[] x) {
        int w = x.length;
        int[] low = new int[w - 1];
        System.arraycopy(x, 0, low, 0, w - 1);
        return b.and(b.not(x[w - 1]), orAll(b, low));
    }

    /** sel ? x : y, one AND per bit. */
    public static int[] mux(CircuitBuilder b, int sel, int[] x, int[] y) {
        sameWidth(x, y);
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = b.mux(sel, x[i], y[i]);
        }
        return r;
    }

    /** bit ? x : 0, one AND per bit. */
    public static int[] andBit(CircuitBuilder b, int bit, int[] x) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = b.and(bit, x[i]);
        }
        return r;
    }

    public static int[] xor(CircuitBuilder b, int[] x, int[] y) {
        sameWidth(x, y);
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = b.xor(x[i], y[i]);
        }
        return r;
    }

    /** Arithmetic shift right by a public constant s in [0, w): floor(x / 2^s). Free (rewiring). */
    public static int[] shiftRightArithmetic(int[] x, int s) {
        return shiftRight(x, s, true);
    }

    /** Logical shift right by a public constant. Free. */
    public static int[] shiftRightLogical(int[] x, int s) {
        return shiftRight(x, s, false);
    }

    /** Shift right by a public constant, filling with the sign wire ({@code arithmetic}) or zero. Free. */
    private static int[] shiftRight(int[] x, int s, boolean arithmetic) {
        int w = checkShift(x, s);
        int fill = arithmetic ? x[w - 1] : CircuitBuilder.ZERO;
        int[] r = new int[w];
        for (int i = 0; i < w; i++) {
            r[i] = i + s < w ? x[i + s] : fill;
        }
        return r;
    }

    /** The width of {@code x}, once the shift {@code s} is in [0, width). */
    private static int checkShift(int[] x, int s) {
        int w = x.length;
        if (s < 0 || s >= w) {
            throw new IllegalArgumentException("shift must be in [0, " + w + "), got " + s);
        }
        return w;
    }

    /** Shift left by a public constant. Free. */
    public static int[] shiftLeft(int[] x, int s) {
        int w = checkShift(x, s);
        int[] r = new int[w];
        for (int i = 0; i < w; i++) {
            r[i] = i >= s ? x[i - s] : CircuitBuilder.ZERO;
        }
        return r;
    }

    /** Result of {@link #maxArgmax}: the maximum's wires and the one-hot argmax wires (k of them). */
    public record MaxArgmax(int[] max, int[] oneHot) {
    }

    /**
     * Signed maximum of k values and the one-hot index of the first (lowest-index) maximal value, by a
     * tournament tree: each node compares (w ANDs), selects (w ANDs) and merges the one-hot vectors of
     * its two subtrees (one AND per leaf below it). Ties go to the left, i.e. the lower index.
     */
    public static MaxArgmax maxArgmax(CircuitBuilder b, int[][] values) {
        Objects.requireNonNull(values, "values");
        if (values.length == 0) {
            throw new IllegalArgumentException("maxArgmax needs at least one value");
        }
        return tree(b, values, 0, values.length);
    }

    private static MaxArgmax tree(CircuitBuilder b, int[][] v, int from, int to) {
        if (to - from == 1) {
            return new MaxArgmax(v[from], new int[] {CircuitBuilder.ONE});
        }
        int mid = (from + to + 1) >>> 1;
        MaxArgmax left = tree(b, v, from, mid);
        MaxArgmax right = tree(b, v, mid, to);
        int rightWins = lessThanSigned(b, left.max(), right.max()); // strict: ties keep the left
        int[] max = mux(b, rightWins, right.max(), left.max());
        int[] hot = new int[left.oneHot().length + right.oneHot().length];
        int leftWins = b.not(rightWins);
        for (int i = 0; i < left.oneHot().length; i++) {
            hot[i] = b.and(leftWins, left.oneHot()[i]);
        }
        for (int i = 0; i < right.oneHot().length; i++) {
            hot[left.oneHot().length + i] = b.and(rightWins, right.oneHot()[i]);
        }
        return new MaxArgmax(max, hot);
    }

    private static void sameWidth(int[] x, int[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("operand widths differ: " + x.length + " vs " + y.length);
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("operands must have at least one bit");
        }
    }
}
