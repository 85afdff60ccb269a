package org.securetrain.crypto.ot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/**
 * Statistical checks that a party's received values look uniform and do not depend on the peer's
 * input. Bounds are 6 sigma (false alarm about 2e-9 per check), so a failure means a real leak.
 */
public final class ViewStats {
    private ViewStats() {
    }

    /** Concatenates messages, skipping those of length <= skipUpTo (OT headers). */
    public static long[] concat(List<long[]> msgs, int skipUpTo) {
        int n = 0;
        for (long[] m : msgs) {
            if (m.length > skipUpTo) {
                n += m.length;
            }
        }
        long[] out = new long[n];
        int o = 0;
        for (long[] m : msgs) {
            if (m.length > skipUpTo) {
                System.arraycopy(m, 0, out, o, m.length);
                o += m.length;
            }
        }
        return out;
    }

    /** Ones per bit position 0..63 over all values. */
    public static long[] bitCounts(long[] v) {
        long[] c = new long[64];
        for (long x : v) {
            for (int b = 0; b < 64; b++) {
                c[b] += x >>> b & 1;
            }
        }
        return c;
    }

    /** Every bit position is balanced within 6 sigma of a fair coin. */
    public static void assertBitBalanced(long[] v, String what) {
        assertBitBalanced(v, -1L, what);
    }

    /** Every bit position set in {@code positions} is balanced within 6 sigma of a fair coin. */
    public static void assertBitBalanced(long[] v, long positions, String what) {
        assertTrue(v.length >= 1000, what + ": too few samples (" + v.length + ")");
        long[] c = bitCounts(v);
        double mean = v.length / 2.0;
        double sigma = Math.sqrt(v.length / 4.0);
        for (int b = 0; b < 64; b++) {
            if ((positions >>> b & 1) == 0) {
                continue;
            }
            assertTrue(Math.abs(c[b] - mean) <= 6 * sigma,
                    what + ": bit " + b + " has " + c[b] + " ones of " + v.length + " (expected " + mean + " +- " + 6 * sigma + ")");
        }
    }

    /** Chi-square of the 256 byte values against uniform, within 6 sigma of its mean (255 dof). */
    public static void assertBytesUniform(long[] v, String what) {
        long[] hist = new long[256];
        for (long x : v) {
            for (int k = 0; k < 8; k++) {
                hist[(int) (x >>> (8 * k) & 0xFF)]++;
            }
        }
        double expected = v.length * 8 / 256.0;
        double chi = 0;
        for (long h : hist) {
            chi += (h - expected) * (h - expected) / expected;
        }
        double bound = 255 + 6 * Math.sqrt(2 * 255);
        assertTrue(chi <= bound, what + ": byte chi-square " + chi + " > " + bound);
    }

    /** The per-bit frequencies of two views agree within 6 sigma of the difference of two fair coins. */
    public static void assertSameBitDistribution(long[] a, long[] b, String what) {
        long[] ca = bitCounts(a);
        long[] cb = bitCounts(b);
        for (int bit = 0; bit < 64; bit++) {
            double pa = (double) ca[bit] / a.length;
            double pb = (double) cb[bit] / b.length;
            double sigma = Math.sqrt(0.25 / a.length + 0.25 / b.length);
            assertTrue(Math.abs(pa - pb) <= 6 * sigma, what + ": bit " + bit + " frequency " + pa + " vs " + pb);
        }
    }
}
