package org.securetrain.bench.parity;

import org.securetrain.backend.ForwardingBackend;
import org.securetrain.protocols.FaithfulTruncation;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * INSECURE, for the fixed-point reference run only: the plaintext reference backend, wrapped to look at every
 * value that enters a truncation. The secure faithful truncation is correct (at most one ulp off) only while
 * the pre-truncation value satisfies |x| &lt; 2^62 ({@link FaithfulTruncation#MAGNITUDE_LIMIT}); a value at or
 * beyond it is where the secure run would suffer a wrap-around. The reference computes, in the clear, the same
 * fixed-point values the secure run computes on shares (up to the secure truncation's one-ulp differences), so
 * counting the values at or beyond the bound here, and the largest magnitude seen (the headroom), tells whether
 * the secure run came near a wrap-around. The ReLU and max-pool inputs are watched too: their garbled circuits
 * reconstruct the value mod 2^64, so they would only go wrong past |z| &gt;= 2^63.
 */
public final class TruncationHeadroomAudit extends ForwardingBackend {
    private long truncatedValues;
    private long truncationCalls;
    private long beyondBound;
    private long maxTruncationInput;
    private long reluValues;
    private long maxReluInput;
    private long maxPoolInput;

    public TruncationHeadroomAudit(FixedPoint fp) {
        super(new InsecurePlaintextBackend(fp));
    }

    @Override
    protected void onReluTruncate(long[] z, ProtocolId id, ReluOutput result) {
        reluValues += z.length;
        maxReluInput = Math.max(maxReluInput, maxAbs(z));
    }

    @Override
    protected void onTruncate(long[] x, int bits, ProtocolId id, long[] result) {
        truncationCalls++;
        truncatedValues += x.length;
        long max = 0;
        long beyond = 0;
        for (long v : x) {
            long a = abs(v);
            if (a >= FaithfulTruncation.MAGNITUDE_LIMIT) {
                beyond++;
            }
            max = Math.max(max, a);
        }
        beyondBound += beyond;
        maxTruncationInput = Math.max(maxTruncationInput, max);
    }

    @Override
    protected void onMaxWithArgmax(long[] values, int k, ProtocolId id, MaxOutput result) {
        maxPoolInput = Math.max(maxPoolInput, maxAbs(values));
    }

    /** |v|, with Long.MIN_VALUE (|v| = 2^63, not representable) mapped to Long.MAX_VALUE. */
    private static long abs(long v) {
        return v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v);
    }

    private static long maxAbs(long[] v) {
        long m = 0;
        for (long x : v) {
            m = Math.max(m, abs(x));
        }
        return m;
    }

    /** What the audit saw so far. */
    public Figures figures() {
        return new Figures(truncationCalls, truncatedValues, beyondBound, log2(maxTruncationInput), reluValues,
                log2(maxReluInput), log2(maxPoolInput));
    }

    private static double log2(long v) {
        return v == 0 ? Double.NEGATIVE_INFINITY : Math.log(v) / Math.log(2);
    }

    /**
     * @param beyondBound truncation inputs with |x| &gt;= 2^62: the secure run's would-be wrap-arounds
     * @param maxTruncationLog2 log2 of the largest |x| entering a truncation (the bound is 62)
     */
    public record Figures(long truncationCalls, long truncatedValues, long beyondBound, double maxTruncationLog2,
            long reluValues, double maxReluLog2, double maxPoolLog2) {
    }
}
