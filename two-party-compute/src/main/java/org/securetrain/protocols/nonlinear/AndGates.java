package org.securetrain.protocols.nonlinear;

import org.securetrain.crypto.ot.flavours.AndTriples;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * A batch of ANDs x AND y_l (l &lt; L) of XOR-shared bits over n elements, all sharing the first
 * operand x, evaluated with Beaver's method on {@link AndTriples}: each party opens d = x XOR a and
 * e_l = y_l XOR b_l (its shares; the triple's uniform a, b_l pad them), and then
 * z_l = c_l XOR d·b_l XOR e_l·a (XOR d·e_l at party 0). Bit-sliced: 64 elements per long.
 * Cost: (1 + L) bits per element each way in one flight, two random COTs per element (one each way).
 */
final class AndGates {
    private final int n;
    private final int width;
    private final AndTriples triples;
    private final int words;
    private long[] myD;
    private long[][] myE;
    private long[] peerD;
    private long[][] peerE;

    AndGates(int n, int width) {
        this.n = n;
        this.width = width;
        this.triples = new AndTriples(n, width);
        this.words = (n + 63) >>> 6;
    }

    int width() {
        return width;
    }

    /** Triples of elements [elemFrom, elemFrom + count) from COTs [cotFrom, cotFrom + count) of both directions of the batch. */
    void absorb(CotPair.Batch batch, CotChannel ch, int cotFrom, int elemFrom, int count) {
        triples.absorb(batch.sent(), cotFrom, batch.received(), cotFrom, ch.cots().hash(), elemFrom, count);
    }

    /** Writes this party's openings of x and y_0 .. y_{L-1} (packed shares). */
    void writeOpenings(long[] x, long[][] y, PackedWriter out) {
        myD = xor(x, triples.a());
        out.bitVector(myD, n);
        myE = new long[width][];
        for (int l = 0; l < width; l++) {
            myE[l] = xor(y[l], triples.b(l));
            out.bitVector(myE[l], n);
        }
    }

    void readOpenings(PackedReader in) {
        peerD = new long[words];
        in.bitVector(peerD, n);
        peerE = new long[width][words];
        for (int l = 0; l < width; l++) {
            in.bitVector(peerE[l], n);
        }
    }

    /** This party's shares of x AND y_l, after both openings are in. */
    long[][] outputs(int party) {
        long[][] z = new long[width][words];
        long[] a = triples.a();
        for (int l = 0; l < width; l++) {
            long[] b = triples.b(l);
            long[] c = triples.c(l);
            long[] zl = z[l];
            for (int k = 0; k < words; k++) {
                long d = myD[k] ^ peerD[k];
                long e = myE[l][k] ^ peerE[l][k];
                long v = c[k] ^ (d & b[k]) ^ (e & a[k]);
                if (party == 0) {
                    v ^= d & e;
                }
                zl[k] = v;
            }
        }
        return z;
    }

    private long[] xor(long[] u, long[] v) {
        long[] r = new long[words];
        for (int k = 0; k < words; k++) {
            r[k] = u[k] ^ v[k];
        }
        return r;
    }
}
