package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.Bits;
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
     * The elements' binades k in [lowBits, inputBits), bit-major: {@code bits} the packed boolean shares of c_k at
     * (k - lowBits)·n + i, {@code onehot} arithmetic shares of o_k at (k - lowBits)·n + i, {@code below} arithmetic
     * shares of [x &lt; 2^lowBits] (for lowBits 0: [x &le; 0]).
     */
    record Binades(int n, int lowBits, int inputBits, long[] bits, long[] onehot, long[] below) {
    }

    private LeadingOne() {
    }

    /** {@link #find(Backend, long[], int, int, ProtocolId)} over every binade below 2^inputBits. */
    static Binades find(Backend be, long[] x, int inputBits, ProtocolId id) {
        return find(be, x, 0, inputBits, id);
    }

    /**
     * c_k = [x - 2^k + 1 &gt; 0] for k in [lowBits, inputBits) (id: "lead"), each |x - 2^k + 1| &lt; 2^(inputBits+1)
     * for |x| &lt; 2^inputBits; a caller that knows x &ge; 2^lowBits (public) saves the comparisons below.
     */
    static Binades find(Backend be, long[] x, int lowBits, int inputBits, ProtocolId id) {
        int n = x.length;
        int lo = lowBits;
        int b = inputBits - lo;
        long[] z = new long[b * n];
        for (int j = 0; j < b; j++) {
            long c = own(be, (1L << (lo + j)) - 1);
            for (int i = 0; i < n; i++) {
                z[j * n + i] = x[i] - c;
            }
        }
        int zBits = inputBits + 1;
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
        long[] below = new long[n];
        for (int i = 0; i < n; i++) {
            below[i] = own(be, 1) - c[i];
        }
        return new Binades(n, lo, inputBits, cBits, onehot, below);
    }

    /**
     * As {@link #find(Backend, long[], int, int, ProtocolId)} for inputs the caller knows to be at least
     * 2^(knownBits - 1) (public, knownBits in [1, inputBits]): the thresholds 2^0..2^(knownBits-1), whose answers are 1,
     * are not compared. The binades start at lowBits = knownBits - 1: that binade's one-hot is [x &lt; 2^knownBits]
     * (1 - c_knownBits, from the comparisons above it), its bit c_(knownBits-1) is a share of 1, and below is 0. For an
     * input under the bound the result is not defined.
     */
    static Binades findAtLeast(Backend be, long[] x, int knownBits, int inputBits, ProtocolId id) {
        int n = x.length;
        int lo = knownBits - 1;
        int b = inputBits - lo;
        long[] bits = Bits.allocate(b * n);
        long[] onehot = new long[b * n];
        int one = (int) own(be, 1); // boolean shares of 1: party 0 holds 1, party 1 holds 0
        for (int i = 0; i < n; i++) {
            Bits.set(bits, i, one);
        }
        if (knownBits == inputBits) {
            java.util.Arrays.fill(onehot, own(be, 1));
        } else {
            Binades upper = find(be, x, knownBits, inputBits, id);
            System.arraycopy(upper.below(), 0, onehot, 0, n);
            System.arraycopy(upper.onehot(), 0, onehot, n, (b - 1) * n);
            for (int j = 0; j < (b - 1) * n; j++) {
                Bits.set(bits, n + j, Bits.get(upper.bits(), j));
            }
        }
        return new Binades(n, lo, inputBits, bits, onehot, new long[n]);
    }

    /**
     * x·W = M 2^h exactly (one product, id "norm"), W = sum_k o_k 2^(h - k), for h &ge; inputBits - 1; x below
     * 2^lowBits gives 0. The product is below 2^(h+1).
     */
    static long[] normalised(Backend be, Binades bin, long[] x, int h, ProtocolId id) {
        int n = bin.n();
        long[] w = new long[n];
        for (int k = bin.lowBits(); k < bin.inputBits(); k++) {
            int j = k - bin.lowBits();
            for (int i = 0; i < n; i++) {
                w[i] += bin.onehot()[j * n + i] << (h - k);
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
