package org.securetrain.backend;

/** Bit vectors packed LSB-first in long[]: bit i is {@code (w[i >>> 6] >>> (i & 63)) & 1}. */
public final class Bits {
    private Bits() {
    }

    public static long[] allocate(int n) {
        return new long[(n + 63) >>> 6];
    }

    public static int get(long[] w, int i) {
        return (int) ((w[i >>> 6] >>> (i & 63)) & 1);
    }

    public static void set(long[] w, int i, int bit) {
        w[i >>> 6] |= ((long) (bit & 1)) << (i & 63);
    }

    public static long[] xor(long[] a, long[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("bit vector lengths differ: " + a.length + " vs " + b.length + " words");
        }
        long[] c = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] ^ b[i];
        }
        return c;
    }
}
