package org.securetrain.protocols.nonlinear;

import java.util.List;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.ReceiverCots;
import org.securetrain.crypto.ot.flavours.SenderCots;
import org.securetrain.crypto.prg.CrHash;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;

/**
 * Lookup of a public table T (2^d entries, 64-bit) at a secret-shared d-bit digit: from shares a, b of the digit
 * x = a + b mod 2^d (each party's low d bits), fresh additive shares mod 2^64 of T[x]. One 1-out-of-2^d OT per
 * element on random COTs, party 0 holding the table: it draws a uniform r and offers M[u] = T[(a + u) mod 2^d] - r
 * (the table rotated by its share, masked), party 1 chooses u = b and gets T[x] - r; party 0's share is r.
 *
 * <p>The OT (Naor and Pinkas, J. Cryptology 2005: 1-out-of-N from log N 1-out-of-2 OTs and a PRF) on d random COTs
 * in which party 0 sends: bit k of an index selects the key S_k^0 = H(q_k) or S_k^1 = H(q_k XOR delta) (the COT's
 * TCCR hash, 128 bits); the pad of index v is the XOR over k of F(S_k^{v_k}, j_k(v)), where j_k(v) is v without bit
 * k and F(S, j) is word (j mod 2) of MMO(S XOR floor(j/2)) = pi(S XOR t) XOR S XOR t, the Even-Mansour cipher keyed by
 * S (a pseudorandom function of t in the random-permutation model while S is unknown). The chooser's random COT
 * choices form a uniform index R and it knows the keys S_k^{R_k} only, so the pads of all v != R are pseudorandom
 * to it. It sends e = b XOR R (d bits, uniform to party 0 because R is), party 0 sends C[v] = pad[v] XOR M[v XOR e]
 * for every v (2^d words), and party 1 reads M[b] = C[R] XOR pad[R]. Two flights (party 1, then party 0); per
 * element d COTs, d bits from party 1 and 2^d x 64 bits from party 0.
 *
 * <p>Views: party 0 sees e, uniform and independent of b. Party 1 sees 2^d words, all pseudorandom except
 * C[R], which opens M[b] = T[x] - r, uniform because r is. Neither output share depends on the other party's digit
 * share beyond being a uniform share of T[x].
 */
public final class TableLookupOt {
    /** Largest digit width: 256 entries, 2 KiB from the table owner per element. */
    public static final int MAX_DIGIT_BITS = 8;

    private TableLookupOt() {
    }

    /**
     * Both parties call with their digit shares (only the low d bits of each count), the same d in [1, 8] and the
     * same tables: t &gt;= 1 tables of 2^d entries back to back, the n digits splitting into t equal segments, segment j
     * looked up in table j (only party 0 reads the tables; their hash is in the run tag, so differing tables fail
     * both parties).
     */
    public static long[] lookup(CotChannel ch, long[] digitShares, int d, long[] table) {
        String problem = null;
        if (d < 1 || d > MAX_DIGIT_BITS) {
            problem = "digit width must be in [1, " + MAX_DIGIT_BITS + "], got " + d;
        } else {
            problem = problem(digitShares, d, table);
        }
        Inputs.reject(ch, "table lookup", problem);
        int n = digitShares.length;
        int me = ch.party();
        CotPair.Batch cots = ch.cots().fetch(n * d, 0);
        long[] out = new long[n];
        RunTag tag = new RunTag(RunTag.Kind.TABLE_LOOKUP, n, d | tableDigest(table) << 4);
        if (me == 0) {
            Owner o = new Owner(ch, cots.sent(), digitShares, d, table, out);
            StageRunner.run(ch, "nl.tableLookup", tag, List.of(o.flips(), o.tables()));
        } else {
            Chooser c = new Chooser(ch.cots().hash(), cots.received(), digitShares, d, out);
            StageRunner.run(ch, "nl.tableLookup", tag, List.of(c.flips(), c.tables()));
        }
        return out;
    }

    /** Why these arguments are not a lookup, or null: t tables of 2^d entries and t equal segments of digits. */
    public static String problem(long[] digitShares, int d, long[] table) {
        if (digitShares == null) {
            return "no digit shares";
        }
        if (table == null || table.length == 0 || table.length % (1 << d) != 0) {
            return "a " + d + "-bit digit needs tables of " + (1 << d) + " entries each, got "
                    + (table == null ? "none" : table.length + " entries");
        }
        int t = table.length >> d;
        if (digitShares.length % t != 0) {
            return digitShares.length + " digits do not split into " + t + " equal segments, one per table";
        }
        return null;
    }

