package org.securetrain.layermath;

import java.util.Random;

/** Additive sharing and reconstruction of test values mod 2^64. */
public final class TestShares {
    private TestShares() {
    }

    /** Uniform random shares {x0, x1} with x0 + x1 = x. */
    public static long[][] split(long[] x, Random r) {
        long[] a = new long[x.length], b = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = r.nextLong();
            b[i] = x[i] - a[i];
        }
        return new long[][] {a, b};
    }

    public static long[] join(long[] a, long[] b) {
        long[] c = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }
}
