package org.securetrain.backend;

/** Test decorator: forwards every call and counts the elements given to the garbled ReLU and max. */
public final class CountingBackend extends ForwardingBackend {
    public long reluElements;
    public long maxElements;

    public CountingBackend(Backend inner) {
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
