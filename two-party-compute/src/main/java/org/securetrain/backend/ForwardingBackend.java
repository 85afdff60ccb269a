package org.securetrain.backend;

import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * A backend that forwards every operation to another one: the base for decorators that observe calls
 * (counters, audits, dumps) and override only what they look at. Closing it closes the wrapped backend, so a
 * decorated two-party backend still releases its session resources; {@link #find} sees through decorators.
 */
public abstract class ForwardingBackend implements Backend, AutoCloseable {
    private final Backend delegate;

    protected ForwardingBackend(Backend delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped backend. */
    public final Backend delegate() {
        return delegate;
    }

    /** {@code backend} itself or the first backend of {@code type} behind its decorators; null if there is none. */
    public static <T extends Backend> T find(Backend backend, Class<T> type) {
        for (Backend b = backend; b != null; b = b instanceof ForwardingBackend f ? f.delegate : null) {
            if (type.isInstance(b)) {
                return type.cast(b);
            }
        }
        return null;
    }

    @Override
    public FixedPoint fixedPoint() {
        return delegate.fixedPoint();
    }

    @Override
    public boolean actsFor(int p) {
        return delegate.actsFor(p);
    }

    @Override
    public boolean isInsecureReference() {
        return delegate.isInsecureReference();
    }

    @Override
    public long[] multiply(Operand a, Operand b, int m, int k, int n, ProtocolId id) {
        return delegate.multiply(a, b, m, k, n, id);
    }

    @Override
    public ReluOutput reluTruncate(long[] z, ProtocolId id) {
        return delegate.reluTruncate(z, id);
    }

    @Override
    public long[] truncate(long[] x, int bits, ProtocolId id) {
        return delegate.truncate(x, bits, id);
    }

    @Override
    public long[] positive(long[] z, ProtocolId id) {
        return delegate.positive(z, id);
    }

    @Override
    public long[] bitTimesShare(long[] bits, long[] x, ProtocolId id) {
        return delegate.bitTimesShare(bits, x, id);
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, ProtocolId id) {
        return delegate.maxWithArgmax(values, k, id);
    }

    @Override
    public long[] revealTo(int receiver, long[] share, ProtocolId id) {
        return delegate.revealTo(receiver, share, id);
    }

    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable c) {
            c.close();
        }
    }
}
