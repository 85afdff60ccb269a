package org.securetrain.crypto.gc;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.securetrain.protocols.ReluTruncation;

/**
 * The circuits under test with their Java reference semantics. Inputs and outputs are groups of
 * bits read as integers (width 1..64). For "shared" cases evaluator group j is chosen as
 * target_j - garbler group j, so that the value the circuit reconstructs runs through the edge values.
 */
public final class GeneratorCases {
    private GeneratorCases() {
    }

    /** A circuit, its input/output group widths and its reference (per element: group values in, group values out). */
    public record Case(String name, Circuit circuit, int[] gWidths, int[] eWidths, int[] outWidths, boolean shared,
            int f, BiFunction<long[], long[], long[]> ref) {

        /** Input planes for n elements: [garbler planes, evaluator planes]. */
        public long[][] inputs(SplittableRandom rnd, int n) {
            long[][] g = new long[gWidths.length][];
            long[][] e = new long[eWidths.length][];
            for (int j = 0; j < g.length; j++) {
                g[j] = draw(rnd, n, gWidths[j]);
            }
            for (int j = 0; j < e.length; j++) {
                e[j] = draw(rnd, n, eWidths[j]);
                if (shared) {
                    long[] target = GcTestUtil.values(rnd, n, f);
                    for (int i = 0; i < n; i++) {
                        e[j][i] = target[(i + 7 * j) % n] - g[j][i];
                    }
                }
            }
            return new long[][] {planes(g, gWidths, n), planes(e, eWidths, n), flat(g, n), flat(e, n)};
        }

        private static long[] draw(SplittableRandom rnd, int n, int w) {
            if (w == 64) {
                return GcTestUtil.values(rnd, n, 16);
            }
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextLong() & ((1L << w) - 1);
            }
            return v;
        }

        private static long[] planes(long[][] groups, int[] widths, int n) {
            int total = 0;
            for (int w : widths) {
                total += w;
            }
            long[] p = new long[total * BitPlanes.words(n)];
            int first = 0;
            for (int j = 0; j < groups.length; j++) {
                BitPlanes.fromLongs(groups[j], widths[j], p, first);
                first += widths[j];
            }
            return p;
        }

        /** Group values as one array, group-major: [j * n + i]. */
        private static long[] flat(long[][] groups, int n) {
            long[] f = new long[groups.length * n];
            for (int j = 0; j < groups.length; j++) {
                System.arraycopy(groups[j], 0, f, j * n, n);
            }
            return f;
        }

