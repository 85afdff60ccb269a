package org.securetrain.backend;

import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * A backend that forwards every operation to another one: the base for decorators that observe calls
 * (counters, audits, dumps). Every operation is final and always runs the wrapped backend's; a decorator only
 * gets to look, through the {@code on...} hooks, which run after the operation with its arguments and its result
 * (this party's own shares: look, never modify), and to ask for the range check of truncation and ReLU inputs
 * ({@link #rangeCheck(int)}: the wrapped backend's counting form of the operation then runs, same result). So a
 * decorated backend runs exactly the protocols of the backend it wraps, and a two-party context can verify what it
 * runs by looking behind the decorators
 * ({@link #innermost}). Closing a decorator closes the wrapped backend, so a decorated two-party backend still
 * releases its session resources.
 *
 * <p>A new {@link Backend} operation must be added here as a final method with its hook (the
 * {@code BackendHierarchyTest} checks that every operation is final here).
 */
public abstract non-sealed class ForwardingBackend implements Backend, AutoCloseable {
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

    /** The backend behind all decorators: a {@link TwoPartyBackend} or an {@link InsecurePlaintextBackend}. */
    public static Backend innermost(Backend backend) {
        Backend b = java.util.Objects.requireNonNull(backend, "backend");
        while (b instanceof ForwardingBackend f) {
            b = f.delegate;
        }
        return b;
    }

    @Override
    public final FixedPoint fixedPoint() {
        return delegate.fixedPoint();
    }

    @Override
    public final boolean actsFor(int p) {
        return delegate.actsFor(p);
    }

    @Override
    public final boolean isInsecureReference() {
        return delegate.isInsecureReference();
    }

    @Override
    public final long[] multiply(Operand a, Operand b, int m, int k, int n, ProtocolId id) {
        long[] r = delegate.multiply(a, b, m, k, n, id);
        onMultiply(a, b, m, k, n, id, r);
        return r;
    }

    /**
     * The wrapped backend's ReLU; if this decorator checks ranges ({@link #rangeCheck(int)}), its counting form, the
     * count share going to {@link #onRangeCount}.
     */
    @Override
    public final long[] correlate(Operand kernel, Operand input, org.securetrain.crypto.he.ConvShape shape,
            ProtocolId id) {
        long[] r = delegate.correlate(kernel, input, shape, id);
        onCorrelate(kernel, input, shape, id, r);
        return r;
    }

    @Override
    public final ReluOutput reluTruncate(long[] z, ProtocolId id) {
        beforeReluTruncate(z, id);
        RangeCheck rc = rangeCheck(z.length);
        ReluOutput r;
        if (rc == null) {
            r = delegate.reluTruncate(z, id);
        } else {
            Counted<ReluOutput> c = delegate.reluTruncateCounting(z, rc.bits(), rc.countBits(), id);
            onRangeCount(c.count(), id);
            r = c.result();
        }
        onReluTruncate(z, id, r);
        return r;
    }

    /** The wrapped backend's truncation; with a range check as {@link #reluTruncate}. */
    @Override
    public final long[] truncate(long[] x, int bits, ProtocolId id) {
        beforeTruncate(x, bits, id);
        RangeCheck rc = rangeCheck(x.length);
        long[] r;
        if (rc == null) {
            r = delegate.truncate(x, bits, id);
        } else {
            Counted<long[]> c = delegate.truncateCounting(x, bits, rc.bits(), rc.countBits(), id);
            onRangeCount(c.count(), id);
            r = c.result();
        }
        onTruncate(x, bits, id, r);
        return r;
    }

    /**
     * The wrapped backend's counting truncation (an outer decorator's range check passing through): this decorator
     * sees it as the truncation and the range count it is ({@link #onTruncate}, {@link #onCountOutsideRange}).
     */
    @Override
    public final Counted<long[]> truncateCounting(long[] x, int bits, int rangeBits, int countBits, ProtocolId id) {
        beforeTruncate(x, bits, id);
        Counted<long[]> c = delegate.truncateCounting(x, bits, rangeBits, countBits, id);
        onTruncate(x, bits, id, c.result());
        onCountOutsideRange(x, rangeBits, countBits, id, c.count());
        return c;
    }

    /** As {@link #truncateCounting}, for the ReLU ({@link #onReluTruncate}, {@link #onCountOutsideRange}). */
    @Override
    public final Counted<ReluOutput> reluTruncateCounting(long[] z, int rangeBits, int countBits, ProtocolId id) {
        beforeReluTruncate(z, id);
        Counted<ReluOutput> c = delegate.reluTruncateCounting(z, rangeBits, countBits, id);
        onReluTruncate(z, id, c.result());
        onCountOutsideRange(z, rangeBits, countBits, id, c.count());
        return c;
    }

    @Override
    public final long[] positive(long[] z, ProtocolId id) {
        long[] r = delegate.positive(z, id);
        onPositive(z, id, r);
        return r;
    }

    @Override
    public final long[] positiveBounded(long[] z, int bits, ProtocolId id) {
        long[] r = delegate.positiveBounded(z, bits, id);
        onPositive(z, id, r);
        return r;
    }

    @Override
    public final long[] bitTimesShare(long[] bits, long[] x, ProtocolId id) {
        long[] r = delegate.bitTimesShare(bits, x, id);
        onBitTimesShare(bits, x, id, r);
        return r;
    }

    @Override
    public final long[] lookup(long[] digitShares, int d, long[] table, ProtocolId id) {
        long[] r = delegate.lookup(digitShares, d, table, id);
        onLookup(digitShares, d, table, id, r);
        return r;
    }

    @Override
    public final long[] multiplyElementwise(long[] x, long[] y, ProtocolId id) {
        long[] r = delegate.multiplyElementwise(x, y, id);
        onMultiplyElementwise(x, y, id, r);
        return r;
    }

    @Override
    public final long[] square(long[] x, ProtocolId id) {
        long[] r = delegate.square(x, id);
        onSquare(x, id, r);
        return r;
    }

    @Override
    public final MaxOutput maxWithArgmax(long[] values, int k, ProtocolId id) {
        MaxOutput r = delegate.maxWithArgmax(values, k, id);
        onMaxWithArgmax(values, k, id, r);
        return r;
    }

    @Override
    public final long countOutsideRange(long[] x, int bits, int countBits, ProtocolId id) {
        long r = delegate.countOutsideRange(x, bits, countBits, id);
        onCountOutsideRange(x, bits, countBits, id, r);
        return r;
    }

    @Override
    public final boolean revealNonZero(long share, int countBits, ProtocolId id) {
        boolean r = delegate.revealNonZero(share, countBits, id);
        onRevealNonZero(share, countBits, id, r);
        return r;
    }

    @Override
    public final long[] revealTo(int receiver, long[] share, ProtocolId id) {
        long[] r = delegate.revealTo(receiver, share, id);
        onRevealTo(receiver, share, id, r);
        return r;
    }

    /**
     * Before {@link #truncate} reaches the delegate: this party's input share. A decorator may run protocols of its
     * own here on {@link #delegate()} (the range guard's comparisons); it cannot change the input or the result.
     */
    protected void beforeTruncate(long[] x, int bits, ProtocolId id) {
    }

    /** Before {@link #reluTruncate} reaches the delegate (as {@link #beforeTruncate}). */
    protected void beforeReluTruncate(long[] z, ProtocolId id) {
    }

    /**
     * The range check this decorator wants on the {@code values} inputs of this {@link #truncate} or
     * {@link #reluTruncate} call (it may refuse the call here by throwing), or null
     * (the default): the wrapped backend then runs the counting form of the operation
     * ({@link Backend#truncateCounting}), in the operation's own flights where it can.
     */
    protected RangeCheck rangeCheck(int values) {
        return null;
    }

    /** With {@link #rangeCheck(int)}: this party's share of the count of the call's inputs outside the range. */
    protected void onRangeCount(long share, ProtocolId id) {
    }

    /** Parameters of a decorator's range check: x in [-2^bits, 2^bits), counts mod 2^countBits. */
    protected record RangeCheck(int bits, int countBits) {
    }

    /** After {@link #multiply}: its operands and this party's result share. */
    protected void onMultiply(Operand a, Operand b, int m, int k, int n, ProtocolId id, long[] result) {
    }

    /** After {@link #correlate}: its operands and this party's result share. */
    protected void onCorrelate(Operand kernel, Operand input, org.securetrain.crypto.he.ConvShape shape, ProtocolId id,
            long[] result) {
    }

    /** After {@link #reluTruncate}: this party's input share and output shares. */
    protected void onReluTruncate(long[] z, ProtocolId id, ReluOutput result) {
    }

    /** After {@link #truncate}: this party's input share and output share. */
    protected void onTruncate(long[] x, int bits, ProtocolId id, long[] result) {
    }

    /** After {@link #positive}: this party's input share and output share. */
    protected void onPositive(long[] z, ProtocolId id, long[] result) {
    }

    /** After {@link #bitTimesShare}: this party's input shares and output share. */
    protected void onBitTimesShare(long[] bits, long[] x, ProtocolId id, long[] result) {
    }

    /** After {@link #lookup}: this party's digit shares, the public table and this party's result share. */
    protected void onLookup(long[] digitShares, int d, long[] table, ProtocolId id, long[] result) {
    }

    /** After {@link #multiplyElementwise}: this party's input shares and output share. */
    protected void onMultiplyElementwise(long[] x, long[] y, ProtocolId id, long[] result) {
    }

    /** After {@link #square}: this party's input share and output share. */
    protected void onSquare(long[] x, ProtocolId id, long[] result) {
    }

    /** After {@link #maxWithArgmax}: this party's input share and output shares. */
    protected void onMaxWithArgmax(long[] values, int k, ProtocolId id, MaxOutput result) {
    }

    /** After {@link #countOutsideRange}: this party's input share and count share. */
    protected void onCountOutsideRange(long[] x, int bits, int countBits, ProtocolId id, long result) {
    }

    /** After {@link #revealNonZero}: this party's share and the opened bit. */
    protected void onRevealNonZero(long share, int countBits, ProtocolId id, boolean result) {
    }

    /** After {@link #revealTo}: this party's share and what it received (null at the other party). */
    protected void onRevealTo(int receiver, long[] share, ProtocolId id, long[] result) {
    }

    /** Closes the wrapped backend; a decorator that overrides this must call it. */
    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable c) {
            c.close();
        }
    }
}
