package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * Reciprocal, square root and reciprocal square root of positive fixed-point shares, as the adaptive updaters
 * ({@link AdaptiveUpdate}) use them: x at scale fIn below 2^inputBits (public), result faithfully rounded at scale fOut.
 * The implementation is {@link ExactRoots} on the same backend ({@link #exact}); the seam lets the update's arithmetic
 * be tested on its own.
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
            public long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
                return r.sqrt(x, fIn, fOut, inputBits, id);
            }

            @Override
            public long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id) {
                return r.rsqrt(x, fIn, fOut, inputBits, id);
            }
        };
    }

    long[] reciprocal(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);

    long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);

    long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);
}
