package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Primes, NTT, RNS reductions and the exact scaled rounding against BigInteger references. */
class RnsArithmeticTest {
    private static final HeParameters PARAMS = HeParameters.standard();
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    @Test
    void primesAreNttFriendlyAndFitTheHeStandardBound() {
        int n = PARAMS.n();
        BigInteger q = BigInteger.ONE;
        int[] expectedBits = {55, 55, 54, 54};
        long[] ps = PARAMS.primes();
        for (int i = 0; i < ps.length; i++) {
            long p = ps[i];
            assertTrue(BigInteger.valueOf(p).isProbablePrime(100), p + " must be prime");
            assertEquals(1, p % (2L * n), p + " must be 1 mod 2N");
            assertEquals(expectedBits[i], 64 - Long.numberOfLeadingZeros(p));
            for (int j = 0; j < i; j++) {
                assertNotEquals(ps[j], p);
            }
            q = q.multiply(BigInteger.valueOf(p));
        }
        assertTrue(q.bitLength() <= HeParameters.HE_STANDARD_MAX_LOGQ_N8192, "log2 q must be <= 218");
        assertEquals(218, q.bitLength()); // 2^217 < q < 2^218
        assertEquals(q, PARAMS.q());
    }

    static long[] negacyclicSchoolbook(long[] a, long[] b, long p) {
        int n = a.length;
        BigInteger[] acc = new BigInteger[n];
        java.util.Arrays.fill(acc, BigInteger.ZERO);
        for (int i = 0; i < n; i++) {
            if (a[i] == 0) {
                continue;
            }
            BigInteger ai = BigInteger.valueOf(a[i]);
            for (int j = 0; j < n; j++) {
                BigInteger prod = ai.multiply(BigInteger.valueOf(b[j]));
                int k = i + j;
                if (k < n) {
                    acc[k] = acc[k].add(prod);
                } else {
                    acc[k - n] = acc[k - n].subtract(prod);
                }
            }
        }
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = acc[i].mod(BigInteger.valueOf(p)).longValue();
        }
        return r;
    }

    @Test
    void nttRoundTripAndNegacyclicProductSmallN() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (long p : PARAMS.primes()) {
            for (int n : new int[] {4, 8, 64, 256}) {
                Ntt ntt = new Ntt(n, p);
                long[] a = new long[n];
                long[] b = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = rnd.nextLong(p);
                    b[i] = rnd.nextLong(p);
                }
                long[] expected = negacyclicSchoolbook(a, b, p);
                long[] fa = a.clone();
                long[] fb = b.clone();
                ntt.forward(fa, 0);
                ntt.forward(fb, 0);
                long[] prod = new long[n];
                for (int i = 0; i < n; i++) {
                    assertTrue(fa[i] >= 0 && fa[i] < p);
                    prod[i] = ModArith.mulModSlow(fa[i], fb[i], p);
                }
                ntt.inverse(prod, 0);
                assertArrayEquals(expected, prod, "n=" + n + " p=" + p);
                ntt.inverse(fa, 0);
                assertArrayEquals(a, fa);
            }
        }
    }

    @Test
    void nttAtN8192RoundTripsAndMultipliesBySparsePolynomial() {
        RnsBase base = PARAMS.base();
        int n = base.n;
        SplittableRandom rnd = new SplittableRandom(2);
        for (int pi = 0; pi < base.count; pi++) {
            long p = base.p[pi];
            Ntt ntt = base.ntt[pi];
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = rnd.nextLong(p);
            }
            long[] f = a.clone();
            ntt.forward(f, 0);
            long[] g = f.clone();
            ntt.inverse(g, 0);
            assertArrayEquals(a, g);
            // multiply by X^s * c (sparse): a negacyclic shift with sign, checkable directly
            int s = 1 + rnd.nextInt(n - 1);
            long c = rnd.nextLong(p);
            long[] mono = new long[n];
            mono[s] = c;
            ntt.forward(mono, 0);
            for (int i = 0; i < n; i++) {
                f[i] = ModArith.mulModSlow(f[i], mono[i], p);
            }
            ntt.inverse(f, 0);
            for (int i = 0; i < n; i++) {
                long v = ModArith.mulModSlow(a[i], c, p);
                int k = i + s;
                long want = k < n ? v : (p - v) % p;
                assertEquals(want, f[k % n]);
            }
        }
    }

    @Test
    void sparseForwardEqualsForwardOnBlockSparseAndDenseInputs() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(7);
        int n = base.n;
        for (int trial = 0; trial < 6; trial++) {
            long p = base.p[trial % base.count];
            long[] a = new long[n];
            boolean[] support;
            if (trial == 5) {
                for (int j = 0; j < n; j++) {
                    a[j] = rnd.nextLong(p); // dense
                }
                support = Ntt.granuleSupport(n, 1, n, n);
            } else {
                int kw = 1 << rnd.nextInt(7);
                int stride = kw << rnd.nextInt(5);
                for (int i = 0; i * stride < n; i++) {
                    for (int l = 0; l < kw; l++) {
                        a[i * stride + l] = rnd.nextLong(p);
                    }
                }
                support = Ntt.granuleSupport(n, n / stride, kw, stride);
                a[n - 1] = trial == 0 ? 1 : a[n - 1];
                support[support.length - 1] = true; // the layout includes the last coefficient
            }
            long[] b = a.clone();
            base.ntt[trial % base.count].forward(a, 0);
            base.ntt[trial % base.count].forwardSparse(b, 0, support);
            assertArrayEquals(a, b, "trial " + trial);
        }
    }

    @Test
    void sparseForwardEqualsForwardOnPlannerEncodingsZeroAndLazyInputs() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(17);
        int n = base.n;
        // (rows, kw, cw) of plans the planner picks for MLP layers, incl. runs not aligned to powers of two
        int[][] blocks = {{8, 32, 32}, {38, 5, 43}, {16, 8, 64}, {2, 32, 128}, {32, 2, 128}, {1, 1, 1}, {3, 7, 11}};
        for (int trial = 0; trial < blocks.length + 2; trial++) {
            int pi = trial % base.count;
            long p = base.p[pi];
            long[] a = new long[n];
            boolean[] support = Ntt.granuleSupport(n, 0, 0, 0);
            if (trial < blocks.length) {
                int rw = blocks[trial][0];
                int kw = blocks[trial][1];
                int stride = kw * blocks[trial][2];
                support = Ntt.granuleSupport(n, rw, kw, stride);
                for (int i = 0; i < rw; i++) {
                    for (int l = 0; l < kw; l++) {
                        // lazy values below 4p are valid inputs, as in the dense transform
                        a[i * stride + l] = rnd.nextLong(p) + p * rnd.nextInt(4);
                    }
                }
            } else if (trial == blocks.length + 1) {
                a[n - 1] = 3 * p + 5; // a single lazy coefficient at the very end
                support[support.length - 1] = true;
            } // else: all zero, empty support
            long[] b = a.clone();
            base.ntt[pi].forward(a, 0);
            base.ntt[pi].forwardSparse(b, 0, support);
            assertArrayEquals(a, b, "trial " + trial);
        }
    }

    @Test
    void sparseEncodingEqualsTheFullEncodingOnPlannerLayoutsWithEdgeValues() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(19);
        int n = base.n;
        long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1, base.p[0], -base.p[3]};
        int[][] blocks = {{8, 32, 32}, {38, 5, 43}, {16, 8, 64}, {2, 32, 128}, {1, 1, 1}, {3, 7, 11}, {1, 8192, 1}};
        for (int[] blk : blocks) {
            int rw = blk[0];
            int kw = blk[1];
            int stride = kw * blk[2];
            boolean[] support = Ntt.granuleSupport(n, rw, kw, stride);
            for (int fill = 0; fill < 3; fill++) { // all -2^63, edges and random, all zero
                long[] coeffs = new long[n];
                for (int i = 0; i < rw; i++) {
                    for (int l = 0; l < kw; l++) {
                        int t = i * kw + l;
                        coeffs[i * stride + l] = fill == 0 ? Long.MIN_VALUE
                                : fill == 1 ? (t < edges.length ? edges[t] : rnd.nextLong()) : 0;
                    }
                }
                long[] want = new long[base.polyLength()];
                base.fromSigned(coeffs, 0, want);
                base.forward(want);
                long[] got = new long[base.polyLength()];
                java.util.Arrays.fill(got, 12345); // stale contents of a reused buffer must not leak into the result
                base.encodeSparse(coeffs, support, got);
                assertArrayEquals(want, got, java.util.Arrays.toString(blk) + " fill " + fill);
            }
        }
    }

    @Test
    void forwardAcceptsLazyInputsBelowFourP() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(3);
        long p = base.p[2];
        long[] a = new long[base.n];
        long[] lazy = new long[base.n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextLong(p);
            lazy[i] = a[i] + p * rnd.nextInt(4);
        }
        base.ntt[2].forward(a, 0);
        base.ntt[2].forward(lazy, 0);
        assertArrayEquals(a, lazy);
    }

    @Test
    void signedAndUnsignedReductionsMatchBigInteger() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(4);
        long[] specials = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, base.p[0], -base.p[0], base.p[3] - 1};
        for (int t = 0; t < 20_000; t++) {
            long v = t < specials.length ? specials[t] : rnd.nextLong();
            for (int i = 0; i < base.count; i++) {
                BigInteger pi = BigInteger.valueOf(base.p[i]);
                assertEquals(BigInteger.valueOf(v).mod(pi).longValue(), base.reduceSigned(v, i));
                BigInteger u = BigInteger.valueOf(v).mod(TWO_64);
                assertEquals(u.mod(pi).longValue(), base.reduceUnsigned(v, i));
            }
        }
        long[] src = new long[base.n];
        for (int j = 0; j < src.length; j++) {
            src[j] = j < specials.length ? specials[j] : rnd.nextLong();
        }
        long[] dst = new long[base.polyLength()];
        base.fromSigned(src, 0, dst);
        for (int i = 0; i < base.count; i++) {
            for (int j = 0; j < base.n; j++) {
                assertEquals(base.reduceSigned(src[j], i), dst[i * base.n + j]);
            }
        }
    }

    @Test
    void messageEncodingIsRoundOfQTimesMOverT() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(5);
        long[] m = new long[base.n];
        for (int j = 0; j < m.length; j++) {
            m[j] = j == 0 ? 0 : j == 1 ? -1 : j == 2 ? Long.MIN_VALUE : rnd.nextLong();
        }
        long[] acc = new long[base.polyLength()];
        for (int i = 0; i < base.count; i++) {
            for (int j = 0; j < base.n; j++) {
                acc[i * base.n + j] = rnd.nextLong(base.p[i]);
            }
        }
        long[] before = acc.clone();
        base.addEncodedMessage(m, 0, acc);
        for (int j = 0; j < 2000; j++) {
            BigInteger mj = BigInteger.valueOf(m[j]).mod(TWO_64);
            // round(q m / 2^64) = floor((q m + 2^63) / 2^64)
            BigInteger enc = base.q.multiply(mj).add(BigInteger.ONE.shiftLeft(63)).shiftRight(64);
            for (int i = 0; i < base.count; i++) {
                BigInteger pi = BigInteger.valueOf(base.p[i]);
                long want = enc.add(BigInteger.valueOf(before[i * base.n + j])).mod(pi).longValue();
                assertEquals(want, acc[i * base.n + j], "coefficient " + j + " prime " + i);
            }
        }
    }

    @Test
    void encodingAMessagePrefixLeavesTheRestUnchanged() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int len : new int[] {0, 1, 1020, 1024, base.n}) {
            long[] m = new long[base.n];
            for (int j = 0; j < len; j++) {
                m[j] = j % 3 == 0 ? Long.MIN_VALUE : j % 3 == 1 ? -1 : rnd.nextLong();
            }
            long[] acc = new long[base.polyLength()];
            for (int i = 0; i < acc.length; i++) {
                acc[i] = rnd.nextLong(base.p[i / base.n]);
            }
            long[] full = acc.clone();
            base.addEncodedMessage(m, 0, full);
            base.addEncodedMessage(m, 0, len, acc);
            assertArrayEquals(full, acc, "prefix " + len);
        }
        assertThrows(IllegalArgumentException.class, () -> base.addEncodedMessage(new long[base.n], 0, base.n + 1,
                new long[base.polyLength()]));
    }

    @Test
    void scaledRoundingMatchesBigInteger() {
        RnsBase base = PARAMS.base();
        SplittableRandom rnd = new SplittableRandom(6);
        for (int k : new int[] {64, 80, 100}) {
            RnsRounding rr = new RnsRounding(base, k);
            long[] x = new long[base.polyLength()];
            BigInteger[] xs = new BigInteger[base.n];
            BigInteger q = base.q;
            for (int j = 0; j < base.n; j++) {
                BigInteger v;
                if (j == 0) {
                    v = BigInteger.ZERO;
                } else if (j == 1) {
                    v = q.subtract(BigInteger.ONE);
                } else if (j < 40) {
                    // values whose scaled rounding sits close to a half-integer boundary
                    BigInteger target = BigInteger.valueOf(rnd.nextLong() & Long.MAX_VALUE).shiftLeft(1).add(BigInteger.ONE);
                    v = target.multiply(q).shiftRight(k + 1).add(BigInteger.valueOf(j % 3 - 1)).mod(q);
                } else {
                    v = new BigInteger(q.bitLength() + 8, new java.util.Random(j)).mod(q);
                }
                xs[j] = v;
                for (int i = 0; i < base.count; i++) {
                    x[i * base.n + j] = v.mod(BigInteger.valueOf(base.p[i])).longValue();
                }
            }
            long[] lo = new long[base.n];
            long[] hi = new long[base.n];
            rr.round(x, null, lo, hi, 0);
            BigInteger twoK = BigInteger.ONE.shiftLeft(k);
            for (int j = 0; j < base.n; j++) {
                // round(2^k x / q) = floor((2^(k+1) x + q) / 2q)
                BigInteger want = xs[j].shiftLeft(k + 1).add(q).divide(q.shiftLeft(1)).mod(twoK);
                BigInteger got = BigInteger.valueOf(hi[j]).shiftLeft(64).add(BigInteger.valueOf(lo[j]).mod(TWO_64));
                if (j >= 2 && j < 40) {
                    // within 2^-65 of a half-integer the documented error allows an off-by-one
                    assertTrue(want.subtract(got).abs().compareTo(BigInteger.ONE) <= 0
                            || want.subtract(got).abs().equals(twoK.subtract(BigInteger.ONE)), "k=" + k + " j=" + j);
                } else {
                    assertEquals(want, got, "k=" + k + " coefficient " + j);
                }
            }
            int[] pos = {5, 4000, 8191};
            long[] lo2 = new long[3];
            long[] hi2 = new long[3];
            rr.round(x, pos, lo2, hi2, 0);
            for (int t = 0; t < 3; t++) {
                assertEquals(lo[pos[t]], lo2[t]);
                assertEquals(hi[pos[t]], hi2[t]);
            }
        }
    }

    @Test
    void prgStreamsAreDeterministicAndSamplersInRange() {
        byte[] key = new byte[16];
        key[3] = 7;
        HePrg a = new HePrg(key, 9);
        HePrg b = new HePrg(key, 9);
        HePrg c = new HePrg(key, 10);
        long[] x = new long[100_000];
        long[] y = new long[100_000];
        long[] z = new long[100_000];
        a.uniformMod(PARAMS.primes()[0], x, 0, x.length);
        b.uniformMod(PARAMS.primes()[0], y, 0, y.length);
        c.uniformMod(PARAMS.primes()[0], z, 0, z.length);
        assertArrayEquals(x, y);
        assertFalse(java.util.Arrays.equals(x, z));
        for (long v : x) {
            assertTrue(v >= 0 && v < PARAMS.primes()[0]);
        }
        long[] t = new long[90_000];
        a.ternary(t, 0, t.length);
        int[] counts = new int[3];
        for (long v : t) {
            counts[(int) v + 1]++;
        }
        for (int cnt : counts) {
            assertEquals(30_000, cnt, 6 * Math.sqrt(90_000 * (1.0 / 3) * (2.0 / 3)));
        }
        long[] e = new long[100_000];
        a.centeredBinomial(21, e, 0, e.length);
        double sum = 0;
        double sq = 0;
        for (long v : e) {
            assertTrue(Math.abs(v) <= 21);
            sum += v;
            sq += v * v;
        }
        assertEquals(0, sum / e.length, 0.1);
        assertEquals(10.5, sq / e.length, 0.3);
    }
}
