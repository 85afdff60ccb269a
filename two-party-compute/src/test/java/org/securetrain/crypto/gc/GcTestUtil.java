package org.securetrain.crypto.gc;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test helpers: input generation with edge values, local garbling without a network. */
public final class GcTestUtil {
    private GcTestUtil() {
    }

    /** Interesting 64-bit values: zero, ±1, extremes, powers of two and their neighbours. */
    public static long[] edgeValues(int f) {
        List<Long> v = new ArrayList<>();
        long[] base = {0, 1, -1, 2, -2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1};
        for (long b : base) {
            v.add(b);
        }
        for (int s : new int[] {f, f + 1, 62, 63, 32, 1}) {
            if (s < 0 || s > 63) {
                continue;
            }
            long p = 1L << s;
            for (long k : new long[] {1, 2, 3, -1, -2, -3, 1000, -1000}) {
                long c = k * p;
                v.add(c - 1);
                v.add(c);
                v.add(c + 1);
            }
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    /**
     * n values: the edge values first, then a mix of full-range random values, small magnitudes and
     * values within ±2 of a random multiple of 2^f.
     */
    public static long[] values(SplittableRandom rnd, int n, int f) {
        long[] edge = edgeValues(f);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            if (i < edge.length) {
                out[i] = edge[i];
                continue;
            }
            switch (i % 3) {
                case 0 -> out[i] = rnd.nextLong();
                case 1 -> out[i] = rnd.nextLong() >> rnd.nextInt(64);
                default -> {
                    long k = rnd.nextLong() >> rnd.nextInt(64 - Math.min(f, 62));
                    out[i] = (k << f) + rnd.nextInt(5) - 2;
                }
            }
        }
        return out;
    }

    /** n random bits packed as one plane. */
    public static long[] randomBits(SplittableRandom rnd, int n) {
        long[] b = new long[BitPlanes.words(n)];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextLong();
        }
        if (b.length > 0) {
            b[b.length - 1] &= BitPlanes.lastWordMask(n);
        }
        return b;
    }

    /** Concatenates plane arrays. */
    public static long[] concat(long[]... parts) {
        int len = 0;
        for (long[] p : parts) {
            len += p.length;
        }
        long[] out = new long[len];
        int o = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /**
     * Garbles and evaluates c over n elements locally in chunks of {@code chunk}, handing the evaluator
     * its active input labels directly (q ⊕ b·Δ, as block COT would). Returns the output planes.
     */
    public static long[] garbleAndEvaluate(Circuit c, long[] gPlanes, long[] ePlanes, int n, int chunk,
            SplittableRandom rnd) {
        long dLo = rnd.nextLong() | 1L;
        long dHi = rnd.nextLong();
        long seedLo = rnd.nextLong();
        long seedHi = rnd.nextLong();
        HalfGatesScheme.Garbler g = new HalfGatesScheme.Garbler(dLo, dHi, seedLo, seedHi);
        HalfGatesScheme.Evaluator e = new HalfGatesScheme.Evaluator(seedLo, seedHi);
        int words = BitPlanes.words(n);
        int nG = c.garblerInputCount();
        int nE = c.evaluatorInputCount();
        long[] out = new long[c.outputCount() * words];
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            int wm = BitPlanes.words(m);
            long[] gb = new long[nG * wm];
            for (int i = 0; i < nG; i++) {
                BitPlanes.copyBits(gPlanes, (long) i * words * 64 + start, gb, (long) i * wm * 64, m);
            }
            long[] zero = new long[2 * nE * m];
            long[] active = new long[2 * nE * m];
            for (int i = 0; i < nE; i++) {
                for (int k = 0; k < m; k++) {
                    int idx = i * m + k;
                    long lo = rnd.nextLong();
                    long hi = rnd.nextLong();
                    zero[2 * idx] = lo;
                    zero[2 * idx + 1] = hi;
                    long bit = BitPlanes.bit(ePlanes, i * words * 64 + start + k);
                    active[2 * idx] = lo ^ (-bit & dLo);
                    active[2 * idx + 1] = hi ^ (-bit & dHi);
                }
            }
            long[] garbled = g.garble(c, m, zero, gb);
            long[] o = e.evaluate(c, m, active, garbled);
            for (int i = 0; i < c.outputCount(); i++) {
                BitPlanes.copyBits(o, (long) i * wm * 64, out, (long) i * words * 64 + start, m);
            }
        }
        return out;
    }
}
