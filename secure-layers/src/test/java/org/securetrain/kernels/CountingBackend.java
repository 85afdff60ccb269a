package org.securetrain.kernels;

/** Test decorator: forwards every call and counts the elements given to the garbled ReLU and max. */
final class CountingBackend extends ForwardingBackend {
    long reluElements;
    long maxElements;

    CountingBackend(Backend inner) {
        super(inner);
    }

    @Override
    public ReluOutput reluTruncate(long[] z, String purpose) {
        reluElements += z.length;
        return super.reluTruncate(z, purpose);
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, String purpose) {
        maxElements += values.length;
        return super.maxWithArgmax(values, k, purpose);
    }

}
