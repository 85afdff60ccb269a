package org.securetrain.crypto.he;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Public entry points to the single-polynomial HE primitives, for benchmarks and diagnostics only (the
 * protocol code uses {@link HeCrossProduct}). Holds a key pair of its own. Not thread-safe.
 */
public final class HePrimitives {
    private final HeParameters params;
    private final RnsBase base;
    private final SecretKey sk;
    private final ProductEvaluator evaluator;
    private final SecureRandom rnd = new SecureRandom();
    private final byte[] seed = new byte[16];
    private final HePrg noise;
    private final int[] allPositions;

    public HePrimitives(HeParameters params) {
        this.params = params;
        this.base = params.base();
        this.sk = new SecretKey(params, rnd);
        this.evaluator = new ProductEvaluator(params, sk.makePublicKey(rnd), rnd);
        this.noise = HePrg.fresh(rnd);
        rnd.nextBytes(seed);
        allPositions = new int[base.n];
        for (int j = 0; j < base.n; j++) {
            allPositions[j] = j;
        }
    }

    public int n() {
        return base.n;
    }

    /** Random residues mod the prime with the given index (one N-coefficient polynomial). */
    public long[] randomResidues(int prime, long seedValue) {
        SplittableRandom r = new SplittableRandom(seedValue);
        long[] a = new long[base.n];
        for (int j = 0; j < a.length; j++) {
            a[j] = r.nextLong(base.p[prime]);
        }
        return a;
    }

    /** Random residues for all primes (an RNS polynomial, L*N words). */
    public long[] randomRnsPoly(long seedValue) {
        SplittableRandom r = new SplittableRandom(seedValue);
        long[] a = new long[base.polyLength()];
        for (int i = 0; i < base.count; i++) {
            for (int j = 0; j < base.n; j++) {
                a[i * base.n + j] = r.nextLong(base.p[i]);
            }
        }
        return a;
    }

    public long prime(int index) {
        return base.p[index];
    }

    /** Forward negacyclic NTT mod one prime, in place on a[0..N). */
    public void forwardNtt(int prime, long[] a) {
        base.ntt[prime].forward(a, 0);
    }

    public void inverseNtt(int prime, long[] a) {
        base.ntt[prime].inverse(a, 0);
    }

    /** Shoup constants of b mod one prime. */
    public long[] shoupConstants(int prime, long[] b) {
        long[] s = new long[b.length];
        for (int j = 0; j < b.length; j++) {
            s[j] = ModArith.shoup(b[j], base.p[prime]);
        }
        return s;
    }

    /** out = a * b mod one prime, pointwise, with precomputed Shoup constants of b. */
    public void pointwiseShoup(int prime, long[] a, long[] b, long[] bShoup, long[] out) {
        final long p = base.p[prime];
        for (int j = 0; j < a.length; j++) {
            out[j] = ModArith.mulShoup(a[j], b[j], bShoup[j], p);
        }
    }

    /** Seeded encryption of one random message; returns the first component (NTT form). */
    public long[] encrypt(long[] message, long index) {
        return sk.encrypt(message, 0, seed, index, noise);
    }

    /** The seed-expanded second component of ciphertext {@code index}. */
    public long[] expandUniform(long index) {
        long[] a = new long[base.polyLength()];
        SeededUniform.expand(base, seed, index, a);
        return a;
    }

    /** The plaintext multiplier (signed 64-bit coefficients) in NTT form. */
    public long[] plaintextNtt(long[] signedCoefficients) {
        long[] x = new long[base.polyLength()];
        base.fromSigned(signedCoefficients, 0, x);
        base.forward(x);
        return x;
    }

    /**
     * A coefficient-encoded plaintext block of the matrix product ({@code rows} x {@code innerBlock} entries,
     * row i at X^(i innerBlock colBlock) .. X^(i innerBlock colBlock + innerBlock - 1), zero elsewhere) in NTT
     * form via the pruned transform the multiplier uses.
     */
    public long[] sparsePlaintextNtt(long[] signedCoefficients, int rows, int innerBlock, int colBlock) {
        long[] x = new long[base.polyLength()];
        base.encodeSparse(signedCoefficients, Ntt.granuleSupport(base.n, rows, innerBlock, innerBlock * colBlock), x);
        return x;
    }

    /**
     * One plaintext-ciphertext product accumulated into the evaluator (both components, all primes); the
     * evaluator buffers terms and adds them in groups, so a single call is timed as an average.
     */
    public void multiplyAccumulate(long[] c0, long[] c1, long[] pt) {
        evaluator.multiplyAccumulate(c0, c1, pt);
    }

    /** Finishes the accumulated product (re-randomise, flood, switch, mask) with {@code outputs} extracted coefficients. */
    public long[] finish(int outputs, int floodBits) {
        int[] pos = java.util.Arrays.copyOf(allPositions, outputs);
        long[] masks = new long[outputs];
        long[] wire = new long[ProductEvaluator.wireWords(params, outputs)];
        evaluator.finish(pos, floodBits, masks, 0, wire, 0);
        return wire;
    }

    /** Decrypts a finished product with {@code outputs} extracted coefficients. */
    public long[] decrypt(long[] wire, int outputs) {
        int[] pos = java.util.Arrays.copyOf(allPositions, outputs);
        long[] out = new long[outputs];
        sk.decryptSwitched(wire, 0, pos, out, 0);
        return out;
    }
}
