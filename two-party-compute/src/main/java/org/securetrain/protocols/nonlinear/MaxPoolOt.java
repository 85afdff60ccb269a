package org.securetrain.protocols.nonlinear;

import java.util.ArrayList;
import java.util.List;
import org.securetrain.protocols.MaxPoolWindows;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Max with one-hot argmax over windows of k shared values (DESIGN.md 4.5) on random COTs, the same
 * inputs and outputs as {@link org.securetrain.protocols.MaxPoolCircuitProtocol}: a tournament tree like
 * the circuit's (adjacent candidates paired, the odd last one waits), the earlier candidate winning ties,
 * so the first maximum wins. Per match: g = [right - left &gt; 0] ({@link PositiveBit}), the winner
 * left + g·(right - left) ({@link Multiplexer}), and the one-hot vectors left·(1 - g), right·g by AND
 * gates sharing the operand g (XOR shares). The AND of g with a one-hot vector's last bit is g XOR the
 * others' (the bits of a one-hot vector XOR to 1), so a match of one-hot vectors of sizes a and b needs
 * a + b - 2 ANDs, none at the first level.
 *
 * <p>Exactness: the difference right - left is computed mod 2^64, so the comparison is exact whenever
 * |right - left| &lt; 2^63, in particular whenever every value satisfies |v| &lt; 2^62 (the kernels'
 * range, docs/security/kernels.md); with {@code bound} = B &lt; 64 the caller guarantees
 * |right - left| &lt; 2^B and pays a B-bit comparison. (The garbled circuit compares the reconstructed
 * values and is exact for all inputs.)
 */
public final class MaxPoolOt {
    /** Largest window supported. */
    public static final int MAX_K = MaxPoolWindows.MAX_K;

    /** This party's shares: the window maxima and the one-hot argmax bits (bit i·k + j, packed). */
    public record Result(long[] maxShare, long[] argmaxBits) {
    }

    private MaxPoolOt() {
    }

    /** A candidate of every window: its value shares and its one-hot bits over the window positions it covers. */
    private static final class Candidate {
        long[] value;
        final int size; // window positions covered (known when the tournament is planned)
        long[][] oneHot; // per covered position: packed bits over windows (known when its match completes)

        Candidate(long[] value, int size, long[][] oneHot) {
            this.value = value;
            this.size = size;
            this.oneHot = oneHot;
        }
    }

