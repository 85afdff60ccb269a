package org.securetrain.crypto.he;

/**
 * RLWE public key (b, a) = (-a*s + e, a), both in NTT form; a is expanded from a 16-byte public seed so
 * only the seed and b cross the wire. The multiplying party uses it solely to re-randomise returned
 * ciphertexts (adding an encryption of zero) so that their second component does not reveal its
 * plaintext multiplier (see docs/security/he.md).
 */
final class PublicKey {
    final byte[] seed;
    final long[] aNtt;
    final long[] bNtt;

    PublicKey(byte[] seed, long[] aNtt, long[] bNtt) {
        this.seed = seed.clone();
        this.aNtt = aNtt;
        this.bNtt = bNtt;
    }

    /** Stream id of the public key's uniform part (ciphertext indices are non-negative and differ). */
    static final long PK_STREAM = -1L;

    long[] toWire(RnsBase base) {
        int words = 2;
        for (int i = 0; i < base.count; i++) {
            words += BitPacking.words(base.n, bitsOf(base.p[i]));
        }
        long[] w = new long[words];
        w[0] = bytesToLong(seed, 0);
        w[1] = bytesToLong(seed, 8);
        int off = 2;
        for (int i = 0; i < base.count; i++) {
            off += BitPacking.pack(bNtt, i * base.n, base.n, bitsOf(base.p[i]), w, off);
        }
        return w;
    }

    static PublicKey fromWire(RnsBase base, long[] w) {
        int expected = 2;
        for (int i = 0; i < base.count; i++) {
            expected += BitPacking.words(base.n, bitsOf(base.p[i]));
        }
        if (w.length != expected) {
            throw new IllegalArgumentException("public key message has " + w.length + " words, expected " + expected);
        }
        byte[] seed = new byte[16];
        longToBytes(w[0], seed, 0);
        longToBytes(w[1], seed, 8);
        long[] b = new long[base.polyLength()];
        int off = 2;
        for (int i = 0; i < base.count; i++) {
            off += BitPacking.unpack(w, off, base.n, bitsOf(base.p[i]), b, i * base.n);
            for (int j = 0; j < base.n; j++) {
                if (b[i * base.n + j] >= base.p[i]) {
                    throw new IllegalArgumentException("public key residue not reduced mod p_" + i);
                }
            }
        }
        long[] a = new long[base.polyLength()];
        SeededUniform.expand(base, seed, PK_STREAM, a);
        return new PublicKey(seed, a, b);
    }

    static int bitsOf(long p) {
        return 64 - Long.numberOfLeadingZeros(p);
    }

    static long bytesToLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    static void longToBytes(long v, byte[] b, int off) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
