package org.securetrain.crypto.he;

import java.math.BigInteger;

/**
 * Word-level modular arithmetic for the RNS primes (all below 2^61, so 4p fits a signed long and the
 * lazy Harvey bounds hold without unsigned comparisons). Hot paths use Shoup multiplication:
 * for a fixed multiplicand w with w' = floor(w * 2^64 / p), {@code w*y - umulhi(w', y)*p} lies in [0, 2p)
 * for every unsigned 64-bit y. Precomputation goes through BigInteger (setup only).
 */
final class ModArith {
    private ModArith() {
    }

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    /** High 64 bits of the unsigned 128-bit product of a and b. */
    static long umulhi(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** Shoup constant floor(w * 2^64 / p) (as unsigned 64-bit) for 0 <= w < p. */
    static long shoup(long w, long p) {
        if (w < 0 || w >= p) {
            throw new IllegalArgumentException("Shoup operand " + w + " not reduced mod " + p);
        }
        return BigInteger.valueOf(w).shiftLeft(64).divide(BigInteger.valueOf(p)).longValue();
    }

    /** w*y mod p in [0, 2p) for any unsigned 64-bit y; w < p < 2^62 with Shoup constant ws. */
    static long mulShoupLazy(long y, long w, long ws, long p) {
        return w * y - umulhi(ws, y) * p;
    }

    /** w*y mod p in [0, p). */
    static long mulShoup(long y, long w, long ws, long p) {
        long r = w * y - umulhi(ws, y) * p - p;
        return r + ((r >> 63) & p);
    }

    /** x mod p for x in [0, 2p). */
    static long reduceOnce(long x, long p) {
        long r = x - p;
        return r + ((r >> 63) & p);
    }

    static long mulModSlow(long a, long b, long p) {
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(BigInteger.valueOf(p)).longValue();
    }

    static long powMod(long base, long exp, long p) {
        return BigInteger.valueOf(base).modPow(BigInteger.valueOf(exp), BigInteger.valueOf(p)).longValue();
    }

    static long invMod(long a, long p) {
        return BigInteger.valueOf(a).modInverse(BigInteger.valueOf(p)).longValue();
    }

    /** The residue of the unsigned 64-bit value x mod p (slow reference). */
    static long unsignedModSlow(long x, long p) {
        BigInteger v = BigInteger.valueOf(x);
        if (x < 0) {
            v = v.add(TWO_64);
        }
        return v.mod(BigInteger.valueOf(p)).longValue();
    }

    /** Smallest primitive 2n-th root of unity found by scanning g = 2, 3, ... (deterministic). */
    static long primitive2nthRoot(int n, long p) {
        long order = 2L * n;
        if ((p - 1) % order != 0) {
            throw new IllegalArgumentException("prime " + p + " is not 1 mod " + order + "; no negacyclic NTT");
        }
        long cofactor = (p - 1) / order;
        for (long g = 2; g < 10_000; g++) {
            long psi = powMod(g, cofactor, p);
            if (powMod(psi, n, p) == p - 1) { // psi^n = -1 means order exactly 2n (n a power of two)
                return psi;
            }
        }
        throw new IllegalStateException("no primitive 2n-th root found for p = " + p);
    }
}
