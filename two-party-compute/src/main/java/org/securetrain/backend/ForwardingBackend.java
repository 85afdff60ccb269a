package org.securetrain.backend;

import org.securetrain.ring.FixedPoint;

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
    public long[] multiply(Operand a, Operand b, int m, int k, int n, String purpose) {
        return delegate.multiply(a, b, m, k, n, purpose);
    }

    @Override
    public ReluOutput reluTruncate(long[] z, String purpose) {
        return delegate.reluTruncate(z, purpose);
    }

    @Override
    public long[] truncate(long[] x, int bits, String purpose) {
        return delegate.truncate(x, bits, purpose);
    }

    @Override
    public long[] bitTimesShare(long[] bits, long[] x, String purpose) {
        return delegate.bitTimesShare(bits, x, purpose);
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, String purpose) {
        return delegate.maxWithArgmax(values, k, purpose);
    }

    @Override
    public long[] revealTo(int receiver, long[] share, String purpose) {
        return delegate.revealTo(receiver, share, purpose);
    }

    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable c) {
            c.close();
        }
    }
}
