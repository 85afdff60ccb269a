package org.securetrain.crypto.he;

/**
 * Negacyclic number-theoretic transform over Z_p[X]/(X^n + 1) for one RNS prime p < 2^61.
 * Forward: Cooley-Tukey, natural-order input, bit-reversed output; inverse: Gentleman-Sande,
 * bit-reversed input, natural-order output (the order never matters to callers: NTT-domain data is only
 * multiplied/added pointwise and sent in the same order by both parties).
 * Butterflies use Shoup twiddles and Harvey's lazy reduction: values stay in [0, 4p) (forward) or
 * [0, 2p) (inverse) inside the transform and are fully reduced to [0, p) only at the end.
 * Thread-safe (tables are read-only).
 */
final class Ntt {
    final int n;
    final int logN;
    final long p;
    private final long twoP;
    private final long[] psiRev;
    private final long[] psiRevShoup;
    private final long[] psiInvRev;
    private final long[] psiInvRevShoup;
    private final long nInv;
    private final long nInvShoup;

    Ntt(int n, long p) {
        if (n < 4 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("NTT size must be a power of two >= 4, got " + n);
        }
        if (p <= 2 || p >= (1L << 61)) {
            throw new IllegalArgumentException("NTT prime must be in (2, 2^61), got " + p);
        }
        this.n = n;
        this.logN = Integer.numberOfTrailingZeros(n);
        this.p = p;
        this.twoP = 2 * p;
        long psi = ModArith.primitive2nthRoot(n, p);
        long psiInv = ModArith.invMod(psi, p);
        psiRev = new long[n];
        psiRevShoup = new long[n];
        psiInvRev = new long[n];
        psiInvRevShoup = new long[n];
        long pw = 1;
        long pwInv = 1;
        for (int i = 0; i < n; i++) {
            int r = Integer.reverse(i) >>> (32 - logN);
            psiRev[r] = pw;
            psiInvRev[r] = pwInv;
            pw = ModArith.mulModSlow(pw, psi, p);
            pwInv = ModArith.mulModSlow(pwInv, psiInv, p);
        }
        for (int i = 0; i < n; i++) {
            psiRevShoup[i] = ModArith.shoup(psiRev[i], p);
            psiInvRevShoup[i] = ModArith.shoup(psiInvRev[i], p);
        }
        nInv = ModArith.invMod(n, p);
        nInvShoup = ModArith.shoup(nInv, p);
    }

    /** In-place forward transform of a[off .. off+n); input in [0, 4p), output in [0, p). */
    void forward(long[] a, int off) {
        forwardFrom(a, off, 1, n);
    }

    /** Coefficients per zero-tracking granule of {@link #forwardSparse}. */
    static final int GRANULE = 16;

    /**
     * The granules (of {@value #GRANULE} coefficients) that a coefficient-encoded plaintext block may occupy:
     * {@code runs} runs of {@code runLength} coefficients starting at 0, stride, 2 stride, ... . Computed
     * from the public block shape only, never from coefficient values, so that the pruned transform does
     * the same work for every private plaintext of that shape (docs/security/he.md, "Data-independent work").
     */
    static boolean[] granuleSupport(int n, int runs, int runLength, int stride) {
        if (runs < 0 || runLength < 0 || stride < runLength || (runs > 0 && (long) (runs - 1) * stride + runLength > n)) {
            throw new IllegalArgumentException("support of " + runs + " runs of " + runLength + " at stride " + stride
                    + " does not fit N = " + n);
        }
        boolean[] support = new boolean[Math.max(1, n / GRANULE)];
        for (int i = 0; i < runs && runLength > 0; i++) {
            int first = i * stride;
            int last = first + runLength - 1;
            for (int gIdx = first / GRANULE; gIdx <= last / GRANULE; gIdx++) {
                support[gIdx] = true;
            }
        }
        return support;
    }

