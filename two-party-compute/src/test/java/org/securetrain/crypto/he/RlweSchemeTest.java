package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Encryption, plaintext-ciphertext products, flooding, modulus switching and decryption. */
class RlweSchemeTest {
    static final HeParameters PARAMS = HeParameters.standard();
    static final SecureRandom RND = new SecureRandom();

    static long[] randomPoly(SplittableRandom r, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong();
        }
        return a;
    }

    /** Negacyclic product mod 2^64 (long arithmetic wraps). */
    static long[] negacyclicMod64(long[] a, long[] b) {
        int n = a.length;
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            long ai = a[i];
            if (ai == 0) {
                continue;
            }
            for (int j = 0; j < n - i; j++) {
                c[i + j] += ai * b[j];
            }
            for (int j = n - i; j < n; j++) {
                c[i + j - n] -= ai * b[j];
            }
        }
        return c;
    }

    static long[] ptNtt(RnsBase base, long[] signed) {
        long[] x = new long[base.polyLength()];
        base.fromSigned(signed, 0, x);
        base.forward(x);
        return x;
    }

    @Test
    void encryptDecryptRoundTrip() {
        SecretKey sk = new SecretKey(PARAMS, RND);
        RnsBase base = PARAMS.base();
        SplittableRandom r = new SplittableRandom(11);
        long[] m = randomPoly(r, base.n);
        m[0] = 0;
        m[1] = -1;
        m[2] = Long.MIN_VALUE;
        byte[] seed = new byte[16];
        RND.nextBytes(seed);
        HePrg noise = HePrg.fresh(RND);
        for (long idx : new long[] {0, 1, 77}) {
            long[] c0 = sk.encrypt(m, 0, seed, idx, noise);
            long[] a = new long[base.polyLength()];
            SeededUniform.expand(base, seed, idx, a);
            assertArrayEquals(m, sk.decryptAtQ(c0, a));
        }
        // a different stream index must not decrypt (the seed/index really determines c1)
        long[] c0 = sk.encrypt(m, 0, seed, 5, noise);
        long[] wrong = new long[base.polyLength()];
        SeededUniform.expand(base, seed, 6, wrong);
        assertFalse(java.util.Arrays.equals(m, sk.decryptAtQ(c0, wrong)));
    }

    @Test
    void encryptingAMessagePrefixGivesTheSameCiphertextAsTheFullMessage() {
        SecretKey sk = new SecretKey(PARAMS, RND);
        RnsBase base = PARAMS.base();
        SplittableRandom r = new SplittableRandom(21);
        byte[] seed = new byte[16];
        byte[] noiseSeed = new byte[16];
        RND.nextBytes(seed);
        RND.nextBytes(noiseSeed);
        for (int len : new int[] {1, 1020, 1024, base.n}) { // E blocks 38x5 at 5x204, 32x32, a full block
            long[] m = new long[base.n];
            for (int j = 0; j < len; j++) {
                m[j] = j % 2 == 0 ? Long.MIN_VALUE : r.nextLong();
            }
            long[] full = sk.encrypt(m, 0, seed, len, new HePrg(noiseSeed, len));
            long[] prefix = sk.encrypt(m, 0, len, seed, len, new HePrg(noiseSeed, len));
            assertArrayEquals(full, prefix, "prefix " + len);
            long[] a = new long[base.polyLength()];
            SeededUniform.expand(base, seed, len, a);
            assertArrayEquals(m, sk.decryptAtQ(prefix, a), "prefix " + len);
        }
    }

    @Test
    void plaintextTimesCiphertextAtFullModulusIsTheNegacyclicProductMod2to64() {
        SecretKey sk = new SecretKey(PARAMS, RND);
        RnsBase base = PARAMS.base();
        SplittableRandom r = new SplittableRandom(12);
        long[] m = randomPoly(r, base.n);
        long[] pt = randomPoly(r, base.n); // full-range signed 64-bit: the worst case of the analysis
        byte[] seed = new byte[16];
        long[] c0 = sk.encrypt(m, 0, seed, 0, HePrg.fresh(RND));
        long[] c1 = new long[base.polyLength()];
        SeededUniform.expand(base, seed, 0, c1);
        long[] p = ptNtt(base, pt);
        long[] d0 = new long[c0.length];
        long[] d1 = new long[c0.length];
        for (int i = 0; i < base.count; i++) {
            for (int j = i * base.n; j < (i + 1) * base.n; j++) {
                d0[j] = ModArith.mulModSlow(c0[j], p[j], base.p[i]);
                d1[j] = ModArith.mulModSlow(c1[j], p[j], base.p[i]);
            }
        }
        assertArrayEquals(negacyclicMod64(pt, m), sk.decryptAtQ(d0, d1));
    }

    @Test
    void productAfterRerandomisationFloodingAndSwitchDecryptsExactly() {
        SecretKey sk = new SecretKey(PARAMS, RND);
        PublicKey pk = sk.makePublicKey(RND);
        RnsBase base = PARAMS.base();
        int n = base.n;
        SplittableRandom r = new SplittableRandom(13);
        // sum of three products (inner-dimension accumulation), full-range operands
        int terms = 3;
        long[][] ms = new long[terms][];
        long[][] pts = new long[terms][];
        long[] expected = new long[n];
        byte[] seed = new byte[16];
        RND.nextBytes(seed);
        ProductEvaluator ev = new ProductEvaluator(PARAMS, pk, RND);
        HePrg noise = HePrg.fresh(RND);
        for (int t = 0; t < terms; t++) {
            ms[t] = randomPoly(r, n);
            pts[t] = randomPoly(r, n);
            long[] prod = negacyclicMod64(pts[t], ms[t]);
            for (int j = 0; j < n; j++) {
                expected[j] += prod[j];
            }
            long[] c0 = sk.encrypt(ms[t], 0, seed, t, noise);
            long[] c1 = new long[base.polyLength()];
            SeededUniform.expand(base, seed, t, c1);
            ev.multiplyAccumulate(c0, c1, ptNtt(base, pts[t]));
        }
        int[] all = new int[n];
        for (int j = 0; j < n; j++) {
            all[j] = j;
        }
        long[] masks = randomPoly(r, n);
        // the largest flood the budget allows for T = 3N full-range terms (worst case of the analysis)
        int flood = 150;
        long[] wire = new long[ProductEvaluator.wireWords(PARAMS, n)];
        int words = ev.finish(all, flood, masks, 0, wire, 0);
        assertEquals(wire.length, words);
        long[] got = new long[n];
        assertEquals(words, sk.decryptSwitched(wire, 0, all, got, 0));
        for (int j = 0; j < n; j++) {
            assertEquals(expected[j] - masks[j], got[j], "coefficient " + j);
        }
        // extraction of a few positions only
        for (int t = 0; t < terms; t++) {
            long[] c0 = sk.encrypt(ms[t], 0, seed, 10 + t, noise);
            long[] c1 = new long[base.polyLength()];
            SeededUniform.expand(base, seed, 10 + t, c1);
            ev.multiplyAccumulate(c0, c1, ptNtt(base, pts[t]));
        }
        int[] few = {0, 3, 4095, 8191};
        long[] wire2 = new long[ProductEvaluator.wireWords(PARAMS, few.length)];
        ev.finish(few, flood, masks, 0, wire2, 0);
        long[] got2 = new long[few.length];
        sk.decryptSwitched(wire2, 0, few, got2, 0);
        for (int t = 0; t < few.length; t++) {
            assertEquals(expected[few[t]] - masks[t], got2[t]);
        }
    }

    @Test
    void manyAccumulatedTermsStayExactAcrossAccumulatorReductions() {
        // more terms than the evaluator's accumulators take before an intermediate reduction mod p (and not a
        // multiple of its group size), with full-range NTT-domain operands: the sums must stay exact
        SecretKey sk = new SecretKey(PARAMS, RND);
        PublicKey pk = sk.makePublicKey(RND);
        RnsBase base = PARAMS.base();
        int n = base.n;
        SplittableRandom r = new SplittableRandom(15);
        int terms = 251;
        byte[] seed = new byte[16];
        RND.nextBytes(seed);
        ProductEvaluator ev = new ProductEvaluator(PARAMS, pk, RND);
        HePrg noise = HePrg.fresh(RND);
        long[] expected = new long[n];
        for (int t = 0; t < terms; t++) {
            long[] m = randomPoly(r, n);
            // a plaintext with two full-range coefficients: the product is two signed shifts of m
            long[] pt = new long[n];
            int k1 = r.nextInt(n);
            int k2 = (k1 + 1 + r.nextInt(n - 1)) % n;
            pt[k1] = r.nextLong();
            pt[k2] = r.nextLong();
            for (int k : new int[] {k1, k2}) {
                for (int j = 0; j < n; j++) {
                    int d = j + k;
                    long v = pt[k] * m[j];
                    if (d < n) {
                        expected[d] += v;
                    } else {
                        expected[d - n] -= v;
                    }
                }
            }
            long[] c0 = sk.encrypt(m, 0, seed, t, noise);
            long[] c1 = new long[base.polyLength()];
            SeededUniform.expand(base, seed, t, c1);
            ev.multiplyAccumulate(c0, c1, ptNtt(base, pt));
        }
        int[] all = new int[n];
        for (int j = 0; j < n; j++) {
            all[j] = j;
        }
        long[] masks = randomPoly(r, n);
        long[] wire = new long[ProductEvaluator.wireWords(PARAMS, n)];
        ev.finish(all, NoiseBudget.floodBits(PARAMS, 2L * terms, n), masks, 0, wire, 0);
        long[] got = new long[n];
        sk.decryptSwitched(wire, 0, all, got, 0);
        for (int j = 0; j < n; j++) {
            assertEquals(expected[j] - masks[j], got[j], "coefficient " + j);
        }
    }

    @Test
    void bitPackingRoundTrips() {
        SplittableRandom r = new SplittableRandom(14);
        for (int bits : new int[] {1, 16, 54, 55, 63, 64}) {
            for (int count : new int[] {1, 3, 64, 1000}) {
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    v[i] = bits == 64 ? r.nextLong() : r.nextLong() & ((1L << bits) - 1);
                }
                long[] packed = new long[BitPacking.words(count, bits) + 2];
                packed[packed.length - 1] = 42;
                int w = BitPacking.pack(v, 0, count, bits, packed, 1);
                long[] back = new long[count];
                assertEquals(w, BitPacking.unpack(packed, 1, count, bits, back, 0));
                assertArrayEquals(v, back);
                assertEquals(42, packed[packed.length - 1]);
            }
        }
    }
}
