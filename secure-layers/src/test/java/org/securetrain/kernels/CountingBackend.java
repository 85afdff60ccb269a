package org.securetrain.kernels;

import org.securetrain.ring.FixedPoint;

/** Test decorator: forwards every call and counts the elements given to the garbled ReLU and max. */
final class CountingBackend implements Backend {
    private final Backend inner;
    long reluElements;
    long maxElements;

    CountingBackend(Backend inner) {
        this.inner = inner;
    }

    @Override
    public FixedPoint fixedPoint() {
        return inner.fixedPoint();
    }

    @Override
    public boolean actsFor(int p) {
        return inner.actsFor(p);
    }

    @Override
    public boolean isInsecureReference() {
        return inner.isInsecureReference();
    }

    @Override
    public long[] multiply(Operand a, Operand b, int m, int k, int n, String purpose) {
        return inner.multiply(a, b, m, k, n, purpose);
    }

    @Override
    public ReluOutput reluTruncate(long[] z, String purpose) {
        reluElements += z.length;
        return inner.reluTruncate(z, purpose);
    }

    @Override
    public long[] truncate(long[] x, int bits, String purpose) {
        return inner.truncate(x, bits, purpose);
    }

    @Override
    public long[] bitTimesShare(long[] bits, long[] x, String purpose) {
        return inner.bitTimesShare(bits, x, purpose);
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, String purpose) {
        maxElements += values.length;
        return inner.maxWithArgmax(values, k, purpose);
    }

    @Override
    public long[] revealTo(int receiver, long[] share, String purpose) {
        return inner.revealTo(receiver, share, purpose);
    }
}
