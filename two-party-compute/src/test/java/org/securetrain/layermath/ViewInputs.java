package org.securetrain.layermath;

import java.security.SecureRandom;
import java.util.Random;
import org.securetrain.ring.FixedPoint;

/** Private inputs for the layer view tests: fixed-point Gaussian values and uniformly random shares. */
final class ViewInputs {
    static final FixedPoint FP = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
    private static final Random RND = new Random(new SecureRandom().nextLong());

    private ViewInputs() {
    }

    /** n values N(0, scale^2) at the default fixed-point scale. */
    static long[] gaussian(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = RND.nextGaussian() * scale;
        }
        return FP.encode(v);
    }

    /** n uniformly random ring elements, a party's share of a value it does not know. */
    static long[] randomShare(int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = RND.nextLong();
        }
        return v;
    }
}