    /**
     * Forward transform for inputs that are zero outside a public support (coefficient-encoded plaintext
     * blocks: r_w*k_w non-zeros in runs of k_w; {@link #granuleSupport}). The marks start as the support;
     * in the stages with butterfly distance t &gt;= {@value #GRANULE} the butterflies of a granule pair
     * (x, y) are skipped when both are unmarked, replaced by a copy (x, x) when only y is unmarked (no
     * multiplication; values stay below 4p, the lazy bound, and are congruent to the true outputs), and
     * computed otherwise, updating the marks. The other stages run as in {@link #forward}. Same result as
     * {@link #forward} for every input in [0, 4p) that is zero outside the support.
     *
     * <p>Why the support is an argument and not read from the coefficients: the plaintext is the
     * multiplier's private share; skipping on its values (an all-zero granule, e.g. 16 black pixels) made
     * the transform's running time depend on the data. The work now depends on the public shape only
     * ({@link WorkCounter} counts it for the tests).
     */
    void forwardSparse(long[] a, int off, boolean[] support) {
        final int g = GRANULE;
        if (n < 2 * g) {
            forward(a, off);
            return;
        }
        final int granules = n / g;
        if (support.length != granules) {
            throw new IllegalArgumentException("support has " + support.length + " granules, expected " + granules);
        }
        final long p = this.p;
        final long twoP = this.twoP;
        final long[] w = psiRev;
        final long[] ws = psiRevShoup;
        final boolean[] nz = support.clone();
        boolean any = false;
        for (boolean b : nz) {
            any |= b;
        }
        if (!any) {
            return; // empty support: the input is zero, and so is its transform
        }
        long work = 0;
        int t = n;
        int m = 1;
        for (; m < n; m <<= 1) {
            t >>= 1;
            if (t < g) {
                break;
            }
            final int gt = t / g; // granules per half block
            for (int i = 0; i < m; i++) {
                final int gx0 = 2 * i * gt;
                int c = 0;
                // skip leading granule pairs that are zero on both sides without touching the twiddles
                while (c < gt && !nz[gx0 + c] && !nz[gx0 + c + gt]) {
                    c++;
                }
                if (c == gt) {
                    continue;
                }
                final long wi = w[m + i];
                final long wsi = ws[m + i];
                for (; c < gt; c++) {
                    final int gx = gx0 + c;
                    final int gy = gx + gt;
                    if (!nz[gy]) {
                        if (nz[gx]) {
                            System.arraycopy(a, off + gx * g, a, off + gy * g, g);
                            nz[gy] = true;
                            work++;
                        }
                        continue;
                    }
                    nz[gx] = true;
                    work++;
                    final int j0 = off + gx * g;
                    butterflies(a, j0, j0 + g, t, wi, wsi, p, twoP);
                }
            }
        }
        WorkCounter.add(WorkCounter.NTT_GRANULES, work);
        forwardFrom(a, off, m, t << 1);
    }

