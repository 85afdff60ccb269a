package org.securetrain.backend;

import org.securetrain.runtime.ProtocolId;

/**
 * Never a silent wrap-around: a decorator that checks every value entering a truncation or a ReLU with truncation
 * (the products and sums of the layers and of the optimiser step) against the safe range |x| &lt; 2^61 of the
 * 64-bit ring, and stops the run at the next {@link #verify} if any left it. The faithful truncation is correct only
 * for |x| &lt; 2^62 and every product must stay below 2^63 to mean anything: 2^61 leaves one bit of headroom, so a
 * value is flagged before the arithmetic breaks.
 *
 * <p>On shares, with the two operations of the contract: per checked value two exact comparisons
 * {@code positive(x - 2^61)} and {@code positive(-x - 2^61)} (a value that already wrapped also lands outside),
 * their bits turned into arithmetic shares by {@code bitTimesShare} with the public constant 1, and summed locally
 * into a shared count. {@link #verify} compares that count with zero and opens the one bit to both parties: the
 * documented one-bit leak "some value of this step left the safe range", after which the run stops. Nothing else is
 * revealed: not which value, layer or how many.
 */
public final class RangeCheckedBackend extends ForwardingBackend {
    /** Checked bound: |x| &lt; 2^SAFE_BITS in the ring. */
    public static final int SAFE_BITS = 61;
    private static final long BOUND = 1L << SAFE_BITS;

    private long pendingCount;
    private int pendingChecks;

    public RangeCheckedBackend(Backend delegate) {
        super(delegate);
    }

    /**
     * {@code be} without the range check, for truncations whose inputs are bounded by values already checked: an
     * optimiser step's products of a checked gradient, a velocity or a weight with a public constant below 2^22
     * ({@code ParameterShare}). {@code be} itself when it is not a range-checked backend.
     */
    public static Backend unchecked(Backend be) {
        return be instanceof RangeCheckedBackend r ? r.delegate() : be;
    }

    /** Thrown at both parties when a checked value left the safe range; the run must stop. */
    public static final class RangeOverflowException extends IllegalStateException {
        public RangeOverflowException(String message) {
            super(message);
        }
    }

    @Override
    protected void beforeTruncate(long[] x, int bits, ProtocolId id) {
        check(x, id);
    }

    @Override
    protected void beforeReluTruncate(long[] z, ProtocolId id) {
        check(z, id);
    }

    private synchronized void check(long[] x, ProtocolId id) {
        int n = x.length;
        if (n == 0) {
            return;
        }
        long t = actsFor(0) ? BOUND : 0;
        long[] shifted = new long[2 * n];
        for (int i = 0; i < n; i++) {
            shifted[i] = x[i] - t;
            shifted[n + i] = -x[i] - t;
        }
        long[] bits = delegate().positive(shifted, id.child("range"));
        long[] counts = delegate().bitTimesShare(bits, ones(2 * n), id.child("range", "count"));
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        pendingCount += sum;
        pendingChecks++;
    }

    /** The public constant 1 as arithmetic shares (1 at party 0, 0 at party 1; 1 for the single-process reference). */
    private long[] ones(int n) {
        long[] o = new long[n];
        if (actsFor(0)) {
            java.util.Arrays.fill(o, 1);
        }
        return o;
    }

    /** Whether values were checked since the last {@link #verify}. */
    public synchronized boolean hasPendingChecks() {
        return pendingChecks > 0;
    }

    /**
     * Both parties call it at the same point: opens the bit "some value checked since the last call left the safe
     * range" to both and throws {@link RangeOverflowException} at both if it is set. No communication when nothing was
     * checked since the last call (both parties know that alike: they make the same calls).
     *
     * @param where the step, for the message (e.g. "iteration 12, epoch 0")
     */
    public synchronized void verify(ProtocolId id, String where) {
        if (pendingChecks == 0) {
            return;
        }
        long[] any = delegate().positive(new long[] {pendingCount}, id.child("range", "any"));
        long[] share = delegate().bitTimesShare(any, ones(1), id.child("range", "any", "b2a"));
        pendingCount = 0;
        pendingChecks = 0;
        long[] at0 = delegate().revealTo(0, share, id.child("range", "open0"));
        long[] at1 = delegate().revealTo(1, share, id.child("range", "open1"));
        long bit = at0 != null ? at0[0] : at1[0];
        if (bit != 0) {
            throw new RangeOverflowException("a fixed-point value left the safe range |x| < 2^" + SAFE_BITS
                    + " of the 64-bit ring during " + where + " (at scale 2f that is |x| < 2^(" + SAFE_BITS
                    + " - 2f) = " + Math.scalb(1.0, SAFE_BITS - 2 * fixedPoint().fracBits()) + " for f = "
                    + fixedPoint().fracBits() + "): the run stops instead of computing with wrapped values. Normalise "
                    + "the features (DL4J's NormalizerStandardize, or ImagePreProcessingScaler for pixels), lower the "
                    + "learning rate, or lower the fixed-point fraction bits f");
        }
    }
}
