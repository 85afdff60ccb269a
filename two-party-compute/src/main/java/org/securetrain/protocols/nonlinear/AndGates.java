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
 * Cost: (1 + L) bits per element each way in one flight, two random COTs per element and group of
 * up to 64 second operands (one each way).
 */
final class AndGates {
    private static final int GROUP = 64;
    private final int n;
    private final int width;
    private final AndTriples[] triples; // groups of up to 64 second operands, each with its own a
    private final int words;
    private long[][] myD;
    private long[][] myE;
    private long[][] peerD;
    private long[][] peerE;

    AndGates(int n, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("need at least one AND per element, got " + width);
        }
        this.n = n;
        this.width = width;
        this.triples = new AndTriples[(width + GROUP - 1) / GROUP];
        for (int g = 0; g < triples.length; g++) {
            triples[g] = new AndTriples(n, Math.min(GROUP, width - g * GROUP));
        }
        this.words = (n + 63) >>> 6;
    }

    int width() {
        return width;
    }

    /** Random COTs per element in each direction. */
    int cotsPerElement() {
        return triples.length;
    }

    /** Triples of elements [elemFrom, elemFrom + count) from both directions' COTs of the batch, from cotFrom on. */
    void absorb(CotPair.Batch batch, CotChannel ch, int cotFrom, int elemFrom, int count) {
        for (int g = 0; g < triples.length; g++) {
            triples[g].absorb(batch.sent(), cotFrom + g * count, batch.received(), cotFrom + g * count,
                    ch.cots().hash(), elemFrom, count);
        }
    }

    /** Draws its own random COTs (both parties at the same point). */
    void prepare(CotChannel ch) {
        int chunk = Math.max(64, CotChannel.CHUNK_COTS / triples.length);
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            CotPair.Batch b = ch.cots().fetch(count * triples.length, count * triples.length);
            absorb(b, ch, 0, from, count);
        }
    }

    /** Writes this party's openings of x and y_0 .. y_{L-1} (packed shares, n bits each). */
    void writeOpenings(long[] x, long[][] y, PackedWriter out) {
        myD = new long[triples.length][];
        myE = new long[width][];
        for (int g = 0; g < triples.length; g++) {
            myD[g] = xor(x, triples[g].a());
            out.bitVector(myD[g], n);
        }
        for (int l = 0; l < width; l++) {
            myE[l] = xor(y[l], triples[l / GROUP].b(l % GROUP));
            out.bitVector(myE[l], n);
        }
    }

    void readOpenings(PackedReader in) {
        peerD = new long[triples.length][words];
        for (int g = 0; g < triples.length; g++) {
            in.bitVector(peerD[g], n);
        }
        peerE = new long[width][words];
        for (int l = 0; l < width; l++) {
            in.bitVector(peerE[l], n);
        }
    }

    /** This party's shares of x AND y_l, after both openings are in. */
    long[][] outputs(int party) {
        long[][] z = new long[width][words];
        for (int l = 0; l < width; l++) {
            AndTriples t = triples[l / GROUP];
            long[] a = t.a();
            long[] b = t.b(l % GROUP);
            long[] c = t.c(l % GROUP);
            long[] md = myD[l / GROUP];
            long[] pd = peerD[l / GROUP];
            long[] zl = z[l];
            for (int k = 0; k < words; k++) {
                long d = md[k] ^ pd[k];
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
