package org.securetrain.backend;

import org.securetrain.runtime.ProtocolId;

/**
 * Never a silent wrap-around: a decorator that checks every value entering a truncation or a ReLU with truncation
 * (the products and sums of the layers and of the optimiser step) against the safe range [-2^61, 2^61) of the
 * 64-bit ring, and stops the run at the next {@link #verify} if any left it. The faithful truncation is correct only
 * for |x| &lt; 2^62 and every product must stay below 2^63 to mean anything: 2^61 leaves one bit of headroom, so a
 * value is flagged before the arithmetic breaks.
 *
 * <p>On shares: each truncation and ReLU runs in its counting form ({@link Backend#truncateCounting}: the check's
 * one comparison per value of {@link Backend#countOutsideRange} in the operation's own flights) which gives shares
 * mod 2^{@value #COUNT_BITS} of how many values left the range, summed locally into a shared count; {@link #verify}
 * opens the one bit "that count is not zero" to both parties ({@link Backend#revealNonZero}): the documented one-bit
 * leak "some value of this step left the safe range", after which the run stops. Nothing else is revealed: not which value, layer or how many. The count is exact
 * because fewer than 2^{@value #COUNT_BITS} values are checked between two verifications (enforced).
 */
public final class RangeCheckedBackend extends ForwardingBackend {
    /** Checked bound: x in [-2^SAFE_BITS, 2^SAFE_BITS) in the ring. */
    public static final int SAFE_BITS = 61;
    /** The shared count is kept mod 2^COUNT_BITS: at most 2^COUNT_BITS - 1 values per verification. */
    public static final int COUNT_BITS = 32;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

    private long pendingCount;
    private long pendingValues;
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

    /** Whether {@code be} keeps the range guard's shared count ({@link #addOutsideCount}). */
    public static boolean countsOutside(Backend be) {
        return be instanceof RangeCheckedBackend;
    }

    /**
     * Adds to the shared count, verified with the step's other checks at the next {@link #verify}, this party's share
     * of how many of {@code values} values broke a bound that the caller tested with its own exact comparisons (a
     * bound tighter than the safe range, e.g. the elements of a sum that must not wrap). No-op without the guard.
     */
    public static void addOutsideCount(Backend be, long share, int values, ProtocolId id) {
        if (be instanceof RangeCheckedBackend r) {
            r.rangeCheck(values);
            r.onRangeCount(share, id);
        }
    }

    /** Thrown at both parties when a checked value left the safe range; the run must stop. */
    public static final class RangeOverflowException extends IllegalStateException {
        public RangeOverflowException(String message) {
            super(message);
        }
    }

    private static final RangeCheck CHECK = new RangeCheck(SAFE_BITS, COUNT_BITS);

    /**
     * Every truncation and ReLU runs with the check of its input, in its own flights
     * ({@link Backend#truncateCounting});
     * refuses more values per verification than the count mod 2^COUNT_BITS can hold.
     */
    @Override
    protected synchronized RangeCheck rangeCheck(int values) {
        if (pendingValues + values > COUNT_MASK) {
            // both parties see the same public counts, so both stop here alike
            throw new IllegalStateException((pendingValues + values) + " values checked since the last range "
                    + "verification, more than the shared count mod 2^" + COUNT_BITS + " can hold exactly: verify more "
                    + "often");
        }
        pendingValues += values;
        return CHECK;
    }

    @Override
    protected synchronized void onRangeCount(long share, ProtocolId id) {
        pendingCount = (pendingCount + share) & COUNT_MASK;
        pendingChecks++;
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
        boolean outside = delegate().revealNonZero(pendingCount, COUNT_BITS, id.child("range", "any"));
        pendingCount = 0;
        pendingValues = 0;
        pendingChecks = 0;
        if (outside) {
            throw new RangeOverflowException("a fixed-point value left the safe range [-2^" + SAFE_BITS + ", 2^"
                    + SAFE_BITS + ") of the 64-bit ring during " + where + " (at scale 2f that is |x| < 2^(" + SAFE_BITS
                    + " - 2f) = " + Math.scalb(1.0, SAFE_BITS - 2 * fixedPoint().fracBits()) + " for f = "
                    + fixedPoint().fracBits() + "): the run stops instead of computing with wrapped values. Normalise "
                    + "the features (DL4J's NormalizerStandardize, or ImagePreProcessingScaler for pixels), lower the "
                    + "learning rate, or lower the fixed-point fraction bits f");
        }
    }
}
