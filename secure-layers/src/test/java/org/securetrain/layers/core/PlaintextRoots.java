package org.securetrain.layers.core;

import java.math.BigInteger;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.PositiveRoots;
import org.securetrain.runtime.ProtocolId;

/**
 * The reference values of {@link PositiveRoots} (floor of the exact real result, saturating at 2^62 - 1 for x &lt;= 0)
 * computed on the values the insecure single-process reference holds: tests the adaptive update's own arithmetic apart
 * from the two-party functions. Refuses any other backend.
 */
final class PlaintextRoots implements PositiveRoots {
    private static final long SATURATED = Long.MAX_VALUE >> 1;

    PlaintextRoots(Backend be) {
        if (!be.isInsecureReference()) {
            throw new IllegalArgumentException("plaintext roots need the insecure reference backend");
        }
    }

    @Override
    public long[] reciprocal(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            check(x[i], inputBits);
            y[i] = x[i] <= 0 ? SATURATED
                    : clamp(BigInteger.ONE.shiftLeft(fIn + fOut).divide(BigInteger.valueOf(x[i])));
        }
        return y;
    }

    @Override
    public long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            check(x[i], inputBits);
            y[i] = x[i] <= 0 ? 0 : scaled(x[i], 2 * fOut - fIn).sqrt().longValueExact();
        }
        return y;
    }

    @Override
    public long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            check(x[i], inputBits);
            // floor(2^fOut / sqrt(x 2^-fIn)) = floor(sqrt(2^(2 fOut + fIn) / x)) (floor of a root of a floor)
            y[i] = x[i] <= 0 ? SATURATED
                    : clamp(BigInteger.ONE.shiftLeft(2 * fOut + fIn).divide(BigInteger.valueOf(x[i])).sqrt());
        }
        return y;
    }

    private static BigInteger scaled(long x, int shift) {
        BigInteger b = BigInteger.valueOf(x);
        return shift >= 0 ? b.shiftLeft(shift) : b.shiftRight(-shift);
    }

    private static long clamp(BigInteger v) {
        return v.bitLength() > 62 ? SATURATED : v.longValueExact();
    }

    private static void check(long x, int inputBits) {
        if (x >= 1L << inputBits) {
            throw new IllegalArgumentException("input " + x + " is not below 2^" + inputBits);
        }
    }
}
