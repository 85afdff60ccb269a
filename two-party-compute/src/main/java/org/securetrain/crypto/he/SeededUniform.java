package org.securetrain.crypto.he;

/**
 * Expansion of a public 16-byte seed into the uniform part "a" of a ciphertext or public key, directly
 * in NTT form (uniform in the NTT domain is uniform in the coefficient domain: the NTT is a bijection).
 * Stream {@code index} gives ciphertext number {@code index} of a batch its own independent a.
 */
final class SeededUniform {
    private SeededUniform() {
    }

    static void expand(RnsBase base, byte[] seed, long index, long[] dst) {
        HePrg prg = new HePrg(seed, index);
        for (int i = 0; i < base.count; i++) {
            prg.uniformMod(base.p[i], dst, i * base.n, base.n);
        }
    }
}
