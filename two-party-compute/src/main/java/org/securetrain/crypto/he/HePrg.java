package org.securetrain.crypto.he;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128-CTR pseudorandom stream (JCA, AES-NI), drawn in bulk: one {@code Cipher.update} per 64 KiB.
 * A (key, stream id) pair defines the stream, so both parties can expand the same public seed into the
 * same uniform polynomial (seeded ciphertexts and public keys); private randomness uses a fresh key from
 * {@link SecureRandom}. The counter starts at (streamId || 0) in the 128-bit IV, so streams with
 * different ids never overlap for less than 2^64 blocks. Not thread-safe.
 */
final class HePrg {
    private static final int CHUNK_BYTES = 64 * 1024;

    private final Cipher cipher;
    private final byte[] zeros = new byte[CHUNK_BYTES];
    private final byte[] buf = new byte[CHUNK_BYTES];
    private final LongBuffer longs = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    private int bytePos = CHUNK_BYTES; // next unread byte in buf; longs are read at 8-byte alignment

    HePrg(byte[] key16, long streamId) {
        if (key16 == null || key16.length != 16) {
            throw new IllegalArgumentException("PRG key must be 16 bytes");
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            byte[] iv = new byte[16];
            for (int i = 0; i < 8; i++) {
                iv[i] = (byte) (streamId >>> (56 - 8 * i));
            }
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key16, "AES"), new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR unavailable", e);
        }
    }

    /** A stream under a fresh random key (private randomness). */
    static HePrg fresh(SecureRandom rnd) {
        byte[] k = new byte[16];
        rnd.nextBytes(k);
        return new HePrg(k, 0);
    }

    private void refill() {
        try {
            int got = cipher.update(zeros, 0, CHUNK_BYTES, buf, 0);
            if (got != CHUNK_BYTES) {
                throw new IllegalStateException("AES-CTR returned " + got + " bytes");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        bytePos = 0;
    }

    void nextLongs(long[] dst, int off, int len) {
        bytePos = (bytePos + 7) & ~7;
        while (len > 0) {
            if (bytePos >= CHUNK_BYTES) {
                refill();
            }
            int avail = (CHUNK_BYTES - bytePos) >>> 3;
            int take = Math.min(avail, len);
            longs.position(bytePos >>> 3);
            longs.get(dst, off, take);
            bytePos += take << 3;
            off += take;
            len -= take;
        }
    }

    long nextLong() {
        bytePos = (bytePos + 7) & ~7;
        if (bytePos >= CHUNK_BYTES) {
            refill();
        }
        long v = longs.get(bytePos >>> 3);
        bytePos += 8;
        return v;
    }

    int nextByte() {
        if (bytePos >= CHUNK_BYTES) {
            refill();
        }
        return buf[bytePos++] & 0xFF;
    }

    void nextBytes(byte[] dst) {
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (byte) nextByte();
        }
    }

    /** Uniform residues mod p (rejection sampling on bitLength(p) bits): dst[off .. off+len). */
    void uniformMod(long p, long[] dst, int off, int len) {
        long mask = -1L >>> Long.numberOfLeadingZeros(p);
        nextLongs(dst, off, len);
        for (int i = off, end = off + len; i < end; i++) {
            long v = dst[i] & mask;
            while (v >= p) {
                v = nextLong() & mask;
            }
            dst[i] = v;
        }
    }

    /** Uniform ternary coefficients in {-1, 0, 1} (byte rejection: 255 is dropped so 255 = 3 * 85). */
    void ternary(long[] dst, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            int b;
            do {
                b = nextByte();
            } while (b == 255);
            dst[i] = b % 3 - 1;
        }
    }

    /** Centered binomial coefficients with parameter eta <= 31: popcount(eta bits) - popcount(eta bits). */
    void centeredBinomial(int eta, long[] dst, int off, int len) {
        if (eta < 1 || eta > 31) {
            throw new IllegalArgumentException("eta must be in [1, 31], got " + eta);
        }
        long mask = (1L << eta) - 1;
        nextLongs(dst, off, len);
        for (int i = off, end = off + len; i < end; i++) {
            long r = dst[i];
            dst[i] = Long.bitCount(r & mask) - Long.bitCount((r >>> eta) & mask);
        }
    }
}
