package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * What the key owner (decrypting party) sees of a product with the other party's private multiplier:
 * with two different multipliers whose decrypted results have the same (uniform) distribution, the
 * decrypted values are uniform on every coefficient and the decryption noise does not depend on the
 * multiplier. A negative control shows the noise comparison does detect an under-flooded product.
 */
@Timeout(300)
class DecryptorViewTest {
    static final HeParameters PARAMS = HeParameters.standard();
    static final SecureRandom RND = new SecureRandom();

    /** Per-bit balance of the values: every one of the 64 bits is set in n/2 +- 6 sigma of the samples. */
    static void assertBitsBalanced(long[] values, String what) {
        int n = values.length;
        double sigma = Math.sqrt(n / 4.0);
        for (int bit = 0; bit < 64; bit++) {
            int ones = 0;
            for (long v : values) {
                ones += (int) ((v >>> bit) & 1);
            }
            assertEquals(n / 2.0, ones, 6 * sigma, what + ": bit " + bit + " set in " + ones + " of " + n);
        }
    }

    /** Mean and variance of two samples agree within 6 sigma of their estimates. */
    static boolean sameMeanAndVariance(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double vx = var(x, mx);
        double vy = var(y, my);
        double meanTol = 6 * Math.sqrt(vx / x.length + vy / y.length);
        // sd of a variance estimate: sqrt((m4 - v^2) / n)
        double sdv = Math.sqrt((m4(x, mx) - vx * vx) / x.length + (m4(y, my) - vy * vy) / y.length);
        return Math.abs(mx - my) <= meanTol && Math.abs(vx - vy) <= 6 * sdv;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    static double var(double[] x, double m) {
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return s / (x.length - 1);
    }

    static double m4(double[] x, double m) {
        double s = 0;
        for (double v : x) {
            double d = (v - m) * (v - m);
            s += d * d;
        }
        return s / x.length;
    }

    static long[] randomPoly(SplittableRandom r) {
        long[] a = new long[PARAMS.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextLong();
        }
        return a;
    }

    static long[] ntt(long[] signed) {
        RnsBase base = PARAMS.base();
        long[] x = new long[base.polyLength()];
        base.fromSigned(signed, 0, x);
        base.forward(x);
        return x;
    }

    /** Noise of a coefficient-form ciphertext at modulus q: phase - (q/t) * round(t * phase / q), over 2^scaleBits. */
    static double[] noiseAtQ(SecretKey sk, long[][] ct, int scaleBits) {
        RnsBase base = PARAMS.base();
        int n = base.n;
        long[] c1 = ct[1].clone();
        base.forward(c1);
        long[] c0 = ct[0].clone();
        base.forward(c0);
        long[] x = sk.phase(c0, c1);
        BigInteger q = base.q;
        BigInteger t = BigInteger.ONE.shiftLeft(64);
        BigInteger[] basis = new BigInteger[base.count];
        for (int i = 0; i < base.count; i++) {
            BigInteger pi = BigInteger.valueOf(base.p[i]);
            BigInteger qi = q.divide(pi);
            basis[i] = qi.multiply(qi.modInverse(pi));
        }
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            BigInteger v = BigInteger.ZERO;
            for (int i = 0; i < base.count; i++) {
                v = v.add(basis[i].multiply(BigInteger.valueOf(x[i * n + j])));
            }
            v = v.mod(q);
            BigInteger m = v.multiply(t).add(q.shiftRight(1)).divide(q); // round(t v / q)
            BigInteger e = v.multiply(t).subtract(m.multiply(q)); // t * noise, |.| < q/2
            out[j] = new java.math.BigDecimal(e).divide(new java.math.BigDecimal(t.shiftLeft(scaleBits)),
                    java.math.MathContext.DECIMAL64).doubleValue();
        }
        return out;
    }

