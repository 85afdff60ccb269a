package org.securetrain.crypto.ot;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolViolationException;

/**
 * Batched random 1-out-of-2 base OT: the protocol of Chou and Orlandi, "The Simplest Protocol for
 * Oblivious Transfer" (LATINCRYPT 2015, ePrint 2015/267), over the NIST P-256 group with Bouncy
 * Castle's curve arithmetic (not SunEC, which is 13x slower here).
 *
 * <pre>
 *   sender                                   receiver (choice c_j, j = 0..count-1)
 *   a &lt;- Z_q*, A = aG      ---- A ---->
 *                                            b_j &lt;- Z_q*, B_j = b_j G + c_j A
 *                          &lt;--- B_0..B_{count-1} ----
 *   k_j^0 = H(j, A, B_j, a B_j)              k_j^{c_j} = H(j, A, B_j, b_j A)
 *   k_j^1 = H(j, A, B_j, a (B_j - A))
 * </pre>
 * H is SHA-256 with a domain-separation prefix, truncated to 16 bytes (the keys seed PRGs). One
 * message per direction for the whole batch: two flights in total.
 *
 * <p>Security (semi-honest, our threat model): B_j is uniform whatever c_j is (b_j is uniform), so the
 * sender's view is independent of the choices (perfectly). The receiver knows b_j with
 * B_j = b_j G + c_j A; the group element behind the other key is b_j A - aA (if c_j = 0) or
 * b_j A + aA (if c_j = 1), so computing it from A, B_j and b_j amounts to computing aA = a²G from
 * A = aG: hard under the computational Diffie-Hellman assumption on P-256 (square-DH is equivalent
 * to CDH). With H modelled as a random oracle the unchosen key is then pseudorandom. Caveats of this protocol (see also
 * docs/security/ot.md): the original UC-security proof against malicious parties is flawed (the
 * simulator cannot extract the receiver's choice in all cases; Genç, Iovino and Rial, ePrint 2017/370,
 * and Hauck and Loss, ePrint 2017/1011); with one A reused across the batch the index j and the
 * transcript (A, B_j) must be hashed in so that keys of different indices are unrelated (done here);
 * we check that every received point is on the curve and not the identity (and that A is not, so
 * a = 0 style degenerate messages are rejected). None of these caveats affects semi-honest security.
 */
public final class ChouOrlandiBaseOt {
    /** Length of each output key. */
    public static final int KEY_BYTES = 16;
    /** Compressed SEC1 encoding of a P-256 point. */
    static final int POINT_BYTES = 33;

    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECCurve CURVE = P256.getCurve();
    private static final ECPoint G = P256.getG();
    private static final BigInteger ORDER = P256.getN();
    private static final byte[] DOMAIN = "securetrain/ot/base/chou-orlandi-p256/v1".getBytes(StandardCharsets.UTF_8);

    private ChouOrlandiBaseOt() {
    }

    /**
     * Sender side of {@code count} random OTs on {@code ch}. Returns keys[0][j] and keys[1][j], 16 bytes
     * each; the receiver learns exactly keys[c_j][j].
     */
    public static byte[][][] send(Channel ch, int count, SecureRandom rnd) {
        checkCount(count);
        BigInteger a = randomScalar(rnd);
        ECPoint aPoint = new FixedPointCombMultiplier().multiply(G, a).normalize();
        byte[] aEnc = aPoint.getEncoded(true);
        byte[] bEnc = new byte[count * POINT_BYTES];
        try (var st = ch.step("ot.base")) {
            ch.send(aEnc);
            ch.receive(bEnc, 0, bEnc.length);
        }
        ECPoint aa = aPoint.multiply(a).normalize(); // a·A, so that a(B - A) = aB - aA
        MessageDigest sha = sha256();
        byte[][][] keys = new byte[2][count][];
        ECPoint[] p = new ECPoint[2 * count];
        for (int j = 0; j < count; j++) {
            ECPoint b = decode(Arrays.copyOfRange(bEnc, j * POINT_BYTES, (j + 1) * POINT_BYTES), "receiver's point B_" + j);
            p[2 * j] = b.multiply(a);
            p[2 * j + 1] = p[2 * j].subtract(aa);
        }
        CURVE.normalizeAll(p); // one field inversion for the batch
        for (int j = 0; j < count; j++) {
            byte[] bj = Arrays.copyOfRange(bEnc, j * POINT_BYTES, (j + 1) * POINT_BYTES);
            keys[0][j] = kdf(sha, j, aEnc, bj, p[2 * j]);
            keys[1][j] = kdf(sha, j, aEnc, bj, p[2 * j + 1]);
        }
        return keys;
    }

