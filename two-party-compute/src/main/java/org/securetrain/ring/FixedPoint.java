package org.securetrain.ring;

/**
 * Fixed-point encoding of reals in the ring Z_2^64: v -> round(v * 2^f) in two's complement.
 * A product of two encodings carries scale 2^(2f) and must be truncated back by f bits.
 * Values must stay well inside the ring: encoding refuses |v| >= 2^(62 - f) so that sums and the
 * offset used by faithful truncation never wrap around.
 */
public final class FixedPoint {
    public static final int MIN_FRAC_BITS = 8;
    public static final int MAX_FRAC_BITS = 28;
    /**
     * Default precision, chosen by measurement (SecureMlpTrainingTest, ReferenceMlpTrainingTest): at 24 bits the
     * one-ulp truncation differences of the secure protocols stay below anything that flips a ReLU, so a secure
     * run tracks the plaintext reference to ~1e-5 per step; at 16 bits it parts by a few percent. The price is
     * range: raw products (scale 2f) must stay below 2^(62 - 2f) = 16384 in magnitude.
     */
    public static final int DEFAULT_FRAC_BITS = 24;

    private final int fracBits;
    private final double scale;
    private final double limit;

    private FixedPoint(int fracBits) {
        this.fracBits = fracBits;
        this.scale = Math.scalb(1.0, fracBits);
        this.limit = Math.scalb(1.0, 62 - fracBits);
    }

    public static FixedPoint of(int fracBits) {
        if (fracBits < MIN_FRAC_BITS || fracBits > MAX_FRAC_BITS) {
            throw new IllegalArgumentException("fractional bits must be in [" + MIN_FRAC_BITS + ", "
                    + MAX_FRAC_BITS + "], got " + fracBits);
        }
        return new FixedPoint(fracBits);
    }

    public int fracBits() {
        return fracBits;
    }

    /** The encoding of 1.0. */
    public long one() {
        return 1L << fracBits;
    }

    /** One unit in the last place, as a real. */
    public double ulp() {
        return 1.0 / scale;
    }

    public long encode(double v) {
        if (!(Math.abs(v) < limit)) {
            throw new IllegalArgumentException("cannot encode " + v + " with " + fracBits
                    + " fractional bits: |v| must be below 2^" + (62 - fracBits) + " (NaN and infinities never)");
        }
        return Math.round(v * scale);
    }

    public double decode(long x) {
        return x / scale;
    }

    public long[] encode(double[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = encodeAt(v[i], i);
        }
        return out;
    }

    public long[] encode(float[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = encodeAt(v[i], i);
        }
        return out;
    }

    private long encodeAt(double v, int i) {
        if (!(Math.abs(v) < limit)) {
            throw new IllegalArgumentException("cannot encode element " + i + " = " + v + " with " + fracBits
                    + " fractional bits: |v| must be below 2^" + (62 - fracBits));
        }
        return Math.round(v * scale);
    }

    public double[] decode(long[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / scale;
        }
        return out;
    }

    /** Decodes a value at scale 2^(2f) (a raw product). */
    public double decodeDouble(long x) {
        return x / (scale * scale);
    }

    @Override
    public String toString() {
        return "FixedPoint(f=" + fracBits + ")";
    }
}
