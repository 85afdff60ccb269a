package org.securetrain.layermath;

import org.securetrain.runtime.ProtocolId;

/**
 * Reciprocal, square root and reciprocal square root of positive fixed-point shares, as the adaptive updaters
 * ({@link AdaptiveUpdate}) use them: x at scale fIn below 2^inputBits (public), result faithfully rounded at scale fOut.
 * The implementation is {@link ExactFunctions} on the same backend; the seam lets the update's arithmetic be tested
 * on its own.
 */
public interface PositiveRoots {
    long[] reciprocal(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);

    long[] sqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);

    long[] rsqrt(long[] x, int fIn, int fOut, int inputBits, ProtocolId id);
}
