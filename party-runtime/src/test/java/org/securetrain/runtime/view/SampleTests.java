package org.securetrain.runtime.view;

import java.util.Arrays;

/**
 * Two-sample tests of "drawn from the same distribution" and one-sample tests of "uniform", each with its
 * false-alarm rate near 1e-9, so a failure means a difference and a suite of hundreds of such tests still
 * practically never fails by chance.
 */
public final class SampleTests {
    /** Fewer bytes per sample than this and the byte chi-square is not run (too few per bin). */
    public static final int MIN_BYTES = 2048;
    /** Fewer words per sample than this and the Kolmogorov-Smirnov test is not run. */
    public static final int MIN_WORDS = 256;
    /** Bins with fewer observations than this (both samples) are pooled into one. */
    private static final int MIN_BIN = 10;
    /** Kolmogorov-Smirnov: c(alpha) = sqrt(-ln(alpha / 2) / 2) for alpha = 1e-9. */
    private static final double KS_C = Math.sqrt(-Math.log(0.5e-9) / 2);
    /** Chi-square threshold: the Wilson-Hilferty normal approximation at 6 sigma (about 1e-9). */
    private static final double SIGMAS = 6;

    private SampleTests() {
    }

    /** A statistic, the threshold it must not exceed, and what was compared. */
    public record Result(String test, double statistic, double threshold, long sizeA, long sizeB) {
        public boolean passed() {
            return statistic <= threshold;
        }

        @Override
        public String toString() {
            return String.format("%s = %.4g (threshold %.4g; %d vs %d)", test, statistic, threshold, sizeA, sizeB);
        }
    }

    /** Histogram of the 256 byte values. */
    public static long[] byteHistogram(byte[] data) {
        long[] h = new long[256];
        for (byte b : data) {
            h[b & 0xFF]++;
        }
        return h;
    }

    /**
     * Chi-square test of homogeneity of two byte-value histograms (2 x 256 contingency table; sparse bins
     * pooled), or null when either sample is under {@link #MIN_BYTES} bytes.
     */
    public static Result chiSquareBytes(long[] histA, long[] histB) {
        long na = Arrays.stream(histA).sum();
        long nb = Arrays.stream(histB).sum();
        if (na < MIN_BYTES || nb < MIN_BYTES) {
            return null;
        }
        double chi = 0;
        int bins = 0;
        long poolA = 0;
        long poolB = 0;
        for (int v = 0; v < histA.length; v++) {
            long t = histA[v] + histB[v];
            if (t < MIN_BIN) {
                poolA += histA[v];
                poolB += histB[v];
                continue;
            }
            chi += cell(histA[v], histB[v], na, nb);
            bins++;
        }
        if (poolA + poolB > 0) {
            chi += cell(poolA, poolB, na, nb);
            bins++;
        }
        int df = Math.max(1, bins - 1);
        return new Result("byte chi-square (df " + df + ")", chi, chiSquareThreshold(df), na, nb);
    }

    private static double cell(long a, long b, long na, long nb) {
        double t = a + b;
        double ea = t * na / (na + nb);
        double eb = t * nb / (na + nb);
        return (a - ea) * (a - ea) / ea + (b - eb) * (b - eb) / eb;
    }

    /** Upper 6-sigma point of chi-square with df degrees of freedom (Wilson-Hilferty). */
    static double chiSquareThreshold(int df) {
        double v = 2.0 / (9.0 * df);
        double c = 1 - v + SIGMAS * Math.sqrt(v);
        return df * c * c * c;
    }

    /**
     * Two-sample Kolmogorov-Smirnov test on 64-bit words read as unsigned integers, or null when either
     * sample has fewer than {@link #MIN_WORDS} words. Conservative for discrete data (ties).
     */
    public static Result ksUnsigned(long[] a, long[] b) {
        if (a.length < MIN_WORDS || b.length < MIN_WORDS) {
            return null;
        }
        long[] x = flip(a);
        long[] y = flip(b);
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            long v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] == v) {
                i++;
            }
            while (j < y.length && y[j] == v) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        double threshold = KS_C * Math.sqrt((double) (x.length + y.length) / ((double) x.length * y.length));
        return new Result("Kolmogorov-Smirnov D on unsigned words", d, threshold, a.length, b.length);
    }

    /** Chi-square of a byte-value histogram against the uniform distribution (255 df), or null if too small. */
    public static Result chiSquareUniform(long[] hist) {
        long n = Arrays.stream(hist).sum();
        if (n < MIN_BYTES) {
            return null;
        }
        double e = n / 256.0;
        double chi = 0;
        for (long h : hist) {
            chi += (h - e) * (h - e) / e;
        }
        return new Result("byte chi-square against uniform (df 255)", chi, chiSquareThreshold(255), n, n);
    }

    /** One-sample Kolmogorov-Smirnov test of unsigned words against uniform on [0, 2^64), or null if too small. */
    public static Result ksUniform(long[] a) {
        if (a.length < MIN_WORDS) {
            return null;
        }
        long[] x = flip(a);
        Arrays.sort(x);
        double d = 0;
        double two64 = 0x1p64;
        for (int i = 0; i < x.length; i++) {
            long u = x[i] ^ Long.MIN_VALUE; // back to the unsigned value
            double f = (u >= 0 ? (double) u : two64 + (double) u) / two64;
            d = Math.max(d, Math.max((i + 1.0) / x.length - f, f - (double) i / x.length));
        }
        double threshold = KS_C / Math.sqrt(x.length);
        return new Result("Kolmogorov-Smirnov D against uniform", d, threshold, a.length, a.length);
    }

    /** Flips the sign bit so that signed order is unsigned order. */
    private static long[] flip(long[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] ^ Long.MIN_VALUE;
        }
        return r;
    }
}
