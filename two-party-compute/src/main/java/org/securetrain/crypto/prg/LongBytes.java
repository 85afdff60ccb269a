package org.securetrain.crypto.prg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian views between {@code long[]} and {@code byte[]}, the glue between ring/bit data held in
 * {@code long[]} and the JCA ciphers that work on {@code byte[]}. A 128-bit block is the pair
 * (lo, hi) of longs; its 16-byte form is lo then hi, each little-endian. The VarHandle accesses compile
 * to plain unaligned 64-bit loads and stores.
 */
public final class LongBytes {
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LongBytes() {
    }

    public static long get(byte[] b, int off) {
        return (long) LE.get(b, off);
    }

    public static void put(byte[] b, int off, long v) {
        LE.set(b, off, v);
    }

    /** dst[dstOff + k] = little-endian long at src[srcOff + 8k], k in [0, len). */
    public static void toLongs(byte[] src, int srcOff, long[] dst, int dstOff, int len) {
        for (int k = 0; k < len; k++) {
            dst[dstOff + k] = (long) LE.get(src, srcOff + (k << 3));
        }
    }

    /** Writes src[srcOff .. srcOff+len) little-endian into dst from dstOff. */
    public static void toBytes(long[] src, int srcOff, byte[] dst, int dstOff, int len) {
        for (int k = 0; k < len; k++) {
            LE.set(dst, dstOff + (k << 3), src[srcOff + k]);
        }
    }

    /** A fresh 16-byte array holding the block (lo, hi). */
    public static byte[] block(long lo, long hi) {
        byte[] b = new byte[16];
        put(b, 0, lo);
        put(b, 8, hi);
        return b;
    }
}
