package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.ForwardingBackend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * exp, sigmoid and tanh on the plaintext reference backend (the integer algorithm the two-party backend runs bit for
 * bit, {@link ExactFunctionsTwoPartyTest}) against double references, over the whole 64-bit input range: the
 * maximum error in output ulps must stay within the bound proven in docs/security/exact-math.md, and the saturated
 * values must be exact.
 */
@Timeout(300)
class ExactFunctionsTest {
    static final int F = ExactFunctions.INTERNAL_BITS;

    enum Fn {
        EXP, SIGMOID, TANH
    }

    /** The proven bound in output ulps (docs/security/exact-math.md): half an ulp plus the internal error. */
    static double bound(Fn fn, ExactFunctions ef, int f) {
        double internal = 1.5 * ef.digits() - 1; // F-ulps of exp(-u) before rounding
        double clip = Math.scalb(1.0, -ExactFunctions.CLIP_GUARD); // output ulps, inputs beyond the clip point
        double fToF = Math.scalb(1.0, f - F);
        return switch (fn) {
            case EXP -> 0.5 + internal * fToF + clip;
            case SIGMOID -> 0.5 + (internal + 1 + RECIPROCAL_F_ULPS) * fToF + clip; // + 1: the halving root floor
            case TANH -> 0.5 + 2 * ((internal + 1 + RECIPROCAL_F_ULPS) * fToF + clip);
        };
    }

    /** Newton's residual after its four steps, in F-ulps, for every z in [1, 2] (exact-math.md). */
    static final double RECIPROCAL_F_ULPS = 1.001;

    static double reference(Fn fn, double x) {
        return switch (fn) {
            case EXP -> Math.exp(Math.min(x, 0));
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case TANH -> Math.tanh(x);
        };
    }

    static long[] compute(Fn fn, ExactFunctions ef, long[] x) {
        ProtocolId id = ProtocolId.of("fn");
        return switch (fn) {
            case EXP -> ef.exp(x, id);
            case SIGMOID -> ef.sigmoid(x, id);
            case TANH -> ef.tanh(x, id);
        };
    }

    /** n random inputs: half log-uniform magnitudes over [2^-f, 2^63) both signs, half uniform over the live range. */
    static long[] inputs(Fn fn, int f, int n, ExactFunctions ef, Random r) {
        long[] x = new long[n];
        long live = fn == Fn.EXP ? ef.clipPoint() + (1L << f) : ef.clipPoint();
        int k = 0;
        for (long e : edges(fn, f, ef)) {
            x[k++] = e;
        }
        for (; k < n; k++) {
            if (k % 2 == 0) {
                double mag = Math.pow(2, r.nextDouble() * 63);
                long v = mag >= 0x1p63 ? Long.MAX_VALUE : (long) mag;
                x[k] = r.nextBoolean() ? v : -v;
            } else {
                x[k] = (long) ((r.nextDouble() * 2 - 1) * live);
            }
        }
        return x;
    }