    /** Flooded, unswitched products of fresh encryptions of random messages with the multiplier a. */
    static double[] floodedNoise(SecretKey sk, PublicKey pk, long[] a, int floodBits, int cts, int scaleBits) {
        RnsBase base = PARAMS.base();
        int n = base.n;
        int[] all = new int[n];
        for (int j = 0; j < n; j++) {
            all[j] = j;
        }
        SplittableRandom r = new SplittableRandom(RND.nextLong());
        ProductEvaluator ev = new ProductEvaluator(PARAMS, pk, RND);
        byte[] seed = new byte[16];
        RND.nextBytes(seed);
        double[] out = new double[cts * n];
        long[] pt = ntt(a);
        for (int c = 0; c < cts; c++) {
            long[] c0 = sk.encrypt(randomPoly(r), 0, seed, c, HePrg.fresh(RND));
            long[] c1 = new long[base.polyLength()];
            SeededUniform.expand(base, seed, c, c1);
            ev.multiplyAccumulate(c0, c1, pt);
            System.arraycopy(noiseAtQ(sk, ev.finishUnswitched(all, floodBits), scaleBits), 0, out, c * n, n);
        }
        return out;
    }

    @Test
    void floodedNoiseAtFullModulusDoesNotDependOnTheMultiplier() {
        SecretKey sk = new SecretKey(PARAMS, RND);
        PublicKey pk = sk.makePublicKey(RND);
        SplittableRandom r = new SplittableRandom(1);
        long[] big = randomPoly(r); // full-range 64-bit multiplier: the largest product noise
        long[] one = new long[PARAMS.n()];
        one[0] = 1; // the multiplier 1: almost no product noise
        int cts = 2;
        int f = NoiseBudget.floodBits(PARAMS, PARAMS.n(), (long) cts * PARAMS.n());
        double[] nb = floodedNoise(sk, pk, big, f, cts, f);
        double[] n1 = floodedNoise(sk, pk, one, f, cts, f);
        assertTrue(sameMeanAndVariance(nb, n1), "flooded noise distributions differ");
        // both are the flood: uniform on [-1, 1) in units of 2^f (variance 1/3)
        assertEquals(1.0 / 3, var(nb, mean(nb)), 0.02);
        assertEquals(1.0 / 3, var(n1, mean(n1)), 0.02);

        // negative control: with a flood far below the product noise the same comparison tells them apart
        int weak = NoiseBudget.ceilLog2(NoiseBudget.productNoiseBound(PARAMS, PARAMS.n())) - 20;
        double[] wb = floodedNoise(sk, pk, big, weak, 1, weak);
        double[] w1 = floodedNoise(sk, pk, one, weak, 1, weak);
        assertFalse(sameMeanAndVariance(wb, w1), "an under-flooded product must be detectable");
    }

    @Test
    void maskedDecryptedCoefficientsAreUniformOnAllPositions() {
        SecretKey sk = new SecretKey(PARAMS, RND);
        PublicKey pk = sk.makePublicKey(RND);
        RnsBase base = PARAMS.base();
        int n = base.n;
        int[] all = new int[n];
        for (int j = 0; j < n; j++) {
            all[j] = j;
        }
        SplittableRandom r = new SplittableRandom(2);
        long[] big = randomPoly(r);
        long[] sparse = new long[n];
        sparse[7] = Long.MAX_VALUE; // a very different multiplier
        for (long[] a : new long[][] {big, sparse}) {
            ProductEvaluator ev = new ProductEvaluator(PARAMS, pk, RND);
            long[] pt = ntt(a);
            int cts = 2;
            long[] values = new long[cts * n];
            long[] noise = new long[cts * n];
            byte[] seed = new byte[16];
            RND.nextBytes(seed);
            for (int c = 0; c < cts; c++) {
                long[] c0 = sk.encrypt(randomPoly(r), 0, seed, c, HePrg.fresh(RND));
                long[] c1 = new long[base.polyLength()];
                SeededUniform.expand(base, seed, c, c1);
                ev.multiplyAccumulate(c0, c1, pt);
                long[] masks = randomPoly(new SplittableRandom(RND.nextLong()));
                long[] wire = new long[ProductEvaluator.wireWords(PARAMS, n)];
                ev.finish(all, NoiseBudget.floodBits(PARAMS, n, (long) cts * n), masks, 0, wire, 0);
                sk.decryptSwitched(wire, 0, all, values, c * n, null);
                long[] nz = new long[n];
                sk.decryptSwitched(wire, 0, all, new long[n], 0, nz);
                System.arraycopy(nz, 0, noise, c * n, n);
            }
            assertBitsBalanced(values, a == big ? "full-range multiplier" : "sparse multiplier");
            for (long e : noise) {
                assertTrue(Math.abs(e) < 1L << (PARAMS.switchBits() - 65), "switched noise within the decryption bound");
            }
        }
    }

