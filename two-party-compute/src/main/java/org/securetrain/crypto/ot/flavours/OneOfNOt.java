package org.securetrain.crypto.ot.flavours;

import org.securetrain.crypto.prg.CrHash;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * 1-out-of-N OT of short messages (N = 2^w, entries of o bits, N·o &lt;= 128) from w random COTs, for
 * n elements that each run the same list of OTs with widths w_0 .. w_{L-1} (the millionaire's leaves).
 * Construction (Naor and Pinkas, "Computationally secure oblivious transfer", J. Cryptology 2005:
 * 1-out-of-N from log N 1-out-of-2 OTs and a PRF): bit k of an OT's index selects S_k^0 = H(q_k) or
 * S_k^1 = H(q_k XOR delta), 128-bit TCCR outputs used as a PRF whose value at index v is segment v
 * (bits [o·v, o·v + o)); the pad of index v is the XOR over k of segment v of S_k^{v_k}.
 *
 * <p>The receiver's random COT choices form a random index R; it knows S_k^{R_k} only, hence the pad of R
 * only. For v != R some k has v_k != R_k, and segment v of S_k^{1 - R_k} (pseudorandom to the receiver:
 * TCCR with unknown delta) enters no other index's pad, so all other pads are jointly uniform to it.
 * To choose index y the receiver sends e = y XOR R (w bits, uniform to the sender since R is); the
 * sender sends C[v] = pad[v] XOR T[v XOR e] for all v, and the receiver reads T[y] = C[R] XOR pad[R].
 * Communication per OT: w bits from the receiver, N·o bits from the sender, two flights.
 */
public final class OneOfNOt {
    private final int[] widths;
    private final int[] cotOffset;
    private final int cotsPerElement;
    private final int o;
    private final int n;
    private final int ots;
    private final boolean wide; // some OT needs more than 64 table bits

    /** n elements, each with OTs of the given index widths (1..7) and o-bit entries (o a power of two, &lt;= 64). */
    public OneOfNOt(int n, int[] widths, int o) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (widths.length == 0 || o < 1 || o > 64 || Integer.bitCount(o) != 1) {
            throw new IllegalArgumentException("need at least one OT and entries of 1, 2, 4, .., 64 bits (segments"
                    + " must not straddle words), got " + widths.length + " OTs of " + o + " bits");
        }
        this.widths = widths.clone();
        this.cotOffset = new int[widths.length];
        int off = 0;
        boolean w128 = false;
        for (int j = 0; j < widths.length; j++) {
            int w = widths[j];
            if (w < 1 || w > 7 || (o << w) > 128) {
                throw new IllegalArgumentException("1-out-of-2^" + w + " OT of " + o + "-bit entries does not fit in"
                        + " one 128-bit hash (need 1 <= w and 2^w·o <= 128)");
            }
            w128 |= (o << w) > 64;
            cotOffset[j] = off;
            off += w;
        }
        this.cotsPerElement = off;
        this.o = o;
        this.n = n;
        this.ots = widths.length;
        this.wide = w128;
    }

    /** Random COTs each element consumes (in the direction chooser -> table owner is the COT receiver). */
    public int cotsPerElement() {
        return cotsPerElement;
    }

    public int entryBits() {
        return o;
    }

    public int width(int ot) {
        return widths[ot];
    }

    /** Bits of OT j's table: 2^w_j · o. */
    public int tableBits(int ot) {
        return o << widths[ot];
    }

    /** Segment mask of index bit k (segments of o bits, 2^w of them), low and high word. */
    static long[] indexMask(int w, int o, int k) {
        long lo = 0;
        long hi = 0;
        long seg = o == 64 ? -1L : (1L << o) - 1;
        for (int v = 0; v < 1 << w; v++) {
            if ((v >>> k & 1) != 0) {
                int b = o * v;
                if (b < 64) {
                    lo |= seg << b;
                    if (b + o > 64) {
                        hi |= seg >>> (64 - b);
                    }
                } else {
                    hi |= seg << (b - 64);
                }
            }
        }
        return new long[] {lo, hi};
    }

    /** The table whose segment v is segment (v XOR e) of (lo, hi): returns {lo', hi'}. */
    static long[] permute(long lo, long hi, int e, int w, int o) {
        long[] out = new long[2];
        permute(lo, hi, e, w, o, masks(new int[] {w}, o)[0], out);
        return out;
    }

    /** As {@link #permute(long, long, int, int, int)} with the index masks of width w precomputed, into out. */
    private static void permute(long lo, long hi, int e, int w, int o, long[][] mask, long[] out) {
        for (int k = 0; k < w; k++) {
            if ((e >>> k & 1) == 0) {
                continue;
            }
            int block = o << k;
            if (block == 64) {
                long t = lo;
                lo = hi;
                hi = t;
            } else {
                long keepLo = ~mask[k][0]; // segments with bit k clear
                long keepHi = ~mask[k][1];
                lo = ((lo >>> block) & keepLo) | ((lo & keepLo) << block);
                hi = ((hi >>> block) & keepHi) | ((hi & keepHi) << block);
            }
        }
        out[0] = lo;
        out[1] = hi;
    }

    private static long[][][] masks(int[] widths, int o) {
        long[][][] m = new long[widths.length][][];
        for (int j = 0; j < widths.length; j++) {
            m[j] = new long[widths[j]][];
            for (int k = 0; k < widths[j]; k++) {
                m[j][k] = indexMask(widths[j], o, k);
            }
        }
        return m;
    }

    /** The table owner's side: keeps every OT's pad table (2^w segments). */
    public Sender sender() {
        return new Sender();
    }

    /** The chooser's side: keeps every OT's random index R and the pad of R. */
    public Receiver receiver() {
        return new Receiver();
    }

    public final class Sender {
        private final long[] padLo = new long[n * ots];
        private final long[] padHi = wide ? new long[n * ots] : null;
        private final long[][][] mask = masks(widths, o);
        private final long[] scratch = new long[2];

        /**
         * Computes the pads of elements [elemFrom, elemFrom + count) from a batch holding their COTs
         * (element-major, {@link #cotsPerElement()} each, starting at COT {@code cotFrom}).
         */
        public void absorb(SenderCots s, CrHash h, int cotFrom, int elemFrom, int count) {
            int m = count * cotsPerElement;
            int stride = wide ? 2 : 1;
            long[] h0 = new long[stride * m];
            long[] h1 = new long[stride * m];
            s.hash(h, cotFrom, m, false, h0, 0, !wide);
            s.hash(h, cotFrom, m, true, h1, 0, !wide);
            for (int i = 0; i < count; i++) {
                int base = i * cotsPerElement;
                for (int j = 0; j < ots; j++) {
                    long lo = 0;
                    long hi = 0;
                    for (int k = 0; k < widths[j]; k++) {
                        int c = stride * (base + cotOffset[j] + k);
                        long[] mk = mask[j][k];
                        lo ^= (h0[c] & ~mk[0]) | (h1[c] & mk[0]);
                        if (wide) {
                            hi ^= (h0[c + 1] & ~mk[1]) | (h1[c + 1] & mk[1]);
                        }
                    }
                    int idx = (elemFrom + i) * ots + j;
                    padLo[idx] = lo;
                    if (wide) {
                        padHi[idx] = hi;
                    }
                }
            }
        }

        /**
         * Writes OT j of element i: table T (segment v = T[v], low/high word) permuted by the chooser's
         * flips e and padded: C[v] = pad[v] XOR T[v XOR e], 2^w_j · o bits.
         */
        public void writeTable(int elem, int ot, long tLo, long tHi, int e, PackedWriter out) {
            int w = widths[ot];
            long[] p = scratch;
            permute(tLo, tHi, e, w, o, mask[ot], p);
            int idx = elem * ots + ot;
            int bits = o << w;
            out.bits(p[0] ^ padLo[idx], Math.min(64, bits));
            if (bits > 64) {
                out.bits(p[1] ^ padHi[idx], bits - 64);
            }
        }
    }

    public final class Receiver {
        private final byte[] index = new byte[n * ots];
        private final long[] pad = new long[n * ots];

        /** Computes R and pad[R] of elements [elemFrom, elemFrom + count) (layout as in {@link Sender#absorb}). */
        public void absorb(ReceiverCots r, CrHash h, int cotFrom, int elemFrom, int count) {
            int m = count * cotsPerElement;
            int stride = wide ? 2 : 1;
            long[] ht = new long[stride * m];
            r.hash(h, cotFrom, m, ht, 0, !wide);
            long seg = o == 64 ? -1L : (1L << o) - 1;
            for (int i = 0; i < count; i++) {
                int base = i * cotsPerElement;
                for (int j = 0; j < ots; j++) {
                    long lo = 0;
                    long hi = 0;
                    int rIdx = 0;
                    for (int k = 0; k < widths[j]; k++) {
                        int c = base + cotOffset[j] + k;
                        lo ^= ht[stride * c];
                        if (wide) {
                            hi ^= ht[stride * c + 1];
                        }
                        rIdx |= r.bit(cotFrom + c) << k;
                    }
                    int idx = (elemFrom + i) * ots + j;
                    index[idx] = (byte) rIdx;
                    pad[idx] = segment(lo, hi, rIdx) & seg;
                }
            }
        }

        private long segment(long lo, long hi, int v) {
            int b = o * v;
            if (b >= 64) {
                return hi >>> (b - 64);
            }
            long x = lo >>> b;
            if (b + o > 64) {
                x |= hi << (64 - b);
            }
            return x;
        }

        /** The flips e = y XOR R for choosing index y in OT j of element i (w_j bits to send). */
        public int flips(int elem, int ot, int y) {
            return (y ^ index[elem * ots + ot]) & ((1 << widths[ot]) - 1);
        }

        /** Reads OT j's table of element i and returns the chosen entry T[y] (o bits). */
        public long readEntry(int elem, int ot, PackedReader in) {
            int bits = o << widths[ot];
            long lo = in.bits(Math.min(64, bits));
            long hi = bits > 64 ? in.bits(bits - 64) : 0;
            int idx = elem * ots + ot;
            long seg = o == 64 ? -1L : (1L << o) - 1;
            return (segment(lo, hi, index[idx]) ^ pad[idx]) & seg;
        }
    }

}
