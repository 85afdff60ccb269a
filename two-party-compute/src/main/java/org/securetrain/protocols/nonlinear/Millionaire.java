package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.List;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.OneOfNOt;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * The millionaire comparison of a {@link ComparisonPlan} for n elements at once: party 0 inputs x,
 * party 1 inputs y (and, for folded plans, one bit each), and both get XOR shares of the root results.
 * Party 0 owns the leaf tables, party 1 chooses. Stages: party 1's OT flips, party 0's padded tables,
 * then one stage per tree level (both open their Beaver ANDs). A component: {@link #prepare} (draws
 * the random COTs for all leaves and ANDs), {@link #setInputs} before the first stage writes,
 * {@link #stages()}, then {@link #result()} and friends.
 *
 * <p>Per element: leaf OTs of w_j random COTs each, 2^w_j · 2 bits of table and w_j bits of flips; one
 * AND node per internal tree node (two random COTs, 2 or 3 bits each way). Views: party 0 receives the
 * flips (uniform: one-time padded by the random COT choices) and the openings of party 1 (padded by the
 * triples); party 1 receives padded tables (one entry readable, the others padded with values it
 * cannot compute, see {@link OneOfNOt}) and party 0's openings. All of it is independent of the
 * other party's input, and each output share is padded by the other party's random leaf shares.
 */
public final class Millionaire {
    private final CotChannel ch;
    private final ComparisonPlan plan;
    private final int n;
    private final int me;
    private final int words;
    private final OneOfNOt leafOt;
    private OneOfNOt.Sender tables;
    private OneOfNOt.Receiver chooser;
    private final AndGates[][] gates;
    private final long[][] cmp;
    private final long[][] eq;
    private long[] values;
    private long[] foldBits;
    private int[] flips; // party 0: the chooser's flips, element-major

    public Millionaire(CotChannel ch, ComparisonPlan plan, int n) {
        this.ch = ch;
        this.plan = plan;
        this.n = RunTag.elementCount(n);
        this.me = ch.party();
        this.words = (n + 63) >>> 6;
        this.leafOt = new OneOfNOt(n, plan.indexWidths(), 2);
        this.gates = new AndGates[plan.levels()][];
        for (int l = 0; l < plan.levels(); l++) {
            gates[l] = new AndGates[plan.nodes(l)];
            for (int k = 0; k < plan.nodes(l); k++) {
                gates[l][k] = new AndGates(n, plan.nodeEq(l, k) ? 2 : 1);
            }
        }
        this.cmp = new long[plan.slots()][];
        this.eq = new long[plan.slots()][];
    }

    public ComparisonPlan plan() {
        return plan;
    }

    /** Draws and hashes the random COTs of all leaf OTs and AND triples (both parties at the same point). */
    public void prepare() {
        if (me == 0) {
            tables = leafOt.sender();
        } else {
            chooser = leafOt.receiver();
        }
        int perElement = plan.cotsFromParty0();
        int chunk = Math.max(64, CotChannel.CHUNK_COTS / Math.max(1, perElement));
        int nodes = plan.totalNodes();
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            CotPair.Batch leaves = ch.cots().fetch(count * leafOt.cotsPerElement(), 0);
            if (me == 0) {
                tables.absorb(leaves.sent(), ch.cots().hash(), 0, from, count);
            } else {
                chooser.absorb(leaves.received(), ch.cots().hash(), 0, from, count);
            }
            CotPair.Batch ands = ch.cots().fetch(count * nodes, count * nodes);
            int k = 0;
            for (AndGates[] level : gates) {
                for (AndGates g : level) {
                    g.absorb(ands, ch, k * count, from, count);
                    k++;
                }
            }
        }
    }

    /**
     * This party's input: {@code values[i]} (x at party 0, y at party 1; only the low {@code bits} bits
     * are used) and, for folded plans, its bit s_p (packed), before the first stage writes.
     */
    public void setInputs(long[] values, long[] foldBits) {
        this.values = values;
        this.foldBits = foldBits;
    }

    /** Party 1's flips, party 0's tables, then the tree levels. */
    public List<Stage> stages() {
        List<Stage> s = new ArrayList<>();
        s.add(Stage.of(Stage.P1, this::writeFlips, this::readFlips));
        s.add(Stage.of(Stage.P0, this::writeTables, this::readTables));
        for (int l = 0; l < plan.levels(); l++) {
            int level = l;
            s.add(new Stage(Stage.BOTH) {
                @Override
                protected void write(PackedWriter out) {
                    for (int k = 0; k < gates[level].length; k++) {
                        long[][] y = plan.nodeEq(level, k)
                                ? new long[][] {cmp[plan.lo(level, k)], eq[plan.lo(level, k)]}
                                : new long[][] {cmp[plan.lo(level, k)]};
                        gates[level][k].writeOpenings(eq[plan.hi(level, k)], y, out);
                    }
                }

                @Override
                protected void read(PackedReader in) {
                    for (AndGates g : gates[level]) {
                        g.readOpenings(in);
                    }
                }

                @Override
                protected void complete() {
                    for (int k = 0; k < gates[level].length; k++) {
                        long[][] z = gates[level][k].outputs(me);
                        long[] c = cmp[plan.hi(level, k)];
                        long[] r = new long[words];
                        for (int w = 0; w < words; w++) {
                            r[w] = c[w] ^ z[0][w];
                        }
                        int o = plan.out(level, k);
                        cmp[o] = r;
                        if (plan.nodeEq(level, k)) {
                            eq[o] = z[1];
                        }
                    }
                }
            });
        }
        return s;
    }

    private int index(int i, int leaf) {
        int d = (int) (values[i] >>> plan.offset(leaf)) & ((1 << plan.width(leaf)) - 1);
        if (plan.folded() && leaf == 0) {
            d |= (int) (foldBits[i >>> 6] >>> (i & 63) & 1) << plan.width(0);
        }
        return d;
    }

    private void writeFlips(PackedWriter out) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < plan.leaves(); j++) {
                out.bits(chooser.flips(i, j, index(i, j)), plan.indexWidth(j));
            }
        }
    }

    private void readFlips(PackedReader in) {
        flips = new int[n * plan.leaves()];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < plan.leaves(); j++) {
                flips[i * plan.leaves() + j] = (int) in.bits(plan.indexWidth(j));
            }
        }
    }

    private static final long EVEN = 0x5555_5555_5555_5555L; // bit 0 of every 2-bit segment: cmp
    private static final long ODD = 0xAAAA_AAAA_AAAA_AAAAL; // bit 1: eq

    /** Mask of bit positions [0, to) of a 64-bit word (to in [0, 64]). */
    private static long lowMask(int to) {
        return to >= 64 ? -1L : (1L << to) - 1;
    }

    /**
     * Party 0's leaf tables before its random shares: for leaf j and digit x, the cmp bits (bit 0 of
     * segment v: [x &lt; v], or [x &lt;= v] at a folded leaf 0 whatever the index's top bit) as {lo, hi} at
     * [2x], [2x + 1]. Computed once per call, so the per-element loop allocates nothing.
     */
    private long[][] cmpMasks() {
        long[][] m = new long[plan.leaves()][];
        for (int j = 0; j < plan.leaves(); j++) {
            int w = plan.width(j);
            boolean folded = plan.folded() && j == 0;
            m[j] = new long[2 << w];
            for (int x = 0; x < 1 << w; x++) {
                int firstTrue = folded ? x : x + 1;
                int half = 2 << w; // bits of one value of the folded top index bit
                long lo = 0;
                long hi = 0;
                for (int v = firstTrue; v < 1 << w; v++) {
                    for (int top = 0; top < (folded ? 2 : 1); top++) {
                        int b = 2 * v + top * half;
                        if (b < 64) {
                            lo |= 1L << b;
                        } else {
                            hi |= 1L << (b - 64);
                        }
                    }
                }
                m[j][2 * x] = lo;
                m[j][2 * x + 1] = hi;
            }
        }
        return m;
    }

    private void writeTables(PackedWriter out) {
        int leaves = plan.leaves();
        for (int j = 0; j < leaves; j++) {
            cmp[j] = ch.random().nextBits(n);
            eq[j] = ch.random().nextBits(n);
        }
        long[][] masks = cmpMasks();
        int top = plan.hasTopTable() ? leaves - 1 : -1; // its table comes from the plan
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < leaves; j++) {
                int w = plan.width(j);
                int x = (int) (values[i] >>> plan.offset(j)) & ((1 << w) - 1);
                int tableBits = 2 << plan.indexWidth(j);
                // eq bit of segment v: [x = v]; at a folded leaf 0 only where the top index bit s1 makes
                // s0 XOR s1 = 1, i.e. s1 = 1 - s0
                int eqSeg = x;
                if (plan.folded() && j == 0) {
                    eqSeg += (int) (1 ^ (foldBits[i >>> 6] >>> (i & 63) & 1)) << w;
                }
                int b = 2 * eqSeg + 1;
                long eLo = b < 64 ? 1L << b : 0;
                long eHi = b < 64 ? 0 : 1L << (b - 64);
                long rc = -(cmp[j][i >>> 6] >>> (i & 63) & 1);
                long re = -(eq[j][i >>> 6] >>> (i & 63) & 1);
                long lowBits = lowMask(Math.min(tableBits, 64));
                boolean custom = j == top;
                long tLo = (custom ? plan.topTableLo(x) : masks[j][2 * x] ^ eLo) ^ (rc & EVEN & lowBits)
                        ^ (re & ODD & lowBits);
                long tHi = 0;
                if (tableBits > 64) {
                    long highBits = lowMask(tableBits - 64);
                    tHi = (custom ? plan.topTableHi(x) : masks[j][2 * x + 1] ^ eHi) ^ (rc & EVEN & highBits)
                            ^ (re & ODD & highBits);
                }
                tables.writeTable(i, j, tLo, tHi, flips[i * leaves + j], out);
            }
        }
    }

    private void readTables(PackedReader in) {
        int leaves = plan.leaves();
        for (int j = 0; j < leaves; j++) {
            cmp[j] = new long[words];
            eq[j] = new long[words];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < leaves; j++) {
                long e = chooser.readEntry(i, j, in);
                cmp[j][i >>> 6] |= (e & 1) << (i & 63);
                eq[j][i >>> 6] |= (e >>> 1 & 1) << (i & 63);
            }
        }
    }

    private long[] masked(long[] v) {
        long[] r = v.clone();
        if ((n & 63) != 0 && words > 0) {
            r[words - 1] &= (1L << (n & 63)) - 1;
        }
        return r;
    }

    /** Shares of the root comparison: [x &lt; y], or [x &lt;= y] for folded plans (packed, n bits). */
    public long[] result() {
        return masked(cmp[plan.root()]);
    }

    /** Shares of the root equality: [x = y], times the folded bit for folded plans (only if the plan keeps it). */
    public long[] rootEq() {
        if (!plan.rootEq()) {
            throw new IllegalStateException("this plan does not compute the root equality");
        }
        return masked(eq[plan.root()]);
    }

    /** Shares of the low subtree's comparison (the low bits' [x &lt;= y] for folded plans). */
    public long[] lowResult() {
        if (!plan.hasLowSubtree()) {
            throw new IllegalStateException("this plan has no low subtree");
        }
        return masked(cmp[plan.lowRoot()]);
    }
}
