package org.securetrain.layers;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.securetrain.layermath.ElementwiseActivation;
import org.securetrain.layermath.PiecewiseLinear;
import org.securetrain.layermath.SmoothActivation;

/**
 * The DL4J activations a secure hidden layer computes exactly on shares: plain ReLU (fused with the truncation,
 * {@link SecureReLU}), identity, and the piecewise-linear ones with public breakpoints as {@link PiecewiseLinear}
 * (comparisons and multiplexers; DL4J's own formulas and its side of every edge, e.g. LeakyReLU's slope 1 at 0,
 * HardTanh's derivative 1 on the closed [-1, 1]), and sigmoid, tanh, softsign, ELU, SELU and softplus with a proven
 * error bound ({@link SmoothActivation}, docs/security/exact-math.md). Everything else (softmax, random-slope RReLU,
 * ...) is refused here.
 */
public final class SecureActivations {
    private SecureActivations() {
    }

    /** Null when a hidden layer can compute {@code a} on shares, else why not. */
    public static String whyUnsupported(IActivation a) {
        if (a == null) {
            return "no activation configured";
        }
        if (a instanceof SecureReLU || a instanceof ActivationIdentity || isPlainRelu(a)) {
            return null;
        }
        if (a.getClass() == ActivationReLU.class) {
            ActivationReLU r = (ActivationReLU) a;
            double t = r.getThreshold() == null ? 0 : r.getThreshold();
            if (r.getMax() != null && !(r.getMax() > t)) {
                return "ReLU with max " + r.getMax() + " not above its threshold " + t;
            }
            return null;
        }
        if (a.getClass() == ActivationLReLU.class || a.getClass() == ActivationReLU6.class
                || a.getClass() == ActivationHardTanH.class || a.getClass() == ActivationHardSigmoid.class
                || a.getClass() == ActivationThresholdedReLU.class) {
            return null;
        }
        if (a.getClass() == ActivationSigmoid.class || a.getClass() == ActivationTanH.class
                || a.getClass() == ActivationSoftSign.class || a.getClass() == ActivationSELU.class
                || a.getClass() == ActivationSoftPlus.class) {
            return null;
        }
        if (a.getClass() == ActivationELU.class) {
            double alpha = ((ActivationELU) a).getAlpha();
            return alpha >= 0 && alpha <= SmoothActivation.MAX_ELU_ALPHA ? null
                    : "ELU alpha " + alpha + " outside [0, " + SmoothActivation.MAX_ELU_ALPHA + "]";
        }
        return "activation " + a + " is not supported on shares (supported: ReLU with any cap, threshold or slope, "
                + "LeakyReLU, ReLU6, ThresholdedReLU, HardTanh, HardSigmoid, identity, sigmoid, tanh, softsign, ELU, "
                + "SELU, softplus; others would need an approximation or a reveal)";
    }

    /** Plain ReLU (no cap, threshold or slope): the fused kind. */
    public static boolean isPlainRelu(IActivation a) {
        if (a == null || a.getClass() != ActivationReLU.class) {
            return false;
        }
        ActivationReLU r = (ActivationReLU) a;
        return r.getMax() == null && zeroOrNull(r.getThreshold()) && zeroOrNull(r.getNegativeSlope());
    }

    /** sigmoid, tanh, softsign, ELU, SELU or softplus as computed on shares, else null. */
    public static SmoothActivation smooth(IActivation a) {
        if (a != null && a.getClass() == ActivationSoftPlus.class) {
            return new SmoothActivation(SmoothActivation.Kind.SOFTPLUS);
        }
        if (a != null && a.getClass() == ActivationSoftSign.class) {
            return new SmoothActivation(SmoothActivation.Kind.SOFTSIGN);
        }
        if (a != null && a.getClass() == ActivationELU.class) {
            return SmoothActivation.elu(((ActivationELU) a).getAlpha());
        }
        if (a != null && a.getClass() == ActivationSELU.class) {
            return new SmoothActivation(SmoothActivation.Kind.SELU);
        }
        if (a != null && a.getClass() == ActivationSigmoid.class) {
            return new SmoothActivation(SmoothActivation.Kind.SIGMOID);
        }
        if (a != null && a.getClass() == ActivationTanH.class) {
            return new SmoothActivation(SmoothActivation.Kind.TANH);
        }
        return null;
    }

