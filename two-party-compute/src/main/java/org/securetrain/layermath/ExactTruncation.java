package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * Shares of exactly floor(x / 2^k) (what the plaintext arithmetic shift gives), for values where the one-ulp error of
 * {@link Backend#truncate} matters: a truncation of an exact 0 may give -1 ulp, so a row that plaintext DL4J has
 * exactly zero (e.g. ReLU zeros and dropped inputs times a non-integer 1/p) would feed the next layer a pre-activation
 * of a few ulps instead of exactly its bias, and a comparison at an edge (LeakyReLU's or ReLU's side at 0) would pick
 * either side at random.
 *
 * <p>How. t = truncate(x, k) is floor(x / 2^k) - e with e in {0, 1}, so r = x - t 2^k (local) is the value
 * (x mod 2^k) + e 2^k in [0, 2^(k+1)), far from any wrap; e = [r &ge; 2^k] = positive(r - 2^k + 1) (one exact sign
 * test of a value below 2^k in magnitude, so a (k+1)-bit one: {@link Backend#positiveBounded}; the constant added by
 * party 0) and its arithmetic shares are bitTimesShare(e, (1, 0)). Cost over the
 * faithful truncation: one positive and one bit-times-share of n elements; the views are those of these three
 * protocols (nothing is opened).
 *
 * <p>Without a truncation protocol: a share kind with a known-zero share at one party ({@code ownerOnly}) is
 * truncated locally (the holder's arithmetic shift is exact, the other share stays 0).
 */
public final class ExactTruncation {
    /** Smallest bound for which the carry test uses {@link Backend#positiveBounded}. */
    static final int MIN_BOUNDED_BITS = 8;

    private ExactTruncation() {
    }

    /** A tensor held by one party alone: each party shifts its own share (the zero share stays zero). */
    public static long[] local(long[] x, int k) {
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] >> k;
        }
        return y;
    }

    /** Both parties call with their shares of x (|x| &lt; 2^62), the same k in [1, 61] and the same id. */
    public static long[] floor(Backend be, long[] x, int k, ProtocolId id) {
        int n = x.length;
        long[] t = be.truncate(x, k, id);
        if (n == 0) {
            return t;
        }
        boolean p0 = be.actsFor(0);
        long offset = p0 ? (1L << k) - 1 : 0;
        long[] r = new long[n];
        long[] one = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = x[i] - (t[i] << k) - offset;
            one[i] = p0 ? 1 : 0;
        }
        // r - 2^k + 1 lies in [-2^k + 1, 2^k]: a (k+1)-bit sign test suffices (below 8 bits the full one: the
        // reduced-width comparison is tested from 8 bits on, and saves little below)
        long[] sign = k + 1 >= MIN_BOUNDED_BITS ? be.positiveBounded(r, k + 1, id.child("carry"))
                : be.positive(r, id.child("carry"));
        long[] e = be.bitTimesShare(sign, one, id.child("carry", "b2a"));
        for (int i = 0; i < n; i++) {
            t[i] += e[i];
        }
        return t;
    }
}