    /** 20 bits of a hash of the table, so that parties with different tables fail at the first message. */
    static int tableDigest(long[] table) {
        long h = 0x9E3779B97F4A7C15L;
        for (long v : table) {
            h = (h ^ v) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return (int) (h & 0xFFFFF);
    }

    /** Hash blocks per key: F(S, j) for j in [0, 2^(d-1)), two words per block. */
    private static int blocksPerKey(int d) {
        return Math.max(1, 1 << (d - 2));
    }

    /** Index v without bit k (the position of v among the indices sharing key S_k^{v_k}). */
    private static int without(int v, int k) {
        return (v & ((1 << k) - 1)) | ((v >>> (k + 1)) << k);
    }

    /** Party 0: the rotated, masked table under the pads of all indices. */
    private static final class Owner {
        private final CotChannel ch;
        private final SenderCots cots;
        private final long[] a;
        private final int d;
        private final long[] table;
        private final long[] out;
        private final int[] e;

        Owner(CotChannel ch, SenderCots cots, long[] a, int d, long[] table, long[] out) {
            this.ch = ch;
            this.cots = cots;
            this.a = a;
            this.d = d;
            this.table = table;
            this.out = out;
            this.e = new int[a.length];
        }

        Stage flips() {
            return new Stage(Stage.P1) {
                @Override
                protected void read(PackedReader r) {
                    for (int i = 0; i < e.length; i++) {
                        e[i] = (int) r.bits(d);
                    }
                }
            };
        }

        Stage tables() {
            return new Stage(Stage.P0) {
                @Override
                protected void write(PackedWriter w) {
                    int n = a.length;
                    int size = 1 << d;
                    int mask = size - 1;
                    int hb = blocksPerKey(d);
                    int segment = Math.max(1, n / (table.length >> d));
                    CrHash h = ch.cots().hash();
                    ch.random().fill(out, 0, n);
                    long[] pad = new long[size];
                    long[] row = new long[size];
                    int chunk = Math.max(1, CotChannel.CHUNK_COTS / d);
                    for (int from = 0; from < n; from += chunk) {
                        int m = Math.min(chunk, n - from);
                        long[] words = expandKeys(h, from, m, hb);
                        for (int i = 0; i < m; i++) {
                            int el = from + i;
                            java.util.Arrays.fill(pad, 0);
                            for (int k = 0; k < d; k++) {
                                int base = 2 * hb * (2 * (i * d + k));
                                for (int v = 0; v < size; v++) {
                                    int b = v >>> k & 1;
                                    pad[v] ^= words[base + 2 * hb * b + without(v, k)];
                                }
                            }
                            int base = (el / segment) << d;
                            int ai = (int) a[el] & mask;
                            int ei = e[el];
                            long r = out[el];
                            for (int v = 0; v < size; v++) {
                                row[v] = pad[v] ^ (table[base + ((ai + (v ^ ei)) & mask)] - r);
                            }
                            w.ring(row, 0, size, 64);
                        }
                    }
                }
            };
        }

        /**
         * F(S_k^b, j) for elements [from, from + m), every k, b and j: words at 2·hb·(2·(i·d + k) + b) + j.
         */
        private long[] expandKeys(CrHash h, int from, int m, int hb) {
            int keys = m * d;
            long[] s0 = new long[2 * keys];
            long[] s1 = new long[2 * keys];
            cots.hash(h, from * d, keys, false, s0, 0, false);
            cots.hash(h, from * d, keys, true, s1, 0, false);
            long[] in = new long[2 * 2 * keys * hb];
            for (int key = 0; key < keys; key++) {
                for (int b = 0; b < 2; b++) {
                    long[] s = b == 0 ? s0 : s1;
                    int blk = (2 * key + b) * hb;
                    for (int t = 0; t < hb; t++) {
                        in[2 * (blk + t)] = s[2 * key] ^ t;
                        in[2 * (blk + t) + 1] = s[2 * key + 1];
                    }
                }
            }
            h.cr(in, 0, in, 0, 2 * keys * hb);
            return in;
        }
    }

    /** Party 1: chooses with its digit share and unmasks the one entry it can. */
    private static final class Chooser {
        private final CrHash h;
        private final ReceiverCots cots;
        private final long[] b;
        private final int d;
        private final long[] out;
        private final int[] index;
        private final long[] pad;

        Chooser(CrHash h, ReceiverCots cots, long[] b, int d, long[] out) {
            this.h = h;
            this.cots = cots;
            this.b = b;
            this.d = d;
            this.out = out;
            this.index = new int[b.length];
            this.pad = new long[b.length];
        }

        /** R and pad[R] of every element: d key blocks each, one expansion block per key. */
        private void absorb() {
            int n = b.length;
            int chunk = Math.max(1, CotChannel.CHUNK_COTS / d);
            for (int from = 0; from < n; from += chunk) {
                int m = Math.min(chunk, n - from);
                int keys = m * d;
                long[] s = new long[2 * keys];
                cots.hash(h, from * d, keys, s, 0, false);
                for (int i = 0; i < m; i++) {
                    int r = 0;
                    for (int k = 0; k < d; k++) {
                        r |= cots.bit((from + i) * d + k) << k;
                    }
                    index[from + i] = r;
                    for (int k = 0; k < d; k++) {
                        s[2 * (i * d + k)] ^= without(r, k) >>> 1;
                    }
                }
                h.cr(s, 0, s, 0, keys);
                for (int i = 0; i < m; i++) {
                    int r = index[from + i];
                    long p = 0;
                    for (int k = 0; k < d; k++) {
                        p ^= s[2 * (i * d + k) + (without(r, k) & 1)];
                    }
                    pad[from + i] = p;
                }
            }
        }

        Stage flips() {
            return new Stage(Stage.P1) {
                @Override
                protected void write(PackedWriter w) {
                    absorb();
                    int mask = (1 << d) - 1;
                    for (int i = 0; i < b.length; i++) {
                        w.bits(((int) b[i] ^ index[i]) & mask, d);
                    }
                }
            };
        }

        Stage tables() {
            return new Stage(Stage.P0) {
                @Override
                protected void read(PackedReader r) {
                    int size = 1 << d;
                    long[] row = new long[size];
                    for (int i = 0; i < b.length; i++) {
                        r.ring(row, 0, size, 64);
                        out[i] = row[index[i]] ^ pad[i];
                    }
                }
            };
        }
    }
}