    /**
     * A supported hidden activation other than plain/fused ReLU and identity as computed after the truncated product
     * (null for those): sigmoid, tanh, softsign, ELU, SELU and softplus ({@link #smooth}) or the piecewise-linear form ({@link #piecewise}).
     */
    public static ElementwiseActivation elementwise(IActivation a) {
        SmoothActivation s = smooth(a);
        return s != null ? s : piecewise(a);
    }

    /**
     * The piecewise-linear form of a supported activation other than plain/fused ReLU, identity and the smooth ones
     * (null for the first two), in DL4J's semantics as measured on DL4J 1.0.0-M2.1 (values and derivatives at every edge).
     */
    public static PiecewiseLinear piecewise(IActivation a) {
        String why = whyUnsupported(a);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        if (a instanceof SecureReLU || a instanceof ActivationIdentity || isPlainRelu(a)) {
            return null;
        }
        if (smooth(a) != null) {
            throw new IllegalArgumentException(a + " is not piecewise linear (see smooth)");
        }
        if (a instanceof ActivationLReLU l) {
            // x >= 0: x (DL4J's derivative is 1 at 0); else alpha x
            return new PiecewiseLinear(a.toString(), new double[] {0}, new boolean[] {true},
                    new double[] {l.getAlpha(), 1}, new double[] {0, 0});
        }
        if (a instanceof ActivationReLU6) {
            // derivative 1 on the open (0, 6)
            return new PiecewiseLinear(a.toString(), new double[] {0, 6}, new boolean[] {false, true},
                    new double[] {0, 1, 0}, new double[] {0, 0, 6});
        }
        if (a instanceof ActivationHardTanH) {
            // derivative 1 on the closed [-1, 1]
            return new PiecewiseLinear(a.toString(), new double[] {-1, 1}, new boolean[] {true, false},
                    new double[] {0, 1, 0}, new double[] {-1, 0, 1});
        }
        if (a instanceof ActivationHardSigmoid) {
            // clamp(0.2 x + 0.5, 0, 1), derivative 0.2 on the closed [-2.5, 2.5]
            return new PiecewiseLinear(a.toString(), new double[] {-2.5, 2.5}, new boolean[] {true, false},
                    new double[] {0, 0.2, 0}, new double[] {0, 0.5, 1});
        }
        if (a instanceof ActivationThresholdedReLU t) {
            // x > theta: x, else 0 (a jump at theta)
            return new PiecewiseLinear(a.toString(), new double[] {t.getTheta()}, new boolean[] {false},
                    new double[] {0, 1}, new double[] {0, 0});
        }
        ActivationReLU r = (ActivationReLU) a;
        // x < t: slope (x - t) (0 without a slope); x >= t: x; x >= max: max (derivative 0 from max on)
        double t = r.getThreshold() == null ? 0 : r.getThreshold();
        double s = r.getNegativeSlope() == null ? 0 : r.getNegativeSlope();
        if (r.getMax() == null) {
            return new PiecewiseLinear(a.toString(), new double[] {t}, new boolean[] {true},
                    new double[] {s, 1}, new double[] {-s * t, 0});
        }
        return new PiecewiseLinear(a.toString(), new double[] {t, r.getMax()}, new boolean[] {true, true},
                new double[] {s, 1, 0}, new double[] {-s * t, 0, r.getMax()});
    }

    /**
     * The piecewise-linear form of any supported activation applied on its own (an activation layer, on values at
     * scale f): plain ReLU is [x &gt; 0] x here (DL4J's derivative 0 at 0), identity has no breakpoints.
     */
    public static ElementwiseActivation standalone(IActivation a) {
        if (a instanceof SecureReLU || isPlainRelu(a)) {
            return new PiecewiseLinear("relu", new double[] {0}, new boolean[] {false}, new double[] {0, 1},
                    new double[] {0, 0});
        }
        if (a instanceof ActivationIdentity) {
            return new PiecewiseLinear("identity", new double[0], new boolean[0], new double[] {1}, new double[] {0});
        }
        return elementwise(a);
    }

    private static boolean zeroOrNull(Double d) {
        return d == null || d == 0.0;
    }
}
