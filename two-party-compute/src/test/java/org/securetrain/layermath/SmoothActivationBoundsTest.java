package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * softsign, ELU and SELU forward values on the plaintext reference backend (the algorithm the two-party backend runs
 * bit for bit) against high-precision references at f = 24, on 2 x 10^4 inputs (half log-uniform magnitudes over
 * [2^-24, 2^37) of both signs, half uniform over [-20, 20]) plus edges: the error in ulps must stay within the bounds
 * of docs/security/exact-math.md section 9, and the backward's derivative at exact zero follows DL4J's side.
 */
@Timeout(300)
class SmoothActivationBoundsTest {
    static final int F = 24;
    static final MathContext MC = new MathContext(34);
    static final double EXP_F_ULPS = 6.5 + 1e-6; // (1.5 m - 1) F-ulps, m = 5 digits at f = 24
    static final double TWO_F = Math.scalb(1.0, F - ExactFunctions.INTERNAL_BITS);

    /** softsign: the reciprocal's bound at shift f - 29 plus the clip's 1/8 ulp. */
    static final double SOFTSIGN_BOUND = 0.5 + ExactRoots.RECIPROCAL_MANTISSA_ULPS * Math.scalb(1.0,
            F - ExactRoots.INTERNAL_BITS) + 0.125;

    /** ELU/SELU negative side: rounding, the exp's error and its clip (2^-6 ulp), the constant's rounding. */
    static double negativeBound(double c) {
        int q = SmoothActivation.negScaleBits(c);
        return 0.5 + c * (EXP_F_ULPS * TWO_F + Math.scalb(1.0, -6)) + Math.scalb(1.0, F - q - 1);
    }

    /** SELU positive side: rounding of (lambda - 1) x and the constant's rounding times x (in ulps). */
    static double seluPositiveBound(long x) {
        return 0.5 + x * Math.scalb(1.0, -SmoothActivation.SELU_POSITIVE_BITS - 1);
    }

    static long[] inputs(int n, Random r) {
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            if ((i & 1) == 0) {
                x[i] = (long) ((r.nextDouble() * 40 - 20) * (1 << F));
            } else {
                int k = r.nextInt(37);
                long v = (1L << k) | (k == 0 ? 0 : r.nextLong() & ((1L << k) - 1));
                x[i] = r.nextBoolean() ? v : -v;
            }
        }
        long[] edges = {0, 1, -1, 2, -2, 1L << F, -(1L << F), 1L << 36, -(1L << 36), (1L << 37) - 1,
            -(1L << 37) + 1, 1L << (2 * F + 3), -(1L << (2 * F + 3)), (1L << (2 * F + 3)) + 1};
        long[] all = java.util.Arrays.copyOf(x, n + edges.length);
        System.arraycopy(edges, 0, all, n, edges.length);
        return all;
    }

    static BigDecimal exp(double v) {
        return new BigDecimal(StrictMath.exp(v)); // relative 2^-52: far below the bounds' margins
    }

    static double error(BigDecimal exact, long out) {
        return exact.multiply(BigDecimal.valueOf(1L << F)).subtract(BigDecimal.valueOf(out)).abs().doubleValue();
    }

    @Test
    void softsignEluSeluWithinTheirBounds() {
        InsecurePlaintextBackend be = new InsecurePlaintextBackend(FixedPoint.of(F));
        long[] x = inputs(20_000, new Random(3));
        ProtocolId id = ProtocolId.of("act");
        long[] ss = new SmoothActivation(SmoothActivation.Kind.SOFTSIGN).forward(be, x, id).y();
        long[] elu = SmoothActivation.elu(1.0).forward(be, x, id).y();
        long[] elu2 = SmoothActivation.elu(0.3).forward(be, x, id).y();
        long[] selu = new SmoothActivation(SmoothActivation.Kind.SELU).forward(be, x, id).y();
        double maxSs = 0, maxElu = 0, maxSelu = 0;
        for (int i = 0; i < x.length; i++) {
            BigDecimal xv = new BigDecimal(x[i]).divide(BigDecimal.valueOf(1L << F), MC);
            double xd = Math.scalb((double) x[i], -F);
            // softsign
            BigDecimal s = xv.divide(BigDecimal.ONE.add(xv.abs()), MC);
            double e = error(s, ss[i]);
            assertTrue(e <= SOFTSIGN_BOUND, "softsign(" + xd + "): error " + e + " > " + SOFTSIGN_BOUND);
            maxSs = Math.max(maxSs, e);
            // ELU alpha 1 and 0.3
            for (double alpha : new double[] {1.0, 0.3}) {
                long out = alpha == 1.0 ? elu[i] : elu2[i];
                if (x[i] > 0) {
                    assertEquals(x[i], out, "ELU(" + xd + ") of a positive input is the input");
                } else {
                    BigDecimal v = exp(xd).subtract(BigDecimal.ONE).multiply(new BigDecimal(alpha));
                    double err = error(v, out);
                    assertTrue(err <= negativeBound(alpha), "ELU_" + alpha + "(" + xd + "): error " + err);
                    maxElu = Math.max(maxElu, err);
                }
            }
            // SELU
            BigDecimal lambda = new BigDecimal(SmoothActivation.SELU_LAMBDA);
            if (x[i] >= 1L << 38) {
                continue; // SELU's positive side needs x (lambda - 1) 2^27 < 2^61: the range guard's condition
            }
            if (x[i] > 0) {
                double err = error(xv.multiply(lambda), selu[i]);
                assertTrue(err <= seluPositiveBound(x[i]), "SELU(" + xd + "): error " + err);
                if (x[i] < 1L << 27) {
                    maxSelu = Math.max(maxSelu, err);
                }
            } else {
                BigDecimal v = exp(xd).subtract(BigDecimal.ONE).multiply(lambda)
                        .multiply(new BigDecimal(SmoothActivation.SELU_ALPHA));
                double err = error(v, selu[i]);
                double bound = negativeBound(SmoothActivation.SELU_LAMBDA * SmoothActivation.SELU_ALPHA);
                assertTrue(err <= bound, "SELU(" + xd + "): error " + err + " > " + bound);
                maxSelu = Math.max(maxSelu, err);
            }
        }
        System.out.printf("max error (ulps, f = 24): softsign %.4f (bound %.4f), ELU %.4f (bound %.4f at alpha 1), "
                + "SELU %.4f (negative side bound %.4f; positive side below 2^27 ulps)%n", maxSs, SOFTSIGN_BOUND,
                maxElu, negativeBound(1.0), maxSelu,
                negativeBound(SmoothActivation.SELU_LAMBDA * SmoothActivation.SELU_ALPHA));
        assertTrue(maxSs < 1 && maxElu < 1 && maxSelu < 1, "faithful where the bounds say so");
    }

    @Test
    void eluAlphaOutsideItsRangeIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SmoothActivation.elu(-1)).getMessage()
                .contains("alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SmoothActivation.elu(Double.NaN)).getMessage()
                .contains("alpha"));
    }
}
