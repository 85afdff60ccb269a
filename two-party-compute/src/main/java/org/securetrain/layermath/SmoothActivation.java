package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * sigmoid or tanh as a hidden activation: forward by {@link ExactFunctions} (within one ulp of the exact value for
 * every input), backward from the forward values as DL4J does, f'(x) = s (1 - s) or 1 - t^2: one element-wise product
 * (or square) truncated by f, then dY times it truncated by f (faithful truncations: the gradient's own rounding, as
 * the other layers' gradients).
 */
public final class SmoothActivation implements ElementwiseActivation {
    /** Which function. */
    public enum Kind {
        SIGMOID, TANH
    }

    private final Kind kind;

    public SmoothActivation(Kind kind) {
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Applied forward(Backend be, long[] x, long[] compareOn, int compareScale, ProtocolId id) {
        ExactFunctions ef = new ExactFunctions(be);
        long[] y = kind == Kind.SIGMOID ? ef.sigmoid(x, id.child(name())) : ef.tanh(x, id.child(name()));
        return new Applied(y, new long[0], x.length);
    }

    @Override
    public long[] backward(Backend be, Applied a, long[] dy, ProtocolId id) {
        int n = a.n();
        if (dy.length != n) {
            throw new IllegalArgumentException(name() + ": gradient has " + dy.length + " elements, forward had " + n);
        }
        int f = be.fixedPoint().fracBits();
        boolean p0 = be.actsFor(0);
        long[] y = a.y();
        long[] d2;
        if (kind == Kind.SIGMOID) {
            long[] oneMinus = new long[n];
            long one = p0 ? 1L << f : 0;
            for (int i = 0; i < n; i++) {
                oneMinus[i] = one - y[i];
            }
            d2 = be.multiplyElementwise(y, oneMinus, id.child("dsig"));
        } else {
            long[] sq = be.square(y, id.child("dtanh"));
            long one2 = p0 ? 1L << (2 * f) : 0;
            d2 = new long[n];
            for (int i = 0; i < n; i++) {
                d2[i] = one2 - sq[i];
            }
        }
        long[] d = be.truncate(d2, f, id.child("dtrunc"));
        return be.truncate(be.multiplyElementwise(dy, d, id.child("dy")), f, id.child("dyTrunc"));
    }
}
