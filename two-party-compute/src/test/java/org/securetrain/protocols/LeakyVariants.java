package org.securetrain.protocols;

import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolId;

/**
 * TEST ONLY, deliberately INSECURE variants of the round-1 kernels: the negative controls of the message-view
 * tests ({@link GcEngineViewTest}). Each computes the same result as the real protocol and leaks the way a
 * plausible bug would; a view test that passes them is too weak.
 */
final class LeakyVariants {
    private LeakyVariants() {
    }

    /** Faithful truncation in which party {@code leaker} also sends its input share in the clear (on {@code check}). */
    static long[] truncationSendingShare(OtEngine ot, Channel check, long[] share, int bits, ProtocolId id, int leaker) {
        long[] out = FaithfulTruncation.truncate(ot, share, bits, id);
        if (ot.party() == leaker) {
            check.sendLongs(share);
        } else {
            check.receiveLongs();
        }
        return out;
    }

    /**
     * Bit times share without the OT's masks: each party sends its correlation (1 - 2 d_p) x_p in the clear and
     * the peer keeps it where its own bit is set; same outputs d x as {@link BitTimesShare}, exactly.
     */
    static long[] unmaskedBitTimesShare(OtEngine ot, long[] myBits, long[] myShares, int n, ProtocolId id) {
        Channel ch = ot.session().channel("leaky." + id.name());
        long[] delta = new long[n];
        for (int i = 0; i < n; i++) {
            long d = myBits[i >>> 6] >>> (i & 63) & 1;
            delta[i] = (myShares[i] ^ -d) + d;
        }
        ch.sendLongs(delta);
        long[] peer = ch.receiveLongs();
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
            long d = myBits[i >>> 6] >>> (i & 63) & 1;
            z[i] = (myShares[i] & -d) + (peer[i] & -d);
        }
        return z;
    }

    /** {@link ReluTruncation#run} with the garbler's output masks r and rho fixed at zero: the evaluator decodes y and d. */
    static ReluTruncation.Result unmaskedRelu(GcProtocol gc, long[] zShare, int f) {
        int n = zShare.length;
        int words = BitPlanes.words(n);
        if (gc.isGarbler()) {
            long[] planes = new long[129 * words];
            BitPlanes.fromLongs(zShare, 64, planes, 0); // r = 0, rho = 0: the rest of the planes stay zero
            gc.run(ReluTruncation.circuit(f), n, planes);
            return new ReluTruncation.Result(new long[n], new long[words]);
        }
        long[] out = gc.run(ReluTruncation.circuit(f), n, BitPlanes.fromLongs(zShare, 64));
        long[] d = new long[words];
        System.arraycopy(out, 64 * words, d, 0, words);
        return new ReluTruncation.Result(BitPlanes.toLongs(out, 0, 64, n), d);
    }

    /** {@link MaxPoolCircuitProtocol#run} with the garbler's masks at zero: the evaluator decodes max and argmax. */
    static MaxPoolCircuitProtocol.Result unmaskedMaxPool(GcProtocol gc, long[] valueShares, int k) {
        int n = valueShares.length / k;
        int words = BitPlanes.words(n);
        long[] column = new long[n];
        long[] planes = new long[(gc.isGarbler() ? 64 * k + 64 + k : 64 * k) * words];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                column[i] = valueShares[i * k + j];
            }
            BitPlanes.fromLongs(column, 64, planes, 64 * j);
        }
        long[] out = gc.run(MaxPoolCircuitProtocol.circuit(k), n, planes);
        if (gc.isGarbler()) {
            return new MaxPoolCircuitProtocol.Result(new long[n], new long[BitPlanes.words(n * k)]);
        }
        return new MaxPoolCircuitProtocol.Result(BitPlanes.toLongs(out, 0, 64, n), GcShareKernels.interleave(out, 64, k, n));
    }
}
