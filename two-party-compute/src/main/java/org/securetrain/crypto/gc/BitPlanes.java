package org.securetrain.crypto.gc;

import java.util.Objects;

/**
 * Packing between per-element integers and "bit planes" (the layout of circuit inputs and outputs):
 * plane i holds bit i of every element, element e at bit {@code e & 63} of word {@code e >>> 6}, and
 * plane i starts at word {@code i * words(n)}. Conversion uses a 64x64 bit-matrix transpose per block
 * of 64 elements, not a loop per bit.
 */
public final class BitPlanes {
    private BitPlanes() {
    }

    /** Words per plane of n elements: ceil(n / 64). */
    public static int words(int n) {
        return (n + 63) >>> 6;
    }

    /** Mask of the valid bits in the last word of a plane of n elements (all ones if n is a multiple of 64). */
    public static long lastWordMask(int n) {
        int r = n & 63;
        return r == 0 ? -1L : (1L << r) - 1;
    }

    /** Bit e of a packed bit vector. */
    public static int bit(long[] bits, int e) {
        return (int) (bits[e >>> 6] >>> (e & 63)) & 1;
    }

    /** The low {@code bits} bits of each value as {@code bits} planes over {@code values.length} elements. */
    public static long[] fromLongs(long[] values, int bits) {
        Objects.requireNonNull(values, "values");
        int n = values.length;
        long[] planes = new long[bits * words(n)];
        fromLongs(values, bits, planes, 0);
        return planes;
    }

    /** Writes the low {@code bits} bits of each value as planes {@code firstPlane ..} of {@code dst}. */
    public static void fromLongs(long[] values, int bits, long[] dst, int firstPlane) {
        if (bits < 0 || bits > 64) {
            throw new IllegalArgumentException("bits must be in [0, 64], got " + bits);
        }
        int n = values.length;
        int words = words(n);
        long[] t = new long[64];
        for (int blk = 0; blk < words; blk++) {
            int base = blk << 6;
            int cnt = Math.min(64, n - base);
            System.arraycopy(values, base, t, 0, cnt);
            for (int i = cnt; i < 64; i++) {
                t[i] = 0;
            }
            transpose64(t);
            for (int i = 0; i < bits; i++) {
                dst[(firstPlane + i) * words + blk] = t[i];
            }
        }
    }

    /**
     * Reassembles n values from {@code bits} planes starting at {@code firstPlane} (bits above
     * {@code bits} are zero; callers sign-extend if they need to).
     */
    public static long[] toLongs(long[] planes, int firstPlane, int bits, int n) {
        if (bits < 0 || bits > 64) {
            throw new IllegalArgumentException("bits must be in [0, 64], got " + bits);
        }
        int words = words(n);
        if (planes.length < (long) (firstPlane + bits) * words) {
            throw new IllegalArgumentException("planes hold " + planes.length + " words, need "
                    + (long) (firstPlane + bits) * words);
        }
        long[] out = new long[n];
        long[] t = new long[64];
        for (int blk = 0; blk < words; blk++) {
            for (int i = 0; i < 64; i++) {
                t[i] = i < bits ? planes[(firstPlane + i) * words + blk] : 0;
            }
            transpose64(t);
            int base = blk << 6;
            int cnt = Math.min(64, n - base);
            System.arraycopy(t, 0, out, base, cnt);
        }
        return out;
    }

    /**
     * In-place transpose of a 64x64 bit matrix, row i = a[i], column j = bit j (LSB first): afterwards
     * bit j of a[i] is the former bit i of a[j]. Recursive block swaps, 6 levels of 32 word pairs.
     */
    static void transpose64(long[] a) {
        long m = 0x00000000FFFFFFFFL;
        for (int j = 32; j != 0; j >>>= 1, m ^= m << j) {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
                long t = ((a[k] >>> j) ^ a[k | j]) & m;
                a[k] ^= t << j;
                a[k | j] ^= t;
            }
        }
    }

    /** Copies {@code len} bits from {@code src} at bit {@code srcPos} to {@code dst} at bit {@code dstPos}. */
    public static void copyBits(long[] src, long srcPos, long[] dst, long dstPos, long len) {
        if ((srcPos & 63) == 0 && (dstPos & 63) == 0) {
            int full = (int) (len >>> 6);
            System.arraycopy(src, (int) (srcPos >>> 6), dst, (int) (dstPos >>> 6), full);
            srcPos += 64L * full;
            dstPos += 64L * full;
            len -= 64L * full;
        }
        while (len > 0) {
            int k = (int) Math.min(64, len);
            writeBits(dst, dstPos, k, readBits(src, srcPos, k));
            srcPos += k;
            dstPos += k;
            len -= k;
        }
    }

    /** {@code len} (1..64) bits of {@code a} starting at bit {@code pos}, in the low bits of the result. */
    static long readBits(long[] a, long pos, int len) {
        int w = (int) (pos >>> 6);
        int s = (int) (pos & 63);
        long v = a[w] >>> s;
        if (s != 0 && s + len > 64) {
            v |= a[w + 1] << (64 - s);
        }
        return len == 64 ? v : v & ((1L << len) - 1);
    }

    /** Overwrites {@code len} (1..64) bits of {@code a} at bit {@code pos} with the low bits of v. */
    static void writeBits(long[] a, long pos, int len, long v) {
        long mask = len == 64 ? -1L : (1L << len) - 1;
        v &= mask;
        int w = (int) (pos >>> 6);
        int s = (int) (pos & 63);
        a[w] = (a[w] & ~(mask << s)) | (v << s);
        if (s != 0 && s + len > 64) {
            int hiBits = s + len - 64;
            long hiMask = (1L << hiBits) - 1;
            a[w + 1] = (a[w + 1] & ~hiMask) | (v >>> (64 - s));
        }
    }
}
