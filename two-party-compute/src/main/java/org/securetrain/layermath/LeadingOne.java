package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.runtime.ProtocolId;

/**
 * The binade of positive fixed-point shares and their normalised mantissa, the first two steps of {@link ExactRoots}
 * and {@link ExactLog} (docs/security/exact-math.md, section 8.1 steps 1 and 2): for shares of x with the public bound
 * |x| &lt; 2^inputBits, c_k = [x &ge; 2^k] for every k &lt; inputBits from one batched comparison and one conversion to
 * arithmetic shares, the one-hot o_k = c_k - c_(k+1) (1 at the k with 2^k &le; x &lt; 2^(k+1), all 0 for x &le; 0),
 * and x·W = M 2^H with W = sum_k o_k 2^(H-k), M = x 2^-k in [1, 2), from one product.
 */
final class LeadingOne {
    /**
     * One element's binade, element-major per bit: {@code bits} the packed boolean shares of c_k at k·n + i,
     * {@code onehot} arithmetic shares of o_k at k·n + i, {@code nonPositive} arithmetic shares of [x &le; 0].
     */
    record Binades(int n, int inputBits, long[] bits, long[] onehot, long[] nonPositive) {
    }

    private LeadingOne() {
    }

    /** c_k = [x - 2^k + 1 &gt; 0], each |x - 2^k + 1| &lt; 2^(inputBits+1) for |x| &lt; 2^inputBits (id: "lead"). */
    static Binades find(Backend be, long[] x, int inputBits, ProtocolId id) {
        int n = x.length;
        int b = inputBits;
        long[] z = new long[b * n];
        for (int k = 0; k < b; k++) {
            long c = own(be, (1L << k) - 1);
            for (int i = 0; i < n; i++) {
                z[k * n + i] = x[i] - c;
            }
        }
        int zBits = b + 1;
        long[] cBits = zBits >= ExactTruncation.MIN_BOUNDED_BITS && zBits <= 62
                ? be.positiveBounded(z, zBits, id.child("lead"))
                : be.positive(z, id.child("lead"));
        long[] ones = new long[b * n];
        java.util.Arrays.fill(ones, own(be, 1));
        long[] c = be.bitTimesShare(cBits, ones, id.child("lead", "b2a"));
        long[] onehot = new long[b * n];
        for (int k = 0; k < b; k++) {
            for (int i = 0; i < n; i++) {
                onehot[k * n + i] = c[k * n + i] - (k + 1 < b ? c[(k + 1) * n + i] : 0);
            }
        }
        long[] nonPositive = new long[n];
        for (int i = 0; i < n; i++) {
            nonPositive[i] = own(be, 1) - c[i];
        }
        return new Binades(n, b, cBits, onehot, nonPositive);
    }

    /**
     * x·W = M 2^h exactly (one product, id "norm"), W = sum_k o_k 2^(h - k), for h &ge; inputBits - 1; x &le; 0 gives 0.
     * The product is below 2^(h+1).
     */
    static long[] normalised(Backend be, Binades bin, long[] x, int h, ProtocolId id) {
        int n = bin.n();
        long[] w = new long[n];
        for (int k = 0; k < bin.inputBits(); k++) {
            for (int i = 0; i < n; i++) {
                w[i] += bin.onehot()[k * n + i] << (h - k);
            }
        }
        return be.multiplyElementwise(x, w, id.child("norm"));
    }

    /**
     * The backend for exact floors of the normalised product (below 2^(h+1)): beyond the range guard's 2^61 only for
     * inputBits 61 and 62 (public), where the floor runs unguarded, its bound being the public inputBits.
     */
    static Backend floorBackend(Backend be, int h) {
        return h + 1 > RangeCheckedBackend.SAFE_BITS ? RangeCheckedBackend.unchecked(be) : be;
    }

    /** A public constant as this party's share: party 0 holds it, party 1 holds 0 (the reference holds it). */
    static long own(Backend be, long c) {
        return be.actsFor(0) ? c : 0;
    }
}
