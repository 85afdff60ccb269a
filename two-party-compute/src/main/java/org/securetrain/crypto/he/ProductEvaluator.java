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
 * Products are accumulated exactly, without carries, in base 2^56 (both factors are below 2^55): see
 * {@link #multiplyAccumulate}.
 * Not thread-safe; one instance per thread.
 */
final class ProductEvaluator {
    /**
     * Terms summed per pass over the accumulators (the one-term loop was memory-bound); 2 measured faster
     * than 4 in the evaluator (docs/PROFILING.md).
     */
    private static final int GROUP = 2;
    /** Terms the base-2^56 accumulators take before they are reduced mod p (lo &lt; 2^63, hi &lt; 2^61). */
    private static final int MAX_ACC_TERMS = 120;
    private static final long LOW56 = (1L << 56) - 1;

    private final HeParameters params;
    private final RnsBase base;
    private final PublicKey peerPk;
    private final HePrg prg;
    private final RnsRounding switchRounding;
    private final int n;
    private final int len;
    private final long[] c0;
    private final long[] c1;
    private final long[] small;
    private final long[] uNtt;
    private final long[] t64Shoup;
    private final long[] two128ModP;
    private final long[] two128Shoup;
    private final long[] two56ModP;
    private final long[] two56Shoup;
    // accumulated products, value = hi * 2^56 + lo per coefficient (no carries to propagate)
    private final long[] acc0Hi;
    private final long[] acc0Lo;
    private final long[] acc1Hi;
    private final long[] acc1Lo;
    private int accTerms;
    // terms not yet added to the accumulators: read at the next flush (see multiplyAccumulate)
    private final long[][] pendingC0 = new long[GROUP][];
    private final long[][] pendingC1 = new long[GROUP][];
    private final long[][] pendingPt = new long[GROUP][];
    private int pending;

    ProductEvaluator(HeParameters params, PublicKey peerPk, SecureRandom rnd) {
        this.params = params;
        this.base = params.base();
        this.peerPk = peerPk;
        this.prg = HePrg.fresh(rnd);
        this.switchRounding = new RnsRounding(base, params.switchBits());
        this.n = base.n;
        this.len = base.polyLength();
        c0 = new long[len];
        c1 = new long[len];
        acc0Hi = new long[len];
        acc0Lo = new long[len];
        acc1Hi = new long[len];
        acc1Lo = new long[len];
        small = new long[n];
        uNtt = new long[len];
        t64Shoup = new long[base.count];
        two128ModP = new long[base.count];
        two128Shoup = new long[base.count];
        two56ModP = new long[base.count];
        two56Shoup = new long[base.count];
        for (int i = 0; i < base.count; i++) {
            t64Shoup[i] = ModArith.shoup(base.two64ModP[i], base.p[i]);
            two128ModP[i] = BigInteger.ONE.shiftLeft(128).mod(BigInteger.valueOf(base.p[i])).longValue();
            two128Shoup[i] = ModArith.shoup(two128ModP[i], base.p[i]);
            two56ModP[i] = (1L << 56) % base.p[i];
            two56Shoup[i] = ModArith.shoup(two56ModP[i], base.p[i]);
        }
    }

    void clear() {
        Arrays.fill(pendingC0, null);
        Arrays.fill(pendingC1, null);
        Arrays.fill(pendingPt, null);
        pending = 0;
        accTerms = 0; // the next flush starts from zero
    }

    /**
     * acc += (ct0, ct1) * pt, all NTT form with values below 2^55 (in [0, p)). Terms are buffered and
     * added {@value #GROUP} at a time, so the three arrays are only referenced here and read at the next
     * flush (at the latest in {@link #finish}): the caller must not modify them before then.
     *
     * <p>Why: the former loop added one term per pass over four full-size 128-bit accumulator arrays
     * (48 bytes of memory traffic per coefficient product, memory-bound, worse when the other party and
     * other processes share the caches) and propagated a data-dependent carry; its speed varied 2-4x
     * between JVM runs (bimodal, consistent with the JIT sometimes compiling the carry compare to a
     * mispredicted branch). Now each product a*b &lt; 2^110 is split as H * 2^56 + L with
     * L &lt; 2^56 and H &lt; 2^54 and summed carry-free, {@value #GROUP} terms per pass (32 bytes of memory
     * traffic per product).
     */
    void multiplyAccumulate(long[] ct0, long[] ct1, long[] pt) {
        if (ct0.length != len || ct1.length != len || pt.length != len) {
            throw new IllegalArgumentException("product operands must have " + len + " words, got " + ct0.length + ", "
                    + ct1.length + ", " + pt.length);
        }
        pendingC0[pending] = ct0;
        pendingC1[pending] = ct1;
        pendingPt[pending] = pt;
        WorkCounter.add(WorkCounter.PRODUCTS, 1);
        if (++pending == GROUP) {
            flush();
        }
    }

    /** Adds the pending terms into the accumulators (one pass per component). */
    private void flush() {
        final int k = pending;
        if (k == 0) {
            return;
        }
        if (accTerms + k > MAX_ACC_TERMS) {
            // reduce in place: the residue (< 2^55) counts as one more term
            reduceAcc(acc0Hi, acc0Lo, acc0Lo);
            reduceAcc(acc1Hi, acc1Lo, acc1Lo);
            Arrays.fill(acc0Hi, 0);
            Arrays.fill(acc1Hi, 0);
            accTerms = 1;
        }
        if (accTerms == 0) {
            Arrays.fill(acc0Hi, 0);
            Arrays.fill(acc0Lo, 0);
            Arrays.fill(acc1Hi, 0);
            Arrays.fill(acc1Lo, 0);
        }
        addTerms(pendingC0, k, acc0Hi, acc0Lo);
        addTerms(pendingC1, k, acc1Hi, acc1Lo);
        accTerms += k;
        Arrays.fill(pendingC0, null);
        Arrays.fill(pendingC1, null);
        Arrays.fill(pendingPt, null);
        pending = 0;
    }

    private void addTerms(long[][] xs, int k, long[] hi, long[] lo) {
        final long[][] ys = pendingPt;
        int t = 0;
        for (; t + 2 <= k; t += 2) {
            mac2(xs[t], ys[t], xs[t + 1], ys[t + 1], hi, lo);
        }
        if (t < k) {
            mac1(xs[t], ys[t], hi, lo);
        }
    }

    /** (hi, lo) += a*b + c*d per coefficient, base 2^56. */
    private void mac2(long[] a, long[] b, long[] c, long[] d, long[] hi, long[] lo) {
        for (int j = 0; j < len; j++) {
            long a1 = a[j];
            long b1 = b[j];
            long a2 = c[j];
            long b2 = d[j];
            long p1 = a1 * b1;
            long p2 = a2 * b2;
            lo[j] += (p1 & LOW56) + (p2 & LOW56);
            hi[j] += ((Math.multiplyHigh(a1, b1) << 8) | (p1 >>> 56)) + ((Math.multiplyHigh(a2, b2) << 8) | (p2 >>> 56));
        }
    }

    private void mac1(long[] a, long[] b, long[] hi, long[] lo) {
        for (int j = 0; j < len; j++) {
            long a1 = a[j];
            long b1 = b[j];
            long p1 = a1 * b1;
            lo[j] += p1 & LOW56;
            hi[j] += (Math.multiplyHigh(a1, b1) << 8) | (p1 >>> 56);
        }
    }

    /** out = (hi * 2^56 + lo) mod p_i per coefficient, for hi, lo in [0, 2^63); out may be lo. */
    private void reduceAcc(long[] hi, long[] lo, long[] out) {
        for (int i = 0; i < base.count; i++) {
            final long p = base.p[i];
            final long t56 = two56ModP[i];
            final long t56s = two56Shoup[i];
            final long os = base.oneShoup[i];
            for (int j = i * n, end = j + n; j < end; j++) {
                long h = hi[j];
                long l = lo[j];
                long r1 = t56 * h - ModArith.umulhi(t56s, h) * p; // [0, 2p)
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
            long borrow = ((~lo0[t] & rLo) | ((~lo0[t] | rLo) & l)) >>> 63; // branch-free: lo0 < rLo unsigned
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
        // the term (pk.b, pk.a) * u joins the pending products; then everything is reduced into c0/c1
        if (pending == GROUP) {
            flush();
        }
        pendingC0[pending] = peerPk.bNtt;
        pendingC1[pending] = peerPk.aNtt;
        pendingPt[pending] = uNtt;
        pending++;
        flush();
        reduceAcc(acc0Hi, acc0Lo, c0);
        reduceAcc(acc1Hi, acc1Lo, c1);
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