        /** Expected output planes from the flat group values. */
        public long[] expected(long[] gFlat, long[] eFlat, int n) {
            long[][] outs = new long[outWidths.length][n];
            long[] gv = new long[gWidths.length];
            long[] ev = new long[eWidths.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < gv.length; j++) {
                    gv[j] = gFlat[j * n + i];
                }
                for (int j = 0; j < ev.length; j++) {
                    ev[j] = eFlat[j * n + i];
                }
                long[] o = ref.apply(gv, ev);
                for (int j = 0; j < o.length; j++) {
                    outs[j][i] = o[j];
                }
            }
            return planes(outs, outWidths, n);
        }
    }

    private static int[] w(int... widths) {
        return widths;
    }

    private static long b(boolean v) {
        return v ? 1 : 0;
    }

    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        {
            CircuitBuilder cb = new CircuitBuilder();
            int[] x = cb.garblerInputs(64);
            int[] y = cb.evaluatorInputs(64);
            cb.outputs(IntegerCircuits.add(cb, x, y));
            cases.add(new Case("add", cb.build("add"), w(64), w(64), w(64), false, 16, (g, e) -> new long[] {g[0] + e[0]}));
        }
        {
            CircuitBuilder cb = new CircuitBuilder();
            int[] x = cb.garblerInputs(64);
            int[] y = cb.evaluatorInputs(64);
            cb.outputs(IntegerCircuits.sub(cb, x, y));
            cases.add(new Case("sub", cb.build("sub"), w(64), w(64), w(64), false, 16, (g, e) -> new long[] {g[0] - e[0]}));
        }
        {
            CircuitBuilder cb = new CircuitBuilder();
            int[] y = cb.evaluatorInputs(64);
            cb.outputs(IntegerCircuits.negate(cb, y));
            cases.add(new Case("negate", cb.build("negate"), w(), w(64), w(64), false, 16, (g, e) -> new long[] {-e[0]}));
        }
        {
            CircuitBuilder cb = new CircuitBuilder();
            int[] x = cb.garblerInputs(64);
            int[] y = cb.evaluatorInputs(64);
            cb.output(IntegerCircuits.lessThanSigned(cb, x, y));
            cb.output(IntegerCircuits.lessThanUnsigned(cb, x, y));
            cb.output(IntegerCircuits.lessThanSigned(cb, y, x));
            cases.add(new Case("compare", cb.build("compare"), w(64), w(64), w(1, 1, 1), false, 16,
                    (g, e) -> new long[] {b(g[0] < e[0]), b(Long.compareUnsigned(g[0], e[0]) < 0), b(e[0] < g[0])}));
        }
        {
            CircuitBuilder cb = new CircuitBuilder();
            int[] x = cb.garblerInputs(64);
            int[] y = cb.evaluatorInputs(64);
            int[] z = IntegerCircuits.add(cb, x, y);
            cb.output(IntegerCircuits.isZero(cb, z));
            cb.output(IntegerCircuits.greaterThanZero(cb, z));
            cb.output(IntegerCircuits.isNegative(z));
            cases.add(new Case("sign-tests", cb.build("sign-tests"), w(64), w(64), w(1, 1, 1), true, 16,
                    (g, e) -> {
                        long v = g[0] + e[0];
                        return new long[] {b(v == 0), b(v > 0), b(v < 0)};
                    }));
        }
        {
            CircuitBuilder cb = new CircuitBuilder();
            int[] x = cb.garblerInputs(64);
            int sel = cb.evaluatorInput();
            int[] y = cb.evaluatorInputs(64);
            cb.outputs(IntegerCircuits.mux(cb, sel, x, y));
            cb.outputs(IntegerCircuits.andBit(cb, sel, y));
            cases.add(new Case("mux", cb.build("mux"), w(64), w(1, 64), w(64, 64), false, 16,
                    (g, e) -> new long[] {e[0] != 0 ? g[0] : e[1], e[0] != 0 ? e[1] : 0}));
        }
        for (int s : new int[] {0, 13, 63}) {
            CircuitBuilder cb = new CircuitBuilder();
            int[] x = cb.garblerInputs(64);
            int[] y = cb.evaluatorInputs(64);
            int[] z = IntegerCircuits.add(cb, x, y);
            cb.outputs(IntegerCircuits.shiftRightArithmetic(z, s));
            cb.outputs(IntegerCircuits.shiftRightLogical(z, s));
            cb.outputs(IntegerCircuits.shiftLeft(z, s));
            cases.add(new Case("shifts" + s, cb.build("shifts" + s), w(64), w(64), w(64, 64, 64), true, s,
                    (g, e) -> {
                        long v = g[0] + e[0];
                        return new long[] {v >> s, v >>> s, v << s};
                    }));
        }
        for (int k : new int[] {1, 2, 3, 4, 5}) {
            CircuitBuilder cb = new CircuitBuilder();
            int[][] gx = new int[k][];
            int[][] ex = new int[k][];
            for (int j = 0; j < k; j++) {
                gx[j] = cb.garblerInputs(64);
            }
            for (int j = 0; j < k; j++) {
                ex[j] = cb.evaluatorInputs(64);
            }
            int[][] v = new int[k][];
            for (int j = 0; j < k; j++) {
                v[j] = IntegerCircuits.add(cb, gx[j], ex[j]);
            }
            IntegerCircuits.MaxArgmax ma = IntegerCircuits.maxArgmax(cb, v);
            cb.outputs(ma.max());
            cb.outputs(ma.oneHot());
            int[] gw = new int[k];
            int[] outw = new int[k + 1];
            java.util.Arrays.fill(gw, 64);
            java.util.Arrays.fill(outw, 1);
            outw[0] = 64;
            cases.add(new Case("max" + k, cb.build("max" + k), gw, gw.clone(), outw, true, 16, (g, e) -> {
                long best = g[0] + e[0];
                int arg = 0;
                for (int j = 1; j < k; j++) {
                    long vj = g[j] + e[j];
                    if (vj > best) {
                        best = vj;
                        arg = j;
                    }
                }
                long[] o = new long[k + 1];
                o[0] = best;
                o[1 + arg] = 1;
                return o;
            }));
        }
        {
            // Only garbler inputs: every wire is garbler-known (no OT, outputs decoded from cleartext bits).
            CircuitBuilder cb = new CircuitBuilder();
            int[] x = cb.garblerInputs(64);
            int[] y = cb.garblerInputs(64);
            cb.outputs(IntegerCircuits.add(cb, x, y));
            cases.add(new Case("garbler-only", cb.build("garbler-only"), w(64, 64), w(), w(64), false, 16,
                    (g, e) -> new long[] {g[0] + g[1]}));
        }
        {
            // Constant outputs, an input passed straight through, a NOT of an evaluator bit.
            CircuitBuilder cb = new CircuitBuilder();
            int x = cb.garblerInput();
            int y = cb.evaluatorInput();
            cb.outputs(CircuitBuilder.ZERO, CircuitBuilder.ONE, y, cb.not(y), cb.xor(x, y), cb.and(x, y), cb.or(x, y));
            cases.add(new Case("constants", cb.build("constants"), w(1), w(1), w(1, 1, 1, 1, 1, 1, 1), false, 16,
                    (g, e) -> new long[] {0, 1, e[0], 1 - e[0], g[0] ^ e[0], g[0] & e[0], g[0] | e[0]}));
        }
        for (int f : new int[] {0, 16, 40}) {
            cases.add(new Case("relu" + f, ReluTruncation.circuit(f), w(64, 64, 1), w(64), w(64, 1), true, f,
                    (g, e) -> {
                        long v = g[0] + e[0];
                        long d = b(v > 0);
                        long y = d == 1 ? v >> f : 0;
                        return new long[] {y - g[1], d ^ g[2]};
                    }));
        }
        return cases;
    }
}
