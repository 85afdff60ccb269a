package org.securetrain.crypto.prg;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * π, AES-128 under a fixed public key, modelled as a random permutation: the block function of the
 * correlation-robust hashes ({@link CrHash}) and of the Half-Tree GGM expansion. One instance owns one
 * JCA cipher in ECB mode and runs it over whole byte buffers, so a caller batches its blocks into one call.
 *
 * <p>Not thread-safe (owns a Cipher): one instance per thread or protocol instance.
 */
public final class FixedKeyAes {
    /** The fixed public AES key: the first 16 bytes of SHA-256 of a constant string (nothing up the sleeve). */
    static final byte[] KEY = key();

    private final Cipher ecb;

    public FixedKeyAes() {
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB/NoPadding unavailable in this JRE", e);
        }
    }

    private static byte[] key() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest("SecureTrain fixed-key AES for correlation-robust hashing, v1".getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(h, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** π on each of the first {@code blocks} 16-byte blocks of {@code in}, into the same positions of {@code out}. */
    public void permute(byte[] in, byte[] out, int blocks) {
        try {
            int n = ecb.update(in, 0, blocks << 4, out, 0);
            if (n != blocks << 4) {
                throw new IllegalStateException("AES-ECB produced " + n + " of " + (blocks << 4) + " bytes");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("fixed-key AES failed", e);
        }
    }
}
