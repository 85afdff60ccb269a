package org.securetrain.crypto.ot.flavours;

import org.securetrain.crypto.prg.CrHash;

/**
 * Boolean AND triples with a shared first operand, bit-sliced over n elements: XOR shares of a and of
 * b_1 .. b_L with c_l = a AND b_l, made locally from one random COT in each direction per element (no
 * messages). With a = a0 XOR a1 and b_l = b_l0 XOR b_l1, a·b_l = a0·b_l0 XOR a1·b_l1 XOR a0·b_l1 XOR a1·b_l0;
 * each cross term is a random OT: in the COT where party p sends, its hashed messages
 * u = H(q) and u' = H(q XOR delta) (L bits) define b_lp = bit l of u XOR u', and the receiver, whose
 * random choice bit is its share of a, gets H(t) = u XOR a_{1-p}·(u XOR u') (bit l of a_{1-p}·b_lp, XOR u).
 * So party p holds c_lp = a_p·b_lp XOR (bit l of u, its own sent COT) XOR (bit l of H(t), its received COT).
 * Sharing the operand a lets one COT pair serve L ANDs (the millionaire's eq_hi AND (lt_lo, eq_lo)).
 *
 * <p>Security: each party's shares come from its own random choice bits and hashes the other cannot
 * predict (TCCR with unknown delta); a triple is used once, in a Beaver AND that opens a XOR x and
 * b_l XOR y_l, which are one-time padded by the uniform a, b_l.
 */
public final class AndTriples {
    private final int n;
    private final int width;
    private final long[] a;
    private final long[][] b;
    private final long[][] c;

    /** Room for triples of n elements with L = {@code width} second operands (1..64). */
    public AndTriples(int n, int width) {
        if (n < 0 || width < 1 || width > 64) {
            throw new IllegalArgumentException("need n >= 0 and 1..64 second operands, got n=" + n + ", L=" + width);
        }
        this.n = n;
        this.width = width;
        int words = (n + 63) >>> 6;
        this.a = new long[words];
        this.b = new long[width][words];
        this.c = new long[width][words];
    }

    public int size() {
        return n;
    }

    public int width() {
        return width;
    }

    /** This party's share of a (packed, n bits). */
    public long[] a() {
        return a;
    }

    /** This party's share of b_l (packed). */
    public long[] b(int l) {
        return b[l];
    }

    /** This party's share of c_l = a AND b_l (packed). */
    public long[] c(int l) {
        return c[l];
    }

    /**
     * Makes the triples of elements [elemFrom, elemFrom + count): element elemFrom + i uses COT
     * {@code sentFrom + i} of {@code sent} (this party sends) and {@code receivedFrom + i} of
     * {@code received} (this party receives); both batches come from one {@link CotPair} fetch or from
     * fetches made at the same point by both parties.
     */
    public void absorb(SenderCots sent, int sentFrom, ReceiverCots received, int receivedFrom, CrHash h, int elemFrom,
            int count) {
        long[] u0 = new long[count];
        long[] u1 = new long[count];
        long[] ht = new long[count];
        sent.hash(h, sentFrom, count, false, u0, 0, true);
        sent.hash(h, sentFrom, count, true, u1, 0, true);
        received.hash(h, receivedFrom, count, ht, 0, true);
        for (int i = 0; i < count; i++) {
            int e = elemFrom + i;
            long ai = received.bit(receivedFrom + i);
            long bb = u0[i] ^ u1[i];
            long cc = (bb & -ai) ^ u0[i] ^ ht[i];
            a[e >>> 6] |= ai << (e & 63);
            for (int l = 0; l < width; l++) {
                b[l][e >>> 6] |= (bb >>> l & 1) << (e & 63);
                c[l][e >>> 6] |= (cc >>> l & 1) << (e & 63);
            }
        }
    }
}
