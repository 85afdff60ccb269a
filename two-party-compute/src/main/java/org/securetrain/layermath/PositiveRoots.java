package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * Reciprocal, square root and reciprocal square root of positive fixed-point shares, as the adaptive updaters
 * ({@link AdaptiveUpdate}) use them: x at scale fIn below 2^inputBits (public), result at scale fOut within the bounds
 * of docs/security/exact-math.md 8.2. The implementation is {@link ExactRoots} on the same backend ({@link #exact});
 * the seam lets the update's arithmetic be tested on its own. The square root is {@link ExactRoots#sqrtRelative}
 * (relative error at most 2^-24.2, faithful below about 2^25.5 ulps): the updaters' error bound
 * (docs/security/adaptive-updaters.md) rests on that relative error, and the faithful {@link ExactRoots#sqrt} would
 * add 22 flights and about 3.5 KB per parameter at Adam's state scale without changing the bound. The reciprocal
 * square root is {@link ExactRoots#rsqrt} (faithful over the whole range; the L2 gradient normaliser's one root per
 * group), and {@link #rsqrtRelative} the uncorrected {@link ExactRoots#rsqrtRelative} (relative error at most
 * 2^-26.0) for AdaDelta's root per parameter, whose bound rests on that relative error.
 */
public interface PositiveRoots {
    /** {@link ExactRoots} on {@code be}: the same integer algorithm on the reference and the two-party backend. */
    static PositiveRoots exact(Backend be) {
        ExactRoots r = new ExactRoots(be);
        return new PositiveRoots() {
            @Override
            public long[] reciprocal(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
                return r.reciprocal(x, fIn, fOut, inputBits, id);
            }

            @Override
            public long[] reciprocalAtLeast(long[] x, int fIn, int fOut, int lowBits, int inputBits, ProtocolId id) {
                return r.reciprocalAtLeast(x, fIn, fOut, lowBits, inputBits, id);
            }

            @Override
            public long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
                return r.sqrtRelative(x, fIn, fOut, inputBits, id);
            }

            @Override
            public long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
                return r.rsqrt(x, fIn, fOut, inputBits, id);
            }

            @Override
            public long[] rsqrtRelative(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
                return r.rsqrtRelative(x, fIn, fOut, inputBits, id);
            }
        };
    }

    long[] reciprocal(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);

    /**
     * The reciprocal of x known to be at least 2^lowBits (public): the same result as {@link #reciprocal}, which is
     * what this default returns; {@link ExactRoots#reciprocalAtLeast} skips the comparisons the bound answers.
     */
    default long[] reciprocalAtLeast(long[] x, int fIn, int fOut, int lowBits, int inputBits, ProtocolId id) {
        return reciprocal(x, fIn, fOut, inputBits, id);
    }

    long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);

    long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);

    /**
     * The reciprocal square root within relative 2^-26.0 (faithful below about 2^26.5 ulps): for callers whose error
     * bound rests on the relative error. This default returns {@link #rsqrt} (at least as precise);
     * {@link ExactRoots#rsqrtRelative} leaves out the correction's flights.
     */
    default long[] rsqrtRelative(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
        return rsqrt(x, fIn, fOut, inputBits, id);
    }
}
