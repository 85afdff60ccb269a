package org.securetrain.backend;

import org.securetrain.ring.FixedPoint;
import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * INSECURE. A single process holding every value in the clear, computing each kernel with exactly the
 * fixed-point semantics of the two-party protocols. It is the test oracle and the baseline of the
 * error bounds; it protects nothing. It acts for both parties at once and has no session, so it
 * cannot be plugged into a two-party run: a two-party context recognises it by its type and refuses it.
 *
 * <p>Truncation here is the exact floor; the secure faithful truncation may differ by one ulp.
 */
public final class InsecurePlaintextBackend implements Backend {
    private final FixedPoint fp;

    public InsecurePlaintextBackend(FixedPoint fp) {
        this.fp = fp;
    }

    @Override
    public FixedPoint fixedPoint() {
        return fp;
    }

    @Override
    public boolean actsFor(int p) {
        return true;
    }


    @Override
    public long[] multiply(Operand a, Operand b, int m, int k, int n, ProtocolId id) {
        return RingMatrix.multiply(a.share(), a.transposed(), b.share(), b.transposed(), m, k, n);
    }

    @Override
    public long[] correlate(Operand kernel, Operand input, org.securetrain.crypto.he.ConvShape shape, ProtocolId id) {
        Correlations.requireUntransposed(kernel, input, shape);
        long[] out = new long[shape.outputLength()];
        shape.correlateInto(kernel.share(), input.share(), out);
        return out;
    }

    @Override
    public ReluOutput reluTruncate(long[] z, ProtocolId id) {
        int f = fp.fracBits();
        long[] y = new long[z.length];
        long[] d = Bits.allocate(z.length);
        for (int i = 0; i < z.length; i++) {
            if (z[i] > 0) {
                y[i] = z[i] >> f;
                Bits.set(d, i, 1);
            }
        }
        return new ReluOutput(y, d);
    }

    @Override
    public long[] truncate(long[] x, int bits, ProtocolId id) {
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] >> bits;
        }
        return y;
    }

    @Override
    public long[] positive(long[] z, ProtocolId id) {
        long[] d = Bits.allocate(z.length);
        for (int i = 0; i < z.length; i++) {
            if (z[i] > 0) {
                Bits.set(d, i, 1);
            }
        }
        return d;
    }

    @Override
    public long[] positiveBounded(long[] z, int bits, ProtocolId id) {
        PositiveBounds.check(bits);
        long bound = 1L << bits;
        for (long v : z) {
            if (v <= -bound || v >= bound) {
                throw new IllegalArgumentException("[z > 0] with |z| < 2^" + bits + ": got z = " + v);
            }
        }
        return positive(z, id);
    }

    @Override
    public long[] bitTimesShare(long[] bits, long[] x, ProtocolId id) {
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Bits.get(bits, i) == 1 ? x[i] : 0;
        }
        return y;
    }

    @Override
    public long[] lookup(long[] digitShares, int d, long[] table, ProtocolId id) {
        Lookups.check(digitShares, d, table);
        long[] y = new long[digitShares.length];
        int segment = Math.max(1, y.length / (table.length >> d));
        for (int i = 0; i < y.length; i++) {
            y[i] = Lookups.entry(table, d, segment, i, digitShares[i]);
        }
        return y;
    }

    @Override
    public long[] multiplyElementwise(long[] x, long[] y, ProtocolId id) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("element-wise product: x has " + x.length + " values, y has "
                    + y.length);
        }
        long[] z = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            z[i] = x[i] * y[i];
        }
        return z;
    }

    @Override
    public long[] square(long[] x, ProtocolId id) {
        long[] z = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            z[i] = x[i] * x[i];
        }
        return z;
    }

    @Override
    public MaxOutput maxWithArgmax(long[] values, int k, ProtocolId id) {
        if (k < 1 || values.length % k != 0) {
            throw new IllegalArgumentException(values.length + " values do not split into windows of " + k);
        }
        int n = values.length / k;
        long[] max = new long[n];
        long[] arg = Bits.allocate(values.length);
        for (int w = 0; w < n; w++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (values[w * k + j] > values[w * k + best]) {
                    best = j;
                }
            }
            max[w] = values[w * k + best];
            Bits.set(arg, w * k + best, 1);
        }
        return new MaxOutput(max, arg);
    }

    @Override
    public long countOutsideRange(long[] x, int bits, int countBits, ProtocolId id) {
        RangeArguments.check(x.length, bits, countBits);
        long bound = 1L << bits;
        long count = 0;
        for (long v : x) {
            if (v < -bound || v >= bound) {
                count++;
            }
        }
        return count & RangeArguments.mask(countBits);
    }

    @Override
    public Counted<long[]> truncateCounting(long[] x, int bits, int rangeBits, int countBits, ProtocolId id) {
        long c = countOutsideRange(x, rangeBits, countBits, id);
        return new Counted<>(truncate(x, bits, id), c);
    }

    @Override
    public Counted<ReluOutput> reluTruncateCounting(long[] z, int rangeBits, int countBits, ProtocolId id) {
        long c = countOutsideRange(z, rangeBits, countBits, id);
        return new Counted<>(reluTruncate(z, id), c);
    }

    @Override
    public boolean revealNonZero(long share, int countBits, ProtocolId id) {
        RangeArguments.checkCountBits(countBits);
        return (share & RangeArguments.mask(countBits)) != 0;
    }

    @Override
    public long[] revealTo(int receiver, long[] share, ProtocolId id) {
        return share.clone();
    }
}
