package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.ForwardingBackend;

import java.util.HashMap;
import java.util.Map;
import org.securetrain.runtime.ProtocolId;

/**
 * Test-only: both parties' backends deposit the shares going into and out of every truncation; once
 * both halves of a call are in, the reconstructed result is checked against the exact floor. A result
 * that is neither floor(x / 2^k) nor one less is a wrap-around event.
 */
final class TruncationAudit {
    private final Map<String, long[][]> pending = new HashMap<>();
    private long checked;
    private long offByOne;
    private long wrapArounds;

    synchronized void deposit(int party, String key, int bits, long[] in, long[] out) {
        long[][] other = pending.remove(key);
        if (other == null) {
            pending.put(key, new long[][] {in, out, {party, bits}});
            return;
        }
        long[] in0 = party == 0 ? in : other[0], in1 = party == 0 ? other[0] : in;
        long[] out0 = party == 0 ? out : other[1], out1 = party == 0 ? other[1] : out;
        for (int i = 0; i < in0.length; i++) {
            long x = in0[i] + in1[i];
            long err = (x >> bits) - (out0[i] + out1[i]);
            checked++;
            if (err == 1) offByOne++;
            else if (err != 0) wrapArounds++;
        }
    }

    synchronized long checked() { return checked; }
    synchronized long offByOne() { return offByOne; }
    synchronized long wrapArounds() { return wrapArounds; }

    /** Wraps a party's backend so its truncations are audited. */
    Backend audited(Backend be, int party) {
        return new ForwardingBackend(be) {
            private int calls;

            @Override protected void onTruncate(long[] x, int bits, ProtocolId id, long[] y) {
                deposit(party, id + "#" + (calls++), bits, x.clone(), y.clone());
            }
        };
    }
}
