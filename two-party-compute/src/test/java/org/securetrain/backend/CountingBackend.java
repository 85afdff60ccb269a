package org.securetrain.backend;

import org.securetrain.runtime.ProtocolId;

/** Test decorator: forwards every call and counts the elements given to the ReLU and max. */
public final class CountingBackend extends ForwardingBackend {
    public long reluElements;
    public long maxElements;

    public CountingBackend(Backend inner) {
        super(inner);
    }

    @Override
    protected void onReluTruncate(long[] z, ProtocolId id, ReluOutput result) {
        reluElements += z.length;
    }

    @Override
    protected void onMaxWithArgmax(long[] values, int k, ProtocolId id, MaxOutput result) {
        maxElements += values.length;
    }
}
