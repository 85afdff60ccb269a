package org.securetrain.crypto.prg;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pseudorandom generator: AES-128 in counter mode through the JCA (AES-NI / VAES intrinsics), keyed
 * by a 16-byte seed, counter starting at zero. The output stream is the AES-CTR keystream (CTR
 * encryption of zeros); a given seed always yields the same stream, which is what the OT extension
 * needs (both parties expand the same base-OT seed to the same column).
 *
 * <p>Keystream is produced in large chunks (one {@code Cipher.update} per buffer, 64 KiB by default)
 * and handed out as little-endian longs; never one cipher call per value. Security: the stream is
 * indistinguishable from random as long as AES-128 is a PRF and fewer than 2^64 blocks are drawn from
 * one seed (the 128-bit counter never wraps in practice).
 *
 * <p>Not thread-safe: one generator per thread or protocol instance.
 */
public final class Prg {
    /** Seed (AES key) length in bytes. */
    public static final int SEED_BYTES = 16;
    /** Default keystream buffer: 64 KiB per cipher call. */
    public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

    /** Zeros to encrypt; CTR encryption of zeros is the keystream. Read-only, shared. */
    private static final byte[] ZEROS = new byte[DEFAULT_BUFFER_BYTES];

    private final Cipher ctr;
    private final byte[] buf;
    /** Next unread byte of {@link #buf}; always a multiple of 8; buf.length means empty. */
    private int pos;

    /** A generator expanding {@code seed} (16 bytes) with the default 64 KiB buffer. */
    public Prg(byte[] seed) {
        this(seed, DEFAULT_BUFFER_BYTES);
    }

    /**
     * A generator expanding {@code seed}; {@code bufferBytes} (a multiple of 16 in [16, 65536]) is the
     * keystream produced per cipher call. Small buffers suit many concurrent generators that each
     * produce little (e.g. the 256 column generators of one OT-extension instance).
     */
    public Prg(byte[] seed, int bufferBytes) {
        Objects.requireNonNull(seed, "seed");
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("PRG seed must be " + SEED_BYTES + " bytes, got " + seed.length);
        }
        if (bufferBytes < 16 || bufferBytes > DEFAULT_BUFFER_BYTES || (bufferBytes & 15) != 0) {
            throw new IllegalArgumentException("bufferBytes must be a multiple of 16 in [16, 65536], got " + bufferBytes);
        }
        try {
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR/NoPadding unavailable in this JRE", e);
        }
        buf = new byte[bufferBytes];
        pos = bufferBytes;
    }

    /** A generator with a fresh seed drawn from {@code rnd}. */
    public static Prg fromSecureRandom(SecureRandom rnd) {
        return new Prg(newSeed(rnd));
    }

    /** A fresh 16-byte seed from {@code rnd}. */
    public static byte[] newSeed(SecureRandom rnd) {
        byte[] s = new byte[SEED_BYTES];
        rnd.nextBytes(s);
        return s;
    }

    private void refill() {
        try {
            int n = ctr.update(ZEROS, 0, buf.length, buf, 0);
            if (n != buf.length) {
                throw new IllegalStateException("AES-CTR produced " + n + " of " + buf.length + " bytes");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR keystream generation failed", e);
        }
        pos = 0;
    }

    /** Fills dst[off .. off+len) with uniform 64-bit values (uniform mod 2^64). */
    public void fill(long[] dst, int off, int len) {
        next(dst, off, len, false);
    }

    /** XORs the next len values into dst[off .. off+len) (saves a temporary in OT extension). */
    public void xorInto(long[] dst, int off, int len) {
        next(dst, off, len, true);
    }

    /** The next len values of the stream, written to ({@code xor}: XORed into) dst[off .. off+len). */
    private void next(long[] dst, int off, int len, boolean xor) {
        Objects.checkFromIndexSize(off, len, dst.length);
        while (len > 0) {
            if (pos == buf.length) {
                refill();
            }
            int take = Math.min(len, (buf.length - pos) >>> 3);
            if (xor) {
                for (int k = 0; k < take; k++) {
                    dst[off + k] ^= LongBytes.get(buf, pos + (k << 3));
                }
            } else {
                LongBytes.toLongs(buf, pos, dst, off, take);
            }
            pos += take << 3;
            off += take;
            len -= take;
        }
    }

    /** n uniform values mod 2^64. */
    public long[] nextLongs(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        long[] out = new long[n];
        fill(out, 0, n);
        return out;
    }

    /** One uniform value mod 2^64 (buffered: no cipher call per value). */
    public long nextLong() {
        if (pos == buf.length) {
            refill();
        }
        long v = LongBytes.get(buf, pos);
        pos += 8;
        return v;
    }

    /**
     * nBits uniform bits packed LSB-first into dst[0 .. ceil(nBits/64)); bit i is
     * {@code dst[i >>> 6] >>> (i & 63) & 1}. The unused high bits of the last word are zero.
     */
    public void fillBits(long[] dst, int nBits) {
        if (nBits < 0) {
            throw new IllegalArgumentException("nBits must be >= 0, got " + nBits);
        }
        int words = (nBits + 63) >>> 6;
        if (dst.length < words) {
            throw new IllegalArgumentException("bit array holds " + dst.length + " words, " + nBits + " bits need " + words);
        }
        fill(dst, 0, words);
        if ((nBits & 63) != 0) {
            dst[words - 1] &= (1L << (nBits & 63)) - 1;
        }
    }

    /** nBits uniform bits, packed as in {@link #fillBits}. */
    public long[] nextBits(int nBits) {
        long[] out = new long[(Math.max(nBits, 0) + 63) >>> 6];
        fillBits(out, nBits);
        return out;
    }

    /** A 16-byte seed drawn from this stream (for deriving child generators). */
    public byte[] nextSeed() {
        return LongBytes.block(nextLong(), nextLong());
    }
}