    @Test
    void keyOwnersViewOfACrossProductIsIndependentOfTheMultipliersMatrix() throws InterruptedException {
        SessionOptions o0 = SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build();
        SessionOptions o1 = SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build();
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(o0, o1)) {
            var ctxs = TwoPartyRunner.run(pair.party(0), s -> HeContext.open(s, PARAMS), pair.party(1),
                    s -> HeContext.open(s, PARAMS));
            HeContext mul = ctxs.party0(); // holds A0
            HeContext owner = ctxs.party1(); // holds B1, decrypts A0 B1 - R
            int r = 16;
            int k = 64;
            int c = 32;
            HeMatMulPlan plan = HeMatMulPlan.choose(PARAMS, r, k, c);
            SplittableRandom rnd = new SplittableRandom(3);
            long[] aRandom = new long[r * k];
            for (int i = 0; i < aRandom.length; i++) {
                aRandom[i] = rnd.nextLong();
            }
            long[] aSmall = new long[r * k];
            for (int i = 0; i < r; i++) {
                aSmall[i * k + (i % k)] = 1; // a 0/1 selection matrix
            }
            int rounds = 16;
            double[][] noiseOf = new double[2][];
            for (int which = 0; which < 2; which++) {
                long[] a = which == 0 ? aRandom : aSmall;
                long[] values = new long[rounds * r * c];
                double[] noise = new double[rounds * r * c];
                int filled = 0;
                for (int round = 0; round < rounds; round++) {
                    long[] b = new long[k * c];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = rnd.nextLong();
                    }
                    long[][] wire = new long[1][];
                    long id = 99 + round;
                    HeCrossProduct.encryptOperand(owner, MatrixView.of(b, k, c), plan.innerBlock, plan.colBlock, id,
                            wire, null);
                    EncryptedMatrix em = HeCrossProduct.receiveOperand(mul, wire[0], plan);
                    long[] rShare = new long[r * c];
                    HeCrossProduct.Job job = HeCrossProduct.Job.create(mul, MatrixView.of(a, r, k), em, plan,
                            MatrixView.of(rShare, r, c));
                    job.work();
                    long[] reply = job.awaitReply();
                    filled = decryptEveryCoefficient(owner, plan, reply, values, noise, filled);
                    // and the shares are right
                    long[] zOwner = new long[r * c];
                    HeCrossProduct.decryptResult(owner, reply, plan, id, MatrixView.of(zOwner, r, c));
                    for (int i = 0; i < r; i++) {
                        for (int j = 0; j < c; j++) {
                            long want = 0;
                            for (int l = 0; l < k; l++) {
                                want += a[i * k + l] * b[l * c + j];
                            }
                            assertEquals(want, zOwner[i * c + j] + rShare[i * c + j]);
                        }
                    }
                }
                assertBitsBalanced(values, which == 0 ? "random A0" : "0/1 A0'");
                noiseOf[which] = noise;
            }
            assertTrue(sameMeanAndVariance(noiseOf[0], noiseOf[1]),
                    "decryption noise of the returned ciphertexts depends on the multiplier");
            mul.close();
            owner.close();
        }
    }

    /**
     * The key owner's view of a reply is exactly the reply: decrypts every coefficient it carries into values and
     * noise from {@code filled} on, checks nothing else is sent, returns the new fill count.
     */
    static int decryptEveryCoefficient(HeContext owner, HeMatMulPlan plan, long[] reply, long[] values, double[] noise,
            int filled) {
        assertEquals(plan.outputBytes(PARAMS) + 8L * ReplyHeader.WORDS, 8L * reply.length);
        int off = ReplyHeader.WORDS;
        for (int ib = 0; ib < plan.rowBlocks(); ib++) {
            for (int jb = 0; jb < plan.colBlocks(); jb++) {
                int[] pos = plan.outputPositions(ib, jb);
                long[] v = new long[pos.length];
                long[] e = new long[pos.length];
                off += owner.secretKey().decryptSwitched(reply, off, pos, v, 0, e);
                System.arraycopy(v, 0, values, filled, v.length);
                for (int t = 0; t < e.length; t++) {
                    noise[filled + t] = e[t];
                }
                filled += v.length;
            }
        }
        assertEquals(reply.length, off, "nothing beyond the output coefficients is sent");
        return filled;
    }

    /**
     * The joint product (both cross terms in one reply): the key owner decrypts A_K B_M + A_M B_K - R. With two very
     * different multiplier share pairs (full-range random vs a 0/1 selection matrix and zero), the decrypted values
     * are uniform and the decryption noise has the same mean and variance; the shares reconstruct the cross terms.
     */
    @Test
    void keyOwnersViewOfAJointProductIsIndependentOfTheMultipliersShares() throws InterruptedException {
        SessionOptions o0 = SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build();
        SessionOptions o1 = SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build();
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(o0, o1)) {
            var ctxs = TwoPartyRunner.run(pair.party(0), s -> HeContext.open(s, PARAMS), pair.party(1),
                    s -> HeContext.open(s, PARAMS));
            HeContext mul = ctxs.party0(); // holds (A_M, B_M)
            HeContext owner = ctxs.party1(); // holds (A_K, B_K), decrypts A_K B_M + A_M B_K - R
            int r = 16;
            int k = 48;
            int c = 24;
            HeMatMulPlan plan = HeMatMulPlan.chooseJoint(PARAMS, r, k, c);
            assertEquals(NoiseBudget.floodBits(PARAMS, (long) k * (plan.rowBlock + plan.colBlock), (long) r * c),
                    plan.floodBits, "flooded for the plaintext terms of both products");
            SplittableRandom rnd = new SplittableRandom(5);
            long[][] aM = {new long[r * k], new long[r * k]};
            long[][] bM = {new long[k * c], new long[k * c]};
            for (int i = 0; i < r * k; i++) {
                aM[0][i] = rnd.nextLong();
            }
            for (int i = 0; i < k * c; i++) {
                bM[0][i] = rnd.nextLong();
            }
            for (int i = 0; i < r; i++) {
                aM[1][i * k + (i % k)] = 1; // a 0/1 selection matrix; B_M' = 0
            }
            int rounds = 16;
            double[][] noiseOf = new double[2][];
            for (int which = 0; which < 2; which++) {
                long[] values = new long[rounds * r * c];
                double[] noise = new double[rounds * r * c];
                int filled = 0;
                for (int round = 0; round < rounds; round++) {
                    long[] aK = new long[r * k];
                    long[] bK = new long[k * c];
                    for (int i = 0; i < aK.length; i++) {
                        aK[i] = rnd.nextLong();
                    }
                    for (int i = 0; i < bK.length; i++) {
                        bK[i] = rnd.nextLong();
                    }
                    long[][] wire = new long[1][];
                    long id = 7 + round;
                    HeJointProduct.encryptOperands(owner, plan, MatrixView.of(aK, r, k), MatrixView.of(bK, k, c), id,
                            wire, null);
                    long[] rShare = new long[r * c];
                    HeCrossProduct.Job job = HeJointProduct.job(mul, MatrixView.of(aM[which], r, k),
                            MatrixView.of(bM[which], k, c), HeJointProduct.receiveOperands(mul, wire[0], plan), plan,
                            MatrixView.of(rShare, r, c));
                    job.work();
                    long[] reply = job.awaitReply();
                    filled = decryptEveryCoefficient(owner, plan, reply, values, noise, filled);
                    // the shares reconstruct both cross terms: decrypting adds P E - R onto the multiplier's R
                    HeCrossProduct.decryptResult(owner, reply, plan, id, MatrixView.of(rShare, r, c));
                    assertArrayEquals(HeJointProductTest.crossTerms(r, k, c, aK, bK, aM[which], bM[which]), rShare);
                }
                assertBitsBalanced(values, which == 0 ? "random (A_M, B_M)" : "(0/1 A_M', 0)");
                noiseOf[which] = noise;
            }
            assertTrue(sameMeanAndVariance(noiseOf[0], noiseOf[1]),
                    "decryption noise of the joint reply depends on the multiplier's shares");
            mul.close();
            owner.close();
        }
    }
}