    /** 0, one or two ulps each side, the clip points, the saturation points and the extremes, with neighbours. */
    static long[] edges(Fn fn, int f, ExactFunctions ef) {
        long u = ef.clipPoint();
        double ln2 = Math.log(2);
        long satSigmoid = (long) ((f + 1) * ln2 * Math.scalb(1.0, f));
        long satTanh = (long) ((f + 2) * ln2 / 2 * Math.scalb(1.0, f));
        long[] centres = {0, u, u / 2, satSigmoid, satTanh, 1L << f, Long.MAX_VALUE - 3, 1L << 62};
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (long c : centres) {
            for (int d = -3; d <= 3; d++) {
                out.add(c + d);
                out.add(-(c + d));
            }
        }
        out.add(Long.MIN_VALUE);
        out.add(Long.MIN_VALUE + 1);
        out.add(Long.MAX_VALUE);
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The largest error in output ulps over the inputs, asserting the bound on every one. */
    static double maxError(Fn fn, int f, int n, long seed) {
        InsecurePlaintextBackend be = new InsecurePlaintextBackend(FixedPoint.of(f));
        ExactFunctions ef = new ExactFunctions(be);
        long[] x = inputs(fn, f, n, ef, new Random(seed));
        long[] y = compute(fn, ef, x);
        double bound = bound(fn, ef, f);
        assertTrue(bound < 1, fn + " at f=" + f + ": the proven bound " + bound + " is not below one ulp");
        double max = 0;
        long worst = 0;
        for (int i = 0; i < n; i++) {
            double ref = reference(fn, Math.scalb((double) x[i], -f)) * Math.scalb(1.0, f);
            double err = Math.abs(y[i] - ref);
            if (err > max) {
                max = err;
                worst = x[i];
            }
            if (err > bound) {
                throw new AssertionError(fn + " at f=" + f + ": x=" + x[i] + " (" + Math.scalb((double) x[i], -f)
                        + ") gives " + y[i] + ", reference " + ref + ", error " + err + " ulp > bound " + bound);
            }
        }
        System.out.printf("%s f=%d (%d digits of %d bits): max error %.4f ulp at x=%d, proven bound %.4f ulp,"
                + " %d inputs%n", fn, f, ef.digits(), ef.digitBits(), max, worst, bound, n);
        return max;
    }

    @Test
    void expOnAMillionInputsAtF24() {
        maxError(Fn.EXP, 24, 1_000_000, 1);
    }

    @Test
    void sigmoidOnAMillionInputsAtF24() {
        maxError(Fn.SIGMOID, 24, 1_000_000, 2);
    }

    @Test
    void tanhOnAMillionInputsAtF24() {
        maxError(Fn.TANH, 24, 1_000_000, 3);
    }

    @Test
    void otherScales() {
        for (int f : new int[] {16, 20}) {
            for (Fn fn : Fn.values()) {
                maxError(fn, f, 200_000, 10L * f + fn.ordinal());
            }
        }
    }

    /** Saturated inputs give exactly 0 / 1 / -1, 0 gives exactly 1, 1/2 and 0. */
    @Test
    void saturationAndZeroAreExact() {
        int f = 24;
        ExactFunctions ef = new ExactFunctions(new InsecurePlaintextBackend(FixedPoint.of(f)));
        long one = 1L << f;
        long[] x = {0, 40 * one, -40 * one, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62, -(1L << 62)};
        long[] e = ef.exp(x, ProtocolId.of("e"));
        long[] s = ef.sigmoid(x, ProtocolId.of("s"));
        long[] t = ef.tanh(x, ProtocolId.of("t"));
        long[][] expected = {
            {one, one, 0, one, 0, one, 0},
            {one / 2, one, 0, one, 0, one, 0},
            {0, one, -one, one, -one, one, -one}};
        long[][] got = {e, s, t};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < x.length; i++) {
                assertEquals(expected[k][i], got[k][i], Fn.values()[k] + " of " + x[i]);
            }
        }
    }

    /** 1/(1 + e) at F from e/2 against the exact quotient 2^2F / (2^F + e), for every e in [0, 1] sampled densely. */
    @Test
    void reciprocalWithinItsResidual() {
        ExactFunctions ef = new ExactFunctions(new InsecurePlaintextBackend(FixedPoint.of(24)));
        Random r = new Random(5);
        int n = 400_000;
        long[] h = new long[n];
        for (int i = 0; i < n; i++) {
            h[i] = i < 1000 ? i : i < 2000 ? (1L << (F - 1)) - (i - 1000) : (long) (r.nextDouble() * (1L << (F - 1)));
        }
        long[] y = ef.reciprocalOfOnePlus(h, ProtocolId.of("r"));
        double max = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.scalb(1.0, 2 * F) / ((1L << F) + 2 * h[i]);
            max = Math.max(max, Math.abs(y[i] - exact));
        }
        System.out.printf("reciprocal: max error %.5f F-ulp over %d z in [1, 2]%n", max, n);
        assertTrue(max <= RECIPROCAL_F_ULPS, "reciprocal error " + max + " F-ulp");
    }

    /** Every value the functions truncate lies inside the range guard's [-2^61, 2^61) (and so the floor's 2^62). */
    @Test
    void everyTruncationInputIsInsideTheRangeGuard() {
        long[] max = {0};
        ForwardingBackend watch = new ForwardingBackend(new InsecurePlaintextBackend(FixedPoint.of(24))) {
            @Override
            protected void beforeTruncate(long[] x, int bits, ProtocolId id) {
                for (long v : x) {
                    max[0] = Math.max(max[0], v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v));
                }
            }
        };
        ExactFunctions ef = new ExactFunctions(watch);
        for (Fn fn : Fn.values()) {
            compute(fn, ef, inputs(fn, 24, 100_000, ef, new Random(9)));
        }
        System.out.printf("largest truncation input: 2^%.3f%n", Math.log(max[0]) / Math.log(2));
        assertTrue(max[0] < 1L << 61, "a truncation input reached " + max[0]);
    }

    @Test
    void refusesScalesBeyondItsPrecision() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ExactFunctions(new InsecurePlaintextBackend(FixedPoint.of(26))));
        assertTrue(e.getMessage().contains("at most 24 fraction bits"), e.getMessage());
    }

    /** Tables and digits agree with the documented layout (the top digit covers the clip point). */
    @Test
    void digitsCoverTheClipPoint() {
        for (int f : new int[] {8, 16, 20, 24}) {
            ExactFunctions ef = new ExactFunctions(new InsecurePlaintextBackend(FixedPoint.of(f)));
            double u = Math.scalb((double) ef.clipPoint(), -f);
            assertTrue(Math.exp(-u) <= Math.scalb(1.0, -(f + ExactFunctions.CLIP_GUARD)), "f=" + f);
            assertTrue(ef.clipPoint() < 1L << (ef.digits() * ef.digitBits()), "f=" + f);
        }
    }
}
