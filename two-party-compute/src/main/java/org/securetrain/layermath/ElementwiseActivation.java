package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * An element-wise activation on shares at scale f: its forward keeps what its backward needs ({@link Applied}), the
 * backward gives dY ⊙ f'(x) at scale f. {@link PiecewiseLinear} (comparisons and multiplexers) and
 * {@link SmoothActivation} (sigmoid and tanh with a proven error bound, {@link ExactFunctions}).
 */
public interface ElementwiseActivation {

    /** A name for messages and protocol ids. */
    String name();

    /**
     * Shares of f(x), x at scale f; an activation that compares uses {@code compareOn}, the same values at scale
     * 2^compareScale (a layer passes its exact pre-truncation product), the others ignore it.
     */
    Applied forward(Backend be, long[] x, long[] compareOn, int compareScale, ProtocolId id);

    /** Shares of f(x), x at scale f. */
    default Applied forward(Backend be, long[] x, ProtocolId id) {
        return forward(be, x, x, be.fixedPoint().fracBits(), id);
    }

    /** Shares of dY ⊙ f'(x) at scale f from the forward's state, dY at scale f. */
    long[] backward(Backend be, Applied a, long[] dy, ProtocolId id);

    /**
     * What a forward keeps: its output shares, comparison bits (boolean shares, blocks of n; empty if none), n, and
     * other shares its backward needs (empty if none; ELU's e^min(x, 0) at scale f).
     */
    record Applied(long[] y, long[] bits, int n, long[] kept) {
        public Applied(long[] y, long[] bits, int n) {
            this(y, bits, n, new long[0]);
        }
    }
}
