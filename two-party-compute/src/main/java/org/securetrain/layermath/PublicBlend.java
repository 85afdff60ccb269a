package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * Shares of exactly floor((M1_i x1_i + M2_i x2_i) / 2^E) for shares of x1, x2 (|x| &lt; 2^60) and public integer
 * multipliers M1, M2 (per element, non-negative): products of shares with public reals c = M 2^-E at more precision than
 * one truncation of M x allows. A single truncation needs |M x| &lt; 2^61, so with a state of 2^60 (Adam's second moment
 * at scale 2f) it would leave no bit for M; here x is split at bit E instead.
 *
 * <p>How. t = truncate(x, E) is floor(x / 2^E) - e with |e| &lt;= 1 (faithful), so r = x - t 2^E (local) is exactly
 * (x mod 2^E) + e 2^E in [-2^E, 2^(E+1)). Then M1 x1 + M2 x2 = 2^E (M1 t1 + M2 t2) + (M1 r1 + M2 r2), and since the first
 * term is a multiple of 2^E, floor((M1 x1 + M2 x2) / 2^E) = M1 t1 + M2 t2 + floor((M1 r1 + M2 r2) / 2^E): one exact
 * floor ({@link ExactTruncation}) of a value below (M1 + M2) 2^(E+1) in magnitude, which must stay below 2^61 (the range guard's
 * bound). The result is a deterministic function of the shared values (no truncation error survives), so the plaintext
 * reference and the two-party backend agree bit for bit. Cost: one faithful truncation of x1 and x2 (one call) and one
 * exact floor of n values; nothing is opened.
 */
public final class PublicBlend {
    /** The split bit E and the bound on each input: |x| &lt; 2^INPUT_BITS. */
    public static final int INPUT_BITS = 60;

    private PublicBlend() {
    }

    /**
     * floor((m1 x1 + m2 x2) / 2^e) (x2 and m2 may be null: floor(m1 x1 / 2^e)). Both parties call it with their shares,
     * the same multipliers and e in [1, 58]; every (M1_i + M2_i) 2^(e+1) must be below 2^61 (checked).
     */
    public static long[] floor(Backend be, long[] x1, long[] m1, long[] x2, long[] m2, int e, ProtocolId id) {
        int n = x1.length;
        boolean two = x2 != null;
        if (m1.length != n || two && (x2.length != n || m2 == null || m2.length != n)) {
            throw new IllegalArgumentException("blend: inputs and multipliers must have the same length");
        }
        if (e < 1 || e > 58) {
            throw new IllegalArgumentException("blend: split bit must be in [1, 58], got " + e);
        }
        for (int i = 0; i < n; i++) {
            long sum = m1[i] + (two ? m2[i] : 0);
            if (m1[i] < 0 || two && m2[i] < 0 || sum >= 1L << (60 - e)) {
                throw new IllegalArgumentException("blend: multipliers must be non-negative with (M1 + M2) 2^(e+1) "
                        + "< 2^61, got " + m1[i] + (two ? ", " + m2[i] : "") + " at e = " + e);
            }
        }
        long[] both = new long[two ? 2 * n : n];
        System.arraycopy(x1, 0, both, 0, n);
        if (two) {
            System.arraycopy(x2, 0, both, n, n);
        }
        long[] t = be.truncate(both, e, id.child("split"));
        long[] high = new long[n];
        long[] low = new long[n];
        for (int i = 0; i < n; i++) {
            high[i] = m1[i] * t[i];
            low[i] = m1[i] * (x1[i] - (t[i] << e));
            if (two) {
                high[i] += m2[i] * t[n + i];
                low[i] += m2[i] * (x2[i] - (t[n + i] << e));
            }
        }
        long[] lowFloor = ExactTruncation.floor(be, low, e, id.child("low"));
        for (int i = 0; i < n; i++) {
            high[i] += lowFloor[i];
        }
        return high;
    }

    /** n copies of m. */
    public static long[] fill(int n, long m) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, m);
        return a;
    }
}
