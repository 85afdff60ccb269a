package org.securetrain.protocols;

import org.securetrain.backend.Bits;

import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.runtime.ProtocolId;

/**
 * Faithful truncation of additive shares over Z_2^64 by k bits with one ring-COT per element
 * (DESIGN.md 4.4): shares of floor(x / 2^k) or floor(x / 2^k) - 1, never a wrap-around, for |x| < 2^62.
 *
 * <p>Why it works. Party 0 adds the public offset 2^62 to its share, so x' = x + 2^62 lies in [0, 2^63).
 * Read as unsigned integers, x0' + x1 = x' + w * 2^64 with the wrap bit w = msb(x0') OR msb(x1): if both
 * top bits are set the sum reaches 2^64; if neither, it cannot; if exactly one is set the sum is at least
 * 2^63 > x', so it must have wrapped. Then floor(x' / 2^k) = (x0' >>> k) + (x1 >>> k) + carry - w * 2^(64-k),
 * where carry in {0, 1} comes from the dropped low bits and is ignored (the one-ulp error).
 * With a = msb(x0'), c = msb(x1): w = a + c - a*c, and (x >>> k) - msb * 2^(64-k) is the arithmetic shift
 * x >> k, so the result is (x0' >> k) + (x1 >> k) + a*c * 2^(64-k) - 2^(62-k). The product a*c of two bits
 * held by different parties is one ring COT: party 0 sends with correlation a * 2^(64-k), party 1
 * chooses with c.
 *
 * <p>Views: party 0 is the COT sender and receives nothing beyond OT-extension messages; party 1 receives
 * y = r + c*a*2^(64-k) with r pseudorandom and unknown to it, uniform whatever a is.
 */
public final class FaithfulTruncation {
    /** |x| must stay below this for the wrap-bit argument. */
    public static final long MAGNITUDE_LIMIT = 1L << 62;

    private FaithfulTruncation() {
    }

    /**
     * Both parties call with their shares, the same {@code bits} and the same protocol {@code id}; a different
     * length or bit count at the peer fails both parties with both views.
     */
    public static long[] truncate(OtEngine ot, long[] share, int bits, ProtocolId id) {
        if (bits < 1 || bits > 61) {
            throw new IllegalArgumentException(id + ": truncation bits must be in [1, 61], got " + bits);
        }
        int n = share.length;
        ProtocolId wrap = id.child("wrap");
        ot.channel(wrap).agree("truncates " + n + " values by " + bits + " bits");
        long[] out = new long[n];
        if (n == 0) {
            return out;
        }
        long unit = 1L << (64 - bits);
        if (ot.party() == 0) {
            long[] delta = new long[n];
            for (int i = 0; i < n; i++) {
                long xp = share[i] + MAGNITUDE_LIMIT;
                delta[i] = (xp >>> 63) * unit;
                out[i] = (xp >> bits) - (MAGNITUDE_LIMIT >> bits);
            }
            long[] r = ot.ringCotSender(wrap).send(delta, n);
            for (int i = 0; i < n; i++) {
                out[i] -= r[i];
            }
        } else {
            long[] choices = Bits.allocate(n);
            for (int i = 0; i < n; i++) {
                choices[i >>> 6] |= (share[i] >>> 63) << (i & 63);
                out[i] = share[i] >> bits;
            }
            long[] y = ot.ringCotReceiver(wrap).receive(choices, n);
            for (int i = 0; i < n; i++) {
                out[i] += y[i];
            }
        }
        return out;
    }
}