    /**
     * Both parties call with their shares (window-major: value j of window i at i·k + j), the same k,
     * bound ({@link PositiveBit#FULL} or B in [1, 62], see the class comment) and radix.
     */
    public static Result run(CotChannel ch, long[] values, int k, int bound, int radix) {
        Inputs.reject(ch, "max with argmax", MaxPoolWindows.problem(values, k));
        int n = values.length / k;
        int me = ch.party();
        int words = (n + 63) >>> 6;
        List<Candidate> cands = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = values[i * k + j];
            }
            long[] one = new long[words];
            if (me == 0) { // a single candidate is its window's argmax: shares (1, 0)
                for (int w = 0; w < words; w++) {
                    one[w] = -1L;
                }
            }
            cands.add(new Candidate(v, 1, new long[][] {one}));
        }
        // Plan the tournament: all matches of a level run as one batch of n·matches elements.
        List<Stage> stages = new ArrayList<>();
        List<Runnable> prepares = new ArrayList<>();
        List<Candidate> cur = cands;
        while (cur.size() > 1) {
            int matches = cur.size() / 2;
            List<Candidate> level = cur;
            List<Candidate> next = new ArrayList<>();
            for (int m = 0; m < matches; m++) {
                next.add(new Candidate(null, level.get(2 * m).size + level.get(2 * m + 1).size, null));
            }
            if ((cur.size() & 1) != 0) {
                next.add(cur.get(cur.size() - 1));
            }
            int size = n * matches;
            PositiveBit pb = new PositiveBit(ch, size, bound, radix, 0);
            Multiplexer mux = new Multiplexer(ch, size);
            AndGates[] ands = new AndGates[matches];
            int[] andWidth = new int[matches];
            for (int m = 0; m < matches; m++) {
                Candidate l = level.get(2 * m);
                Candidate r = level.get(2 * m + 1);
                andWidth[m] = l.size - 1 + r.size - 1;
            }
            prepares.add(() -> {
                pb.prepare();
                mux.prepare();
                for (int m = 0; m < matches; m++) {
                    if (andWidth[m] > 0) {
                        ands[m] = new AndGates(n, andWidth[m]);
                        ands[m].prepare(ch);
                    }
                }
            });
            long[] diff = new long[size];
            List<Stage> ps = new ArrayList<>(pb.stages());
            ps.set(0, Stages.beforeWrite(ps.get(0), () -> {
                for (int m = 0; m < matches; m++) {
                    long[] lv = level.get(2 * m).value;
                    long[] rv = level.get(2 * m + 1).value;
                    for (int i = 0; i < n; i++) {
                        diff[m * n + i] = rv[i] - lv[i];
                    }
                }
                pb.setInput(diff);
            }, null));
            stages.addAll(ps);
            // winner values, and the one-hot vectors, in one simultaneous stage
            long[][][] andIn = new long[matches][][];
            Stage andStage = new Stage(Stage.BOTH) {
                @Override
                protected void write(PackedWriter out) {
                    long[] g = pb.output();
                    for (int m = 0; m < matches; m++) {
                        if (ands[m] == null) {
                            continue;
                        }
                        long[] gm = slice(g, m * n, n);
                        andIn[m] = concatAllButLast(level.get(2 * m).oneHot, level.get(2 * m + 1).oneHot);
                        ands[m].writeOpenings(gm, andIn[m], out);
                    }
                }

                @Override
                protected void read(PackedReader in) {
                    for (AndGates a : ands) {
                        if (a != null) {
                            a.readOpenings(in);
                        }
                    }
                }

                @Override
                protected void complete() {
                    long[] g = pb.output();
                    for (int m = 0; m < matches; m++) {
                        Candidate l = level.get(2 * m);
                        Candidate r = level.get(2 * m + 1);
                        long[] gm = slice(g, m * n, n);
                        long[][] z = ands[m] == null ? new long[0][] : ands[m].outputs(me);
                        int a = l.oneHot.length;
                        int b = r.oneHot.length;
                        long[][] gl = completeOneHot(z, 0, a, gm, words); // g AND left bits
                        long[][] gr = completeOneHot(z, a - 1, b, gm, words); // g AND right bits
                        long[][] oh = new long[a + b][];
                        for (int j = 0; j < a; j++) {
                            oh[j] = xor(l.oneHot[j], gl[j], words); // left·(1 - g)
                        }
                        for (int j = 0; j < b; j++) {
                            oh[a + j] = gr[j];
                        }
                        next.get(m).oneHot = oh;
                    }
                }
            };
            Stage muxStage = Stages.beforeWrite(mux.stage(), () -> mux.setInputs(pb.output(), diff), () -> {
                long[] gd = mux.output();
                for (int m = 0; m < matches; m++) {
                    long[] lv = level.get(2 * m).value;
                    long[] w = new long[n];
                    for (int i = 0; i < n; i++) {
                        w[i] = lv[i] + gd[m * n + i];
                    }
                    next.get(m).value = w;
                }
            });
            stages.add(Stages.merge(me, muxStage, andStage));
            cur = next;
        }
        for (Runnable r : prepares) {
            r.run();
        }
        int params = bound | radix << 7 | (k - 1) << 10;
        if (!stages.isEmpty()) {
            StageRunner.run(ch, "nl.max", new RunTag(RunTag.Kind.MAX_ARGMAX, n, params), stages);
        }
        Candidate top = cur.get(0);
        long[] argmax = new long[(n * k + 63) >>> 6];
        for (int j = 0; j < k; j++) {
            long[] bits = top.oneHot[j];
            for (int i = 0; i < n; i++) {
                int idx = i * k + j;
                argmax[idx >>> 6] |= (bits[i >>> 6] >>> (i & 63) & 1) << (idx & 63);
            }
        }
        return new Result(top.value, argmax);
    }

    /** The one-hot bits of both sides except each side's last, as the AND inputs. */
    private static long[][] concatAllButLast(long[][] a, long[][] b) {
        long[][] r = new long[a.length - 1 + b.length - 1][];
        System.arraycopy(a, 0, r, 0, a.length - 1);
        System.arraycopy(b, 0, r, a.length - 1, b.length - 1);
        return r;
    }

    /**
     * g AND v_j for a one-hot vector v of {@code size} bits whose first size - 1 ANDs are z[from ..]: the
     * last is g XOR the others (the bits of v XOR to 1).
     */
    private static long[][] completeOneHot(long[][] z, int from, int size, long[] g, int words) {
        long[][] r = new long[size][];
        long[] last = g.clone();
        for (int j = 0; j < size - 1; j++) {
            r[j] = z[from + j];
            for (int w = 0; w < words; w++) {
                last[w] ^= r[j][w];
            }
        }
        r[size - 1] = last;
        return r;
    }

    private static long[] xor(long[] a, long[] b, int words) {
        long[] r = new long[words];
        for (int w = 0; w < words; w++) {
            r[w] = a[w] ^ b[w];
        }
        return r;
    }

    /** Bits [from, from + n) of a packed vector, as a packed vector. */
    static long[] slice(long[] bits, int from, int n) {
        long[] r = new long[(n + 63) >>> 6];
        for (int i = 0; i < n; i++) {
            int s = from + i;
            r[i >>> 6] |= (bits[s >>> 6] >>> (s & 63) & 1) << (i & 63);
        }
        return r;
    }
}