    /**
     * Receiver side of {@code count} random OTs on {@code ch} with choice bits packed LSB-first in
     * {@code choices}. Returns keys[j] = the sender's keys[c_j][j].
     */
    public static byte[][] receive(Channel ch, long[] choices, int count, SecureRandom rnd) {
        checkCount(count);
        if (choices.length < (count + 63) >>> 6) {
            throw new IllegalArgumentException("choices hold " + choices.length * 64L + " bits, need " + count);
        }
        byte[] aEnc = new byte[POINT_BYTES];
        BigInteger[] b = new BigInteger[count];
        ECPoint[] bG = new ECPoint[count];
        FixedPointCombMultiplier comb = new FixedPointCombMultiplier();
        // The b_j G do not depend on A: compute them before waiting for the sender.
        for (int j = 0; j < count; j++) {
            b[j] = randomScalar(rnd);
            bG[j] = comb.multiply(G, b[j]);
        }
        byte[] bEnc = new byte[count * POINT_BYTES];
        ECPoint aPoint;
        try (var st = ch.step("ot.base")) {
            ch.receive(aEnc, 0, POINT_BYTES);
            aPoint = decode(aEnc, "sender's point A");
            ECPoint[] bj = new ECPoint[count];
            for (int j = 0; j < count; j++) {
                boolean c = (choices[j >>> 6] >>> (j & 63) & 1) != 0;
                bj[j] = c ? bG[j].add(aPoint) : bG[j];
            }
            CURVE.normalizeAll(bj); // one field inversion for the batch
            for (int j = 0; j < count; j++) {
                System.arraycopy(bj[j].getEncoded(true), 0, bEnc, j * POINT_BYTES, POINT_BYTES);
            }
            ch.send(bEnc);
        }
        // All b_j A multiply the same point: a comb table for A (built once) makes them fixed-base.
        ECPoint[] p = new ECPoint[count];
        for (int j = 0; j < count; j++) {
            p[j] = comb.multiply(aPoint, b[j]);
        }
        CURVE.normalizeAll(p);
        MessageDigest sha = sha256();
        byte[][] keys = new byte[count][];
        for (int j = 0; j < count; j++) {
            keys[j] = kdf(sha, j, aEnc, Arrays.copyOfRange(bEnc, j * POINT_BYTES, (j + 1) * POINT_BYTES), p[j]);
        }
        return keys;
    }

    private static void checkCount(int count) {
        if (count < 1 || count > 1 << 16) {
            throw new IllegalArgumentException("base OT count must be in [1, 65536], got " + count);
        }
    }

    private static BigInteger randomScalar(SecureRandom rnd) {
        return BigIntegers.createRandomInRange(BigInteger.ONE, ORDER.subtract(BigInteger.ONE), rnd);
    }

    private static ECPoint decode(byte[] enc, String what) {
        ECPoint p;
        try {
            p = CURVE.decodePoint(enc);
        } catch (RuntimeException e) {
            throw new ProtocolViolationException("base OT: " + what + " is not a valid P-256 point: " + e.getMessage());
        }
        if (p.isInfinity() || !p.isValid()) {
            throw new ProtocolViolationException("base OT: " + what + " is the identity or not on P-256");
        }
        return p;
    }

    private static byte[] kdf(MessageDigest sha, int j, byte[] a, byte[] b, ECPoint p) {
        sha.reset();
        sha.update(DOMAIN);
        sha.update(new byte[] {(byte) (j >>> 24), (byte) (j >>> 16), (byte) (j >>> 8), (byte) j});
        sha.update(a);
        sha.update(b);
        sha.update(p.getEncoded(true)); // identity only if a malicious receiver sends B_j = A; harmless
        return Arrays.copyOf(sha.digest(), KEY_BYTES);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