    /** The remaining stages of the forward transform, starting at stage m with distance 2t_prev. */
    private void forwardFrom(long[] a, int off, int mStart, int tPrev) {
        final long p = this.p;
        final long twoP = this.twoP;
        final long[] w = psiRev;
        final long[] ws = psiRevShoup;
        int t = tPrev;
        for (int m = mStart; m < n; m <<= 1) {
            t >>= 1;
            if (t >= 4) {
                for (int i = 0; i < m; i++) {
                    final int j1 = off + 2 * i * t;
                    butterflies(a, j1, j1 + t, t, w[m + i], ws[m + i], p, twoP);
                }
            } else if (t == 2) {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final long wsiSign = wsi >> 63;
                    final int j = off + 4 * i;
                    long x0 = a[j] - twoP;
                    x0 += (x0 >> 63) & twoP;
                    long x1 = a[j + 1] - twoP;
                    x1 += (x1 >> 63) & twoP;
                    long y0 = a[j + 2];
                    long y1 = a[j + 3];
                    long q0 = wi * y0 - (Math.multiplyHigh(wsi, y0) + (wsiSign & y0)) * p;
                    long q1 = wi * y1 - (Math.multiplyHigh(wsi, y1) + (wsiSign & y1)) * p;
                    a[j] = x0 + q0;
                    a[j + 1] = x1 + q1;
                    a[j + 2] = x0 - q0 + twoP;
                    a[j + 3] = x1 - q1 + twoP;
                }
            } else { // t == 1: last stage, fold the final reduction to [0, p) in
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j = off + 2 * i;
                    long x = a[j] - twoP;
                    x += (x >> 63) & twoP;
                    long y = a[j + 1];
                    long q = wi * y - (Math.multiplyHigh(wsi, y) + ((wsi >> 63) & y)) * p;
                    long u = x + q; // [0, 4p)
                    long v = x - q + twoP;
                    u -= twoP;
                    u += (u >> 63) & twoP;
                    u -= p;
                    u += (u >> 63) & p;
                    v -= twoP;
                    v += (v >> 63) & twoP;
                    v -= p;
                    v += (v >> 63) & p;
                    a[j] = u;
                    a[j + 1] = v;
                }
            }
        }
    }

    /**
     * Harvey's lazy forward butterflies (a[j], a[j + t]) for j in [from, to) with the twiddle {@code wi} and its Shoup
     * companion {@code wsi}: inputs and outputs in [0, 4p).
     */
    private static void butterflies(long[] a, int from, int to, int t, long wi, long wsi, long p, long twoP) {
        final long wsiSign = wsi >> 63;
        for (int j = from; j < to; j++) {
            long x = a[j] - twoP;
            x += (x >> 63) & twoP;
            long y = a[j + t];
            long q = wi * y - (Math.multiplyHigh(wsi, y) + (wsiSign & y)) * p;
            a[j] = x + q;
            a[j + t] = x - q + twoP;
        }
    }

    /** In-place inverse transform of a[off .. off+n); input in [0, 2p), output in [0, p). */
    void inverse(long[] a, int off) {
        final long p = this.p;
        final long twoP = this.twoP;
        final long[] w = psiInvRev;
        final long[] ws = psiInvRevShoup;
        int t = 1;
        for (int m = n; m > 1; m >>= 1) {
            final int h = m >> 1;
            if (t == 1) {
                for (int i = 0; i < h; i++) {
                    final long wi = w[h + i];
                    final long wsi = ws[h + i];
                    final int j = off + 2 * i;
                    long x = a[j];
                    long y = a[j + 1];
                    long s = x + y - twoP;
                    s += (s >> 63) & twoP;
                    long d = x - y + twoP;
                    a[j] = s;
                    a[j + 1] = wi * d - (Math.multiplyHigh(wsi, d) + ((wsi >> 63) & d)) * p;
                }
            } else {
                int j1 = off;
                for (int i = 0; i < h; i++) {
                    final long wi = w[h + i];
                    final long wsi = ws[h + i];
                    final long wsiSign = wsi >> 63;
                    final int j2 = j1 + t;
                    for (int j = j1; j < j2; j++) {
                        long x = a[j];
                        long y = a[j + t];
                        long s = x + y - twoP;
                        s += (s >> 63) & twoP;
                        long d = x - y + twoP;
                        a[j] = s;
                        a[j + t] = wi * d - (Math.multiplyHigh(wsi, d) + (wsiSign & d)) * p;
                    }
                    j1 += 2 * t;
                }
            }
            t <<= 1;
        }
        final long ni = nInv;
        final long nis = nInvShoup;
        final long nisSign = nis >> 63;
        for (int j = off, end = off + n; j < end; j++) {
            long x = a[j];
            long r = ni * x - (Math.multiplyHigh(nis, x) + (nisSign & x)) * p - p;
            a[j] = r + ((r >> 63) & p);
        }
    }
}
