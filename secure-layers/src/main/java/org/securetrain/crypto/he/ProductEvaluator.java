package org.securetrain.crypto.he;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The multiplying party's side of a plaintext-ciphertext product, for one output ciphertext at a time:
 * accumulates sum_l ct_l * pt_l in the NTT domain, then {@link #finish} turns the result into what may
 * be sent back to the key owner:
 * <ol>
 *   <li>re-randomisation: adds u*pk + (e1, e2) with fresh ternary u and error e2 (an encryption of zero
 *       under the key owner's public key), so the second component no longer equals a*A for the
 *       key owner's known a (which would reveal A);</li>
 *   <li>noise flooding: e1 is uniform in [-2^f, 2^f) on every coefficient that is sent, f chosen by the
 *       planner so that the product noise is hidden with statistical distance 2^-sigma;</li>
 *   <li>modulus switching from q to 2^k (k = switchBits): round(2^k c / q), exact CRT rounding;</li>
 *   <li>extraction: the second component is sent whole, the first only at the output positions; the
 *       other positions are never sent, so they cannot be decrypted;</li>
 *   <li>masking: the output coefficients get R * 2^(k-64) subtracted (exactly, mod 2^k), R uniform, so
 *       the key owner decrypts A*m - R and the multiplier keeps R.</li>
 * </ol>
 * Products are accumulated exactly as 128-bit integers (both factors are below 2^55, so up to 2^16
 * products fit) and reduced once, which needs no per-plaintext Shoup precomputation.
 * Not thread-safe; one instance per thread.
 */
final class ProductEvaluator {
    private static final int MAX_LAZY_TERMS = 1 << 16;
    /** Terms buffered before they are folded into the full-size accumulators. */
    private static final int PENDING_TERMS = 32;
    /** Coefficients per tile of the fused product loop: 4 accumulators of 2 KiB stay in L1. */
    private static final int CHUNK = 256;

    private final HeParameters params;
    private final RnsBase base;
    private final PublicKey peerPk;
    private final HePrg prg;
    private final RnsRounding switchRounding;
    private final int n;
    private final int len;
    private final long[] acc0Hi;
    private final long[] acc0Lo;
    private final long[] acc1Hi;
    private final long[] acc1Lo;
    private final long[] c0;
    private final long[] c1;
    private final long[] small;
    private final long[] uNtt;
    private final long[] t64Shoup;
    private final long[] two128ModP;
    private final long[] two128Shoup;
    // terms whose products are not yet in the accumulators: read at the next flush (see multiplyAccumulate)
    private final long[][] pendingC0 = new long[PENDING_TERMS + 1][];
    private final long[][] pendingC1 = new long[PENDING_TERMS + 1][];
    private final long[][] pendingPt = new long[PENDING_TERMS + 1][];
    private int pending;
    // per-chunk 128-bit accumulators of the fused product loop (L1-resident)
    private final long[] chunk0Hi = new long[CHUNK];
    private final long[] chunk0Lo = new long[CHUNK];
    private final long[] chunk1Hi = new long[CHUNK];
    private final long[] chunk1Lo = new long[CHUNK];
    private boolean accumulatorsInUse;
    private int terms;

    ProductEvaluator(HeParameters params, PublicKey peerPk, SecureRandom rnd) {
        this.params = params;
        this.base = params.base();
        this.peerPk = peerPk;
        this.prg = HePrg.fresh(rnd);
        this.switchRounding = new RnsRounding(base, params.switchBits());
        this.n = base.n;
        this.len = base.polyLength();
        acc0Hi = new long[len];
        acc0Lo = new long[len];
        acc1Hi = new long[len];
        acc1Lo = new long[len];
        c0 = new long[len];
        c1 = new long[len];
        small = new long[n];
        uNtt = new long[len];
        t64Shoup = new long[base.count];
        two128ModP = new long[base.count];
        two128Shoup = new long[base.count];
        for (int i = 0; i < base.count; i++) {
            t64Shoup[i] = ModArith.shoup(base.two64ModP[i], base.p[i]);
            two128ModP[i] = BigInteger.ONE.shiftLeft(128).mod(BigInteger.valueOf(base.p[i])).longValue();
            two128Shoup[i] = ModArith.shoup(two128ModP[i], base.p[i]);
        }
    }

    void clear() {
        if (accumulatorsInUse) {
            Arrays.fill(acc0Hi, 0);
            Arrays.fill(acc0Lo, 0);
            Arrays.fill(acc1Hi, 0);
            Arrays.fill(acc1Lo, 0);
            accumulatorsInUse = false;
        }
        Arrays.fill(pendingC0, null);
        Arrays.fill(pendingC1, null);
        Arrays.fill(pendingPt, null);
        pending = 0;
        terms = 0;
    }

    /**
     * acc += (ct0, ct1) * pt, all NTT form with values in [0, p). The product is computed lazily: the
     * three arrays are only referenced here and read at the next flush (at the latest in {@link #finish}),
     * so the caller must not modify them before then. Deferring lets one pass over the coefficients sum
     * up to {@value #PENDING_TERMS} terms in L1-resident accumulators instead of streaming four full-size
     * 128-bit accumulator arrays through the cache once per term (the product was memory-bound).
     */
    void multiplyAccumulate(long[] ct0, long[] ct1, long[] pt) {
        if (ct0.length != len || ct1.length != len || pt.length != len) {
            throw new IllegalArgumentException("product operands must have " + len + " words, got " + ct0.length + ", "
                    + ct1.length + ", " + pt.length);
        }
        if (++terms > MAX_LAZY_TERMS) {
            flushPending();
            foldAccumulators();
            terms = 1;
        }
        pendingC0[pending] = ct0;
        pendingC1[pending] = ct1;
        pendingPt[pending] = pt;
        if (++pending == PENDING_TERMS) {
            flushPending();
        }
    }

    /** Adds the pending terms' products into the full-size accumulators. */
    private void flushPending() {
        if (pending == 0) {
            return;
        }
        fusedProducts(false);
    }

    /**
     * One pass over the coefficients in tiles of {@value #CHUNK}: per tile, the 128-bit sums of all
     * pending terms (plus the full-size accumulators if they are in use) are formed in the tile
     * accumulators; then either stored back to the full-size accumulators ({@code reduce} false) or reduced
     * mod p_i into c0/c1 ({@code reduce} true). Exact: every product is below 2^110 and at most
     * {@value #MAX_LAZY_TERMS} products are summed before a reduction (see {@link #multiplyAccumulate}).
     */
    private void fusedProducts(boolean reduce) {
        final int count = pending;
        final boolean fromAcc = accumulatorsInUse;
        final long[] h0 = chunk0Hi;
        final long[] l0 = chunk0Lo;
        final long[] h1 = chunk1Hi;
        final long[] l1 = chunk1Lo;
        for (int start = 0; start < len; start += CHUNK) {
            final int width = Math.min(CHUNK, len - start);
            if (fromAcc) {
                System.arraycopy(acc0Hi, start, h0, 0, width);
                System.arraycopy(acc0Lo, start, l0, 0, width);
                System.arraycopy(acc1Hi, start, h1, 0, width);
                System.arraycopy(acc1Lo, start, l1, 0, width);
            } else {
                Arrays.fill(h0, 0, width, 0);
                Arrays.fill(l0, 0, width, 0);
                Arrays.fill(h1, 0, width, 0);
                Arrays.fill(l1, 0, width, 0);
            }
            for (int t = 0; t < count; t++) {
                macChunk(pendingC0[t], pendingC1[t], pendingPt[t], start, width, h0, l0, h1, l1);
            }
            if (reduce) {
                // a tile never straddles two primes: CHUNK divides N
                int i = start / n;
                reduceChunk(i, h0, l0, c0, start, width);
                reduceChunk(i, h1, l1, c1, start, width);
            } else {
                System.arraycopy(h0, 0, acc0Hi, start, width);
                System.arraycopy(l0, 0, acc0Lo, start, width);
                System.arraycopy(h1, 0, acc1Hi, start, width);
                System.arraycopy(l1, 0, acc1Lo, start, width);
            }
        }
        Arrays.fill(pendingC0, null);
        Arrays.fill(pendingC1, null);
        Arrays.fill(pendingPt, null);
        pending = 0;
        accumulatorsInUse = !reduce;
    }

    /** (h0:l0, h1:l1)[0 .. width) += (x0, x1)[start ..) * y[start ..), 128-bit exact. */
    private static void macChunk(long[] x0, long[] x1, long[] y, int start, int width, long[] h0, long[] l0, long[] h1,
            long[] l1) {
        for (int j = 0; j < width; j++) {
            long b = y[start + j];
            long a0 = x0[start + j];
            long a1 = x1[start + j];
            long p0 = a0 * b;
            long p1 = a1 * b;
            long u0 = l0[j] + p0;
            long u1 = l1[j] + p1;
            h0[j] += Math.multiplyHigh(a0, b) + (Long.compareUnsigned(u0, p0) < 0 ? 1 : 0);
            h1[j] += Math.multiplyHigh(a1, b) + (Long.compareUnsigned(u1, p1) < 0 ? 1 : 0);
            l0[j] = u0;
            l1[j] = u1;
        }
    }

    /** out[start .. start+width) = (hi:lo)[0 .. width) mod p_i. */
    private void reduceChunk(int i, long[] hi, long[] lo, long[] out, int start, int width) {
        final long p = base.p[i];
        final long t64 = base.two64ModP[i];
        final long t64s = t64Shoup[i];
        final long os = base.oneShoup[i];
        for (int j = 0; j < width; j++) {
            long h = hi[j];
            long l = lo[j];
            long r1 = t64 * h - ModArith.umulhi(t64s, h) * p; // [0, 2p)
            long r2 = l - ModArith.umulhi(os, l) * p; // [0, 2p)
            long r = r1 + r2 - 2 * p;
            r += (r >> 63) & (2 * p);
            r -= p;
            out[start + j] = r + ((r >> 63) & p);
        }
    }

    /** Reduces the full-size accumulators mod p in place (keeps 2^16 further products exact). */
    private void foldAccumulators() {
        reduceInto(acc0Hi, acc0Lo, c0);
        reduceInto(acc1Hi, acc1Lo, c1);
        Arrays.fill(acc0Hi, 0);
        Arrays.fill(acc1Hi, 0);
        System.arraycopy(c0, 0, acc0Lo, 0, len);
        System.arraycopy(c1, 0, acc1Lo, 0, len);
        accumulatorsInUse = true;
    }

    private void reduceInto(long[] hi, long[] lo, long[] out) {
        for (int i = 0; i < base.count; i++) {
            final long p = base.p[i];
            final long t64 = base.two64ModP[i];
            final long t64s = t64Shoup[i];
            final long os = base.oneShoup[i];
            final int off = i * n;
            for (int j = off; j < off + n; j++) {
                long h = hi[j];
                long l = lo[j];
                long r1 = t64 * h - ModArith.umulhi(t64s, h) * p; // [0, 2p)
                long r2 = l - ModArith.umulhi(os, l) * p; // [0, 2p)
                long r = r1 + r2 - 2 * p;
                r += (r >> 63) & (2 * p);
                r -= p;
                out[j] = r + ((r >> 63) & p);
            }
        }
    }

    /** Words one switched output ciphertext with {@code outputs} extracted coefficients occupies. */
    static int wireWords(HeParameters params, int outputs) {
        int hiBits = params.switchBits() - 64;
        int n = params.n();
        return n + BitPacking.words(n, hiBits) + outputs + BitPacking.words(outputs, hiBits);
    }

    /**
     * Re-randomises, floods (uniform in [-2^floodBits, 2^floodBits) on the listed positions), switches to
     * 2^k, extracts the listed positions of the first component, subtracts masks[maskOff + t] * 2^(k-64)
     * from output t, and writes the wire form to out[outOff ..]; returns the words written. Clears the
     * accumulator for the next output ciphertext.
     */
    int finish(int[] positions, int floodBits, long[] masks, int maskOff, long[] out, int outOff) {
        final int k = params.switchBits();
        final int d = k - 64;
        if (floodBits < 1 || floodBits + 1 > 191) {
            throw new IllegalArgumentException("flood bits out of range: " + floodBits);
        }
        rerandomiseAndFlood(positions, floodBits);
        // 4. switch to 2^k; c1 whole, c0 only at the output positions
        int hiBits = d;
        long[] lo = new long[n];
        long[] hi = new long[n];
        switchRounding.round(c1, null, lo, hi, 0);
        int off = outOff;
        System.arraycopy(lo, 0, out, off, n);
        off += n;
        off += BitPacking.pack(hi, 0, n, hiBits, out, off);
        int s = positions.length;
        long[] lo0 = new long[s];
        long[] hi0 = new long[s];
        switchRounding.round(c0, positions, lo0, hi0, 0);
        // 5. mask: c0' -= R * 2^d (mod 2^k)
        final long hiMask = (1L << d) - 1;
        for (int t = 0; t < s; t++) {
            long r = masks[maskOff + t];
            long rLo = r << d;
            long rHi = r >>> (64 - d);
            long l = lo0[t] - rLo;
            long borrow = Long.compareUnsigned(lo0[t], rLo) < 0 ? 1 : 0;
            lo0[t] = l;
            hi0[t] = (hi0[t] - rHi - borrow) & hiMask;
        }
        System.arraycopy(lo0, 0, out, off, s);
        off += s;
        off += BitPacking.pack(hi0, 0, s, hiBits, out, off);
        return off - outOff;
    }

    /**
     * Steps 1-3 of {@link #finish}: + u*pk + (e1, e2), inverse NTT; leaves the flooded ciphertext in
     * coefficient form in c0/c1 (flood only on the listed positions) and clears the accumulator.
     */
    private void rerandomiseAndFlood(int[] positions, int floodBits) {
        // 1. + u * pk in the NTT domain
        prg.ternary(small, 0, n);
        base.fromSmall(small, uNtt);
        base.forward(uNtt);
        if (terms + 1 > MAX_LAZY_TERMS) {
            flushPending();
            foldAccumulators();
        }
        // the term (pk.b, pk.a) * u joins the pending products; one fused pass reduces everything into c0/c1
        pendingC0[pending] = peerPk.bNtt;
        pendingC1[pending] = peerPk.aNtt;
        pendingPt[pending] = uNtt;
        pending++;
        fusedProducts(true);
        clear();
        base.inverse(c0);
        base.inverse(c1);
        // 2. + e2 on the second component
        prg.centeredBinomial(params.eta(), small, 0, n);
        for (int i = 0; i < base.count; i++) {
            final long p = base.p[i];
            final int off = i * n;
            for (int j = 0; j < n; j++) {
                long e = small[j];
                long r = c1[off + j] + e + ((e >> 63) & p) - p;
                c1[off + j] = r + ((r >> 63) & p);
            }
        }
        // 3. + e1 (flooding) on the positions that are sent
        addFlood(positions, floodBits);
    }

    /** Test hook: the re-randomised, flooded product at the full modulus q, coefficient form {c0, c1}. */
    long[][] finishUnswitched(int[] positions, int floodBits) {
        rerandomiseAndFlood(positions, floodBits);
        return new long[][] {c0.clone(), c1.clone()};
    }

    private void addFlood(int[] positions, int floodBits) {
        int totalBits = floodBits + 1;
        int words = (totalBits + 63) >>> 6;
        long topMask = (totalBits & 63) == 0 ? -1L : (1L << (totalBits & 63)) - 1;
        long[] offsetModP = new long[base.count];
        for (int i = 0; i < base.count; i++) {
            offsetModP[i] = BigInteger.ONE.shiftLeft(floodBits).mod(BigInteger.valueOf(base.p[i])).longValue();
        }
        long[] v = new long[3];
        for (int pos : positions) {
            prg.nextLongs(v, 0, words);
            v[words - 1] &= topMask;
            for (int w = words; w < 3; w++) {
                v[w] = 0;
            }
            for (int i = 0; i < base.count; i++) {
                final long p = base.p[i];
                long r = base.reduceUnsigned(v[0], i);
                r += ModArith.mulShoup(v[1], base.two64ModP[i], t64Shoup[i], p);
                r += ModArith.mulShoup(v[2], two128ModP[i], two128Shoup[i], p);
                r += c0[i * n + pos] + 2 * p - offsetModP[i]; // < 6p
                c0[i * n + pos] = r % p;
            }
        }
    }
}
