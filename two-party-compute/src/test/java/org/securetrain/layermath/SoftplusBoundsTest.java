package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * softplus ln(1 + e^x) forward values on the plaintext reference backend (the algorithm the two-party backend runs bit
 * for bit, {@link ExactLogTwoPartyTest}) against a high-precision reference at f = 24 and f = 16, on the inputs of
 * {@link SmoothActivationBoundsTest} (log-uniform magnitudes over [2^-24, 2^37) of both signs, uniform over [-20, 20],
 * edges): the error must stay within 0.5 + 4·2^(f-32) + (E + 1) 2^(f-30) + 2^-6 ulps (docs/security/exact-math.md
 * section 10.4). The backward's derivative is exactly {@link ExactFunctions#sigmoid} of the input.
 */
@Timeout(300)
class SoftplusBoundsTest {

    /** The proven bound in ulps at scale f (E = 1.5 m - 1 for the exp's m digits). */
    static double bound(int f, int expDigits) {
        double e = 1.5 * expDigits - 1 + 1e-6;
        return 0.5 + ExactLog.INTERNAL_ERROR_ULPS * Math.scalb(1.0, f - ExactLog.INTERNAL_BITS)
                + (e + 1) * Math.scalb(1.0, f - ExactFunctions.INTERNAL_BITS) + Math.scalb(1.0, -6);
    }

    /** max(x, 0) + log1p(exp(-|x|)) in ulps: relu exact, the rest within a double's relative 2^-52 of a value below 1. */
    static BigDecimal exact(long x, int f) {
        double ax = Math.abs(Math.scalb((double) x, -f));
        BigDecimal tail = new BigDecimal(StrictMath.log1p(StrictMath.exp(-ax))).multiply(BigDecimal.valueOf(1L << f));
        return BigDecimal.valueOf(Math.max(x, 0)).add(tail);
    }

    @Test
    void softplusWithinItsBoundAndItsDerivativeIsTheExactSigmoid() {
        for (int f : new int[] {24, 16}) {
            InsecurePlaintextBackend be = new InsecurePlaintextBackend(FixedPoint.of(f));
            long[] x = SmoothActivationBoundsTest.inputs(20_000, new Random(61 + f));
            SmoothActivation sp = new SmoothActivation(SmoothActivation.Kind.SOFTPLUS);
            ProtocolId id = ProtocolId.of("softplus");
            ElementwiseActivation.Applied a = sp.forward(be, x, id);
            double b = bound(f, new ExactFunctions(be).digits());
            double max = 0;
            for (int i = 0; i < x.length; i++) {
                double err = exact(x[i], f).subtract(BigDecimal.valueOf(a.y()[i])).abs().doubleValue();
                assertTrue(err <= b, "softplus(" + x[i] + " ulps) at f = " + f + " gives " + a.y()[i] + ", error "
                        + err + " > bound " + b);
                max = Math.max(max, err);
            }
            System.out.printf("softplus f = %d: max error %.4f ulps (bound %.4f), %d inputs%n", f, max, b, x.length);
            assertTrue(b < 1, "faithful");
            // backward with dY = 1: dY sigmoid(x) truncated by f is sigmoid(x) itself on the reference
            long[] ones = new long[x.length];
            java.util.Arrays.fill(ones, 1L << f);
            long[] d = sp.backward(be, a, ones, id.child("back"));
            assertArrayEquals(new ExactFunctions(be).sigmoid(x, id.child("sigmoid")), d, "softplus' = sigmoid");
        }
    }
}
