package org.securetrain.crypto.gc;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.securetrain.crypto.prg.CrHash;
import org.securetrain.crypto.prg.LongBytes;

/**
 * The hash of the half-gates scheme: a multi-instance tweakable circular correlation-robust hash
 * (MITCCRH, Guo, Katz, Wang, Weng, Yu, "Better Concrete Security for Half-Gates Garbling (in the
 * Multi-Instance Setting)", CRYPTO 2020), H_k(x) = π_k(σ(x)) ⊕ σ(x), where π_k is AES-128 under key k
 * and σ is a linear orthomorphism (Guo, Katz, Wang, Yu, S&amp;P 2020); the engines use the lane-local
 * σ of {@link Lanes} (doubling in GF(2^64) per 64-bit half) and pass σ(x) to this class, which
 * applies π_k in bulk. The tweak is the key: every (AND gate, half) of a circuit has its own AES key,
 * and a key is retired after it has hashed {@link #POINTS_PER_KEY} points, so no key ever sees more
 * than 2^16 inputs however long the session runs (see docs/security/gc.md for the bound).
 *
 * <p>Keys: k = AES_F(seed ⊕ (index ‖ generation)), F the project's fixed public key, seed a 128-bit
 * value the garbler draws once per {@link GcProtocol} instance and sends in the clear, index = 2·gate
 * + half. Keys are public (they only need to be distinct); the derivation through AES keeps them
 * unrelated. Expanded keys are cached per (gate, half), so re-keying costs one {@code Cipher.init}
 * (about 1 µs) per 2^16 hashed points; the hashing itself is one ECB call per stream over a pass.
 *
 * <p>Both parties charge the same number of points per use ({@code 2m} for a pass of m elements,
 * the garbler's count), so their key schedules stay identical.
 */
final class GateHash {
    /** Points hashed under one key before it is replaced. */
    static final int POINTS_PER_KEY = 1 << 16;

    private final long seedLo;
    private final long seedHi;
    private final Cipher kdf;
    private final byte[] kdfIn = new byte[16];
    private final byte[] kdfOut = new byte[16];
    private Cipher[] ciphers = new Cipher[0];
    private int[] used = new int[0];
    private long[] generation = new long[0];

    GateHash(long seedLo, long seedHi) {
        this.seedLo = seedLo;
        this.seedHi = seedHi;
        try {
            kdf = Cipher.getInstance("AES/ECB/NoPadding");
            kdf.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(CrHash.fixedKeyBytes(), "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB/NoPadding unavailable in this JRE", e);
        }
    }

    /** The cipher for (gate key, half), charged {@code points} hashed points; re-keyed when its budget is spent. */
    Cipher cipher(int gateKey, int half, int points) {
        int idx = 2 * gateKey + half;
        if (idx >= ciphers.length) {
            int cap = Math.max(idx + 1, ciphers.length * 2);
            ciphers = Arrays.copyOf(ciphers, cap);
            used = Arrays.copyOf(used, cap);
            generation = Arrays.copyOf(generation, cap);
        }
        if (points > POINTS_PER_KEY) {
            throw new IllegalArgumentException("a chunk needs " + points + " points per key, more than " + POINTS_PER_KEY);
        }
        Cipher c = ciphers[idx];
        if (c == null || used[idx] + points > POINTS_PER_KEY) {
            if (c != null) {
                generation[idx]++;
            }
            c = rekey(c, idx, generation[idx]);
            ciphers[idx] = c;
            used[idx] = 0;
        }
        used[idx] += points;
        return c;
    }

    private Cipher rekey(Cipher c, int idx, long gen) {
        try {
            LongBytes.put(kdfIn, 0, seedLo ^ idx);
            LongBytes.put(kdfIn, 8, seedHi ^ gen);
            kdf.doFinal(kdfIn, 0, 16, kdfOut, 0);
            if (c == null) {
                c = Cipher.getInstance("AES/ECB/NoPadding");
            }
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kdfOut, "AES"));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB/NoPadding unavailable in this JRE", e);
        }
    }

    /** One bulk ECB call: {@code len} bytes (a multiple of 16) from in to out. */
    static void ecb(Cipher c, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            int done = c.update(in, inOff, len, out, outOff);
            if (done != len) {
                throw new IllegalStateException("AES/ECB returned " + done + " of " + len + " bytes");
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
