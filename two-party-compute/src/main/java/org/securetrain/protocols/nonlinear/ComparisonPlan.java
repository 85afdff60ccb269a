package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The public shape of one millionaire comparison (CrypTFlow2, Rathee et al., CCS 2020, Algorithm 1, with
 * Cheetah's correlated ANDs, Huang et al., USENIX Security 2022): party 0 holds x, party 1 holds y,
 * both {@code bits}-bit unsigned. x and y are cut into digits ("leaves", least significant first, at
 * most {@code radix} bits each); a 1-out-of-2^w OT per leaf gives XOR shares of (cmp_j, eq_j) =
 * ([x_j &lt; y_j], [x_j = y_j]), and a tree combines them level by level:
 * cmp = cmp_hi XOR (eq_hi AND cmp_lo), eq = eq_hi AND eq_lo (two ANDs sharing eq_hi).
 *
 * <p>Variants, all decided from public parameters:
 * <ul>
 *   <li>{@link #lessThan}: [x &lt; y]; eq only where a node is a high child (CrypTFlow2's "removing
 *       unnecessary equality computations").</li>
 *   <li>{@link #positive}: the leaf-0 comparison is x_0 &lt;= y_0 (so the root gives [x &lt;= y]), and leaf 0's
 *       eq output is multiplied by s = s0 XOR s1, a bit each party adds to the leaf OT (party 0 in its
 *       table, party 1 as an extra top bit of its index): the root then also gives s·[x = y]. This is what
 *       the exact sign of a 64-bit share needs ({@link PositiveBit}).</li>
 *   <li>{@code lowBits} &gt; 0: the leaves of bits [0, lowBits) form one subtree, the root's low child,
 *       whose result (e.g. the carry of the low f bits, for exact truncation) is exposed too.</li>
 * </ul>
 * Immutable and validated.
 */
public final class ComparisonPlan {
    /** Largest digit: a leaf table of 2^6 entries of 2 bits fills one 128-bit hash. */
    public static final int MAX_RADIX = 6;

    private final int bits;
    private final int radix;
    private final int[] widths;
    private final int[] offsets;
    private final boolean fold;
    private final int lowLeaves;
    private final int lowBits;
    private final boolean rootEq;
    private final int slots;
    private final int root;
    private final int lowRoot;
    private final int lowDepth;
    private final int[][] hi;
    private final int[][] lo;
    private final int[][] out;
    private final boolean[][] nodeEq;
    private final boolean[] slotEq;
    /** Custom top leaf ({@link #withTopLeaf}): per digit x of party 0, its 2-bit-entry table {lo, hi}; else null. */
    private final long[] topTable;

    private ComparisonPlan(int bits, int radix, int lowBits, boolean fold, boolean rootEq) {
        this(bits, radix, lowBits, fold, rootEq, 0, null);
    }

    private ComparisonPlan(int bits, int radix, int lowBits, boolean fold, boolean rootEq, int topWidth,
            TopLeaf top) {
        int maxBits = top == null ? 63 : 64;
        if (bits < 1 || bits > maxBits) {
            throw new IllegalArgumentException("comparison width must be in [1, " + maxBits + "] bits, got " + bits);
        }
        if (radix < 1 || radix > MAX_RADIX) {
            throw new IllegalArgumentException("digit width (radix) must be in [1, " + MAX_RADIX + "], got " + radix);
        }
        if (lowBits < 0 || lowBits >= bits) {
            throw new IllegalArgumentException("low subtree of " + lowBits + " bits must be in [0, " + bits + ")");
        }
        this.bits = bits;
        this.radix = radix;
        this.fold = fold;
        this.rootEq = rootEq;
        this.lowBits = lowBits;
        // Leaf 0 carries the folded bit as an extra index bit: keep its table within 128 bits.
        int firstMax = fold ? Math.min(radix, MAX_RADIX - 1) : radix;
        List<Integer> w = new ArrayList<>();
        if (lowBits > 0) {
            split(lowBits, radix, firstMax, w);
            this.lowLeaves = w.size();
            split(bits - lowBits, radix, radix, w);
        } else if (top != null) {
            if (topWidth < 1 || topWidth > MAX_RADIX || topWidth >= bits) {
                throw new IllegalArgumentException("top leaf of " + topWidth + " bits must be in [1, " + MAX_RADIX
                        + "] and below the width " + bits);
            }
            split(bits - topWidth, radix, firstMax, w);
            w.add(topWidth);
            this.lowLeaves = 0;
        } else {
            split(bits, radix, firstMax, w);
            this.lowLeaves = 0;
        }
        this.topTable = top == null ? null : topTable(topWidth, top);
        this.widths = w.stream().mapToInt(Integer::intValue).toArray();
        this.offsets = new int[widths.length];
        for (int j = 1; j < widths.length; j++) {
            offsets[j] = offsets[j - 1] + widths[j - 1];
        }
        // Tree: pairwise combination level by level within each group, then the root over the groups.
        List<int[]> nodes = new ArrayList<>(); // {level, hi, lo, out}
        int[] next = {widths.length};
        int lowTop;
        int lowDepth;
        int highTop;
        int highDepth;
        if (lowLeaves > 0) {
            int[] r1 = build(range(0, lowLeaves), nodes, next);
            int[] r2 = build(range(lowLeaves, widths.length), nodes, next);
            lowTop = r1[0];
            lowDepth = r1[1];
            highTop = r2[0];
            highDepth = r2[1];
            int level = Math.max(lowDepth, highDepth) + 1;
            nodes.add(new int[] {level, highTop, lowTop, next[0]});
            this.root = next[0]++;
            this.lowRoot = lowTop;
            this.lowDepth = lowDepth;
        } else {
            int[] r = build(range(0, widths.length), nodes, next);
            this.root = r[0];
            this.lowRoot = -1;
            this.lowDepth = 0;
        }
        this.slots = next[0];
        int levels = 0;
        for (int[] nd : nodes) {
            levels = Math.max(levels, nd[0]);
        }
        // Which slots need their eq share: every high child; a low child if its parent needs eq.
        this.slotEq = new boolean[slots];
        slotEq[root] = rootEq;
        for (int k = nodes.size() - 1; k >= 0; k--) { // parents are created after their children
            int[] nd = nodes.get(k);
            slotEq[nd[1]] = true;
            slotEq[nd[2]] = slotEq[nd[3]];
        }
        int[] count = new int[levels + 1];
        for (int[] nd : nodes) {
            count[nd[0]]++;
        }
        hi = new int[levels][];
        lo = new int[levels][];
        out = new int[levels][];
        nodeEq = new boolean[levels][];
        int[] fill = new int[levels + 1];
        for (int l = 1; l <= levels; l++) {
            hi[l - 1] = new int[count[l]];
            lo[l - 1] = new int[count[l]];
            out[l - 1] = new int[count[l]];
            nodeEq[l - 1] = new boolean[count[l]];
        }
        for (int[] nd : nodes) {
            int l = nd[0] - 1;
            int k = fill[nd[0]]++;
            hi[l][k] = nd[1];
            lo[l][k] = nd[2];
            out[l][k] = nd[3];
            nodeEq[l][k] = slotEq[nd[3]];
        }
    }

    /** [x &lt; y] for {@code bits}-bit x (party 0) and y (party 1), digits of at most {@code radix} bits. */
    public static ComparisonPlan lessThan(int bits, int radix) {
        return new ComparisonPlan(bits, radix, 0, false, false);
    }

    /**
     * [x &lt;= y] and s·[x = y] for the folded bit s = s0 XOR s1, with the low {@code lowBits} bits'
     * [x_low &lt;= y_low] exposed when lowBits &gt; 0 (see the class comment).
     */
    public static ComparisonPlan positive(int bits, int radix, int lowBits) {
        return new ComparisonPlan(bits, radix, lowBits, true, true);
    }

    /**
     * A comparison-shaped tree whose most significant leaf, of {@code topWidth} bits, computes an arbitrary
     * function of the two parties' top digits: {@code top.entry(x, y)} gives the leaf's (cmp, eq) bits (bit 0,
     * bit 1) for party 0's digit x and party 1's digit y, and the root is then cmp_top XOR (eq_top AND [x_low &lt;
     * y_low]) for the {@code bits - topWidth} bits below, split into digits of at most {@code radix} bits. Up to 64
     * bits. The range check uses it ({@link OutOfRangeCount}): one comparison plus a top digit that looks at the
     * bits above the carry.
     */
    public static ComparisonPlan withTopLeaf(int bits, int radix, int topWidth, TopLeaf top) {
        return new ComparisonPlan(bits, radix, 0, false, false, topWidth,
                java.util.Objects.requireNonNull(top, "top leaf"));
    }

    /** The custom top leaf of {@link #withTopLeaf}. */
    @FunctionalInterface
    public interface TopLeaf {
        /** Bit 0: the leaf's cmp output, bit 1: its eq output, for party 0's digit x and party 1's digit y. */
        int entry(int x, int y);
    }

    private static long[] topTable(int w, TopLeaf top) {
        long[] t = new long[2 << w];
        for (int x = 0; x < 1 << w; x++) {
            for (int y = 0; y < 1 << w; y++) {
                int e = top.entry(x, y);
                if ((e & ~3) != 0) {
                    throw new IllegalArgumentException("top leaf entry must be 2 bits, got " + e);
                }
                int b = 2 * y;
                t[2 * x + (b >>> 6)] |= (long) e << (b & 63);
            }
        }
        return t;
    }

    /** Whether the most significant leaf has a custom table ({@link #withTopLeaf}). */
    public boolean hasTopTable() {
        return topTable != null;
    }

    /** The custom top leaf's table for party 0's digit x: {lo, hi} words, entry y at bits 2y, 2y + 1. */
    long topTableLo(int x) {
        return topTable[2 * x];
    }

    long topTableHi(int x) {
        return topTable[2 * x + 1];
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** Leaves of at most radix bits (the first at most firstMax), as even as possible, least significant first. */
    private static void split(int total, int radix, int firstMax, List<Integer> out) {
        int leaves = Math.max(1 + (int) Math.ceil((total - firstMax) / (double) radix), 1);
        if (total <= firstMax) {
            leaves = 1;
        }
        // even widths, the narrower ones first (leaf 0 the narrowest)
        int base = total / leaves;
        int wider = total % leaves;
        int start = out.size();
        for (int j = 0; j < leaves; j++) {
            out.add(base + (j >= leaves - wider ? 1 : 0));
        }
        if (out.get(start) > firstMax) {
            throw new IllegalStateException("leaf split failed: " + out);
        }
    }

    /** Combines the given slots (least significant first) pairwise level by level; returns {top slot, depth}. */
    private static int[] build(int[] items, List<int[]> nodes, int[] next) {
        int level = 0;
        int[] cur = items;
        while (cur.length > 1) {
            level++;
            int[] up = new int[(cur.length + 1) / 2];
            for (int k = 0; k + 1 < cur.length; k += 2) {
                nodes.add(new int[] {level, cur[k + 1], cur[k], next[0]});
                up[k / 2] = next[0]++;
            }
            if ((cur.length & 1) != 0) {
                up[up.length - 1] = cur[cur.length - 1]; // the most significant one waits a level
            }
            cur = up;
        }
        return new int[] {cur[0], level};
    }

    public int bits() {
        return bits;
    }

    public int radix() {
        return radix;
    }

    public int leaves() {
        return widths.length;
    }

    /** Digit width of leaf j. */
    public int width(int leaf) {
        return widths[leaf];
    }

    public int offset(int leaf) {
        return offsets[leaf];
    }

    /** OT index width of leaf j: its digit, plus the folded bit at leaf 0. */
    public int indexWidth(int leaf) {
        return widths[leaf] + (fold && leaf == 0 ? 1 : 0);
    }

    public int[] indexWidths() {
        int[] w = new int[widths.length];
        for (int j = 0; j < w.length; j++) {
            w[j] = indexWidth(j);
        }
        return w;
    }

    /** Whether leaf 0 compares inclusively and carries the folded bit ({@link #positive}). */
    public boolean folded() {
        return fold;
    }

    public boolean hasLowSubtree() {
        return lowLeaves > 0;
    }

    /** Tree levels of the low subtree (its result is complete after this many levels). */
    public int lowLevels() {
        return lowDepth;
    }

    public int levels() {
        return hi.length;
    }

    public int nodes(int level) {
        return hi[level].length;
    }

    public int totalNodes() {
        int t = 0;
        for (int[] h : hi) {
            t += h.length;
        }
        return t;
    }

    int hi(int level, int node) {
        return hi[level][node];
    }

    int lo(int level, int node) {
        return lo[level][node];
    }

    int out(int level, int node) {
        return out[level][node];
    }

    boolean nodeEq(int level, int node) {
        return nodeEq[level][node];
    }

    int slots() {
        return slots;
    }

    int root() {
        return root;
    }

    int lowRoot() {
        return lowRoot;
    }

    boolean rootEq() {
        return rootEq;
    }

    /** Random COTs per compared element: in the direction party 0 sends (leaf OTs and one per node), and the other. */
    public int cotsFromParty0() {
        return Arrays.stream(indexWidths()).sum() + totalNodes();
    }

    public int cotsFromParty1() {
        return totalNodes();
    }

    @Override
    public String toString() {
        String kind = fold ? "positive" : topTable != null ? "withTopLeaf" : "lessThan";
        return kind + "(bits=" + bits + ", radix=" + radix + ", leaves="
                + Arrays.toString(widths) + (lowLeaves > 0 ? ", low subtree " + lowBits + " bits" : "") + ", levels="
                + levels() + ")";
    }
}
