package org.securetrain.layermath;

import java.util.List;

/**
 * The public constants of one step of an adaptive updater (DL4J's {@code Adam}, {@code Nadam}, {@code AMSGrad},
 * {@code AdaMax}, {@code AdaGrad}, {@code RmsProp}, {@code AdaDelta}), evaluated at the step's iteration: everything here is known to
 * both parties (hyper-parameters and the iteration count t = iteration + 1 of DL4J's bias correction).
 *
 * @param rule         which updater
 * @param learningRate learning rate at this iteration (schedules already evaluated); unused by AdaDelta
 * @param beta1        first-moment decay (Adam family), unused otherwise
 * @param beta2        second-moment decay (Adam family), RmsProp's decay, AdaDelta's rho; unused by AdaGrad
 * @param epsilon      DL4J's epsilon (added to the root of the second moment)
 * @param iteration    DL4J's iteration counter (0 at the first step)
 */
public record AdaptiveStep(Rule rule, double learningRate, double beta1, double beta2, double epsilon, int iteration) {

    /** The updaters, with DL4J's names of their state arrays (the keys of {@code GradientUpdater.getState()}). */
    public enum Rule {
        ADAM("M", "V"),
        NADAM("M", "V"),
        AMSGRAD("M", "V", "V_HAT"),
        ADAMAX("M", "V"),
        ADAGRAD("grad"),
        RMSPROP("G"),
        /** AdaDelta: no learning rate; its decay rho is kept as beta2. */
        ADADELTA("msg", "msdx");

        private final List<String> stateNames;

        Rule(String... names) {
            this.stateNames = List.of(names);
        }

        public List<String> stateNames() {
            return stateNames;
        }

        boolean adamFamily() {
            return this == ADAM || this == NADAM || this == AMSGRAD || this == ADAMAX;
        }
    }

    public AdaptiveStep {
        java.util.Objects.requireNonNull(rule, "rule");
        String why = whyInvalid(rule, learningRate, beta1, beta2, epsilon);
        if (why != null) {
            throw new IllegalArgumentException(rule + ": " + why);
        }
        if (iteration < 0) {
            throw new IllegalArgumentException(rule + ": iteration must be >= 0, got " + iteration);
        }
    }

    /** Largest AdaDelta rho: 1 / sqrt(1 - rho) &lt; 2^10 bounds g / sqrt(msg + eps). */
    public static final double MAX_ADADELTA_RHO = 1 - 0x1p-20;

    /** Smallest epsilon: 1/(sqrt(v) + eps) must stay inside the fixed-point range of the reciprocal. */
    public static final double MIN_EPSILON = 1e-10;

    /** Null when the hyper-parameters can run on shares, else why not. */
    public static String whyInvalid(Rule rule, double lr, double beta1, double beta2, double epsilon) {
        if (rule == Rule.ADADELTA) {
            if (!(beta2 > 0 && beta2 <= MAX_ADADELTA_RHO)) {
                return "rho must be in (0, " + MAX_ADADELTA_RHO + "] (g / sqrt(msg + eps) <= 1 / sqrt(1 - rho) sizes "
                        + "the fixed-point product), got " + beta2;
            }
            return epsilon >= MIN_EPSILON && epsilon < 1 ? null : "epsilon must be in [" + MIN_EPSILON + ", 1) "
                    + "(sqrt(msdx + eps) and 1/sqrt(msg + eps) must fit the fixed-point range), got " + epsilon;
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            return "learning rate must be positive and finite, got " + lr;
        }
        if (rule.adamFamily() && !(beta1 >= 0 && beta1 < 1)) {
            return "beta1 must be in [0, 1), got " + beta1;
        }
        if (rule != Rule.ADAGRAD && !(beta2 > 0 && beta2 < 1)) {
            return (rule == Rule.RMSPROP ? "decay" : "beta2") + " must be in (0, 1), got " + beta2;
        }
        if ((rule == Rule.ADAM || rule == Rule.NADAM || rule == Rule.AMSGRAD) && !(beta1 * beta1 < beta2)) {
            return "needs beta1^2 < beta2 (the bound on |m| / sqrt(v) that sizes the fixed-point product), got beta1 "
                    + beta1 + ", beta2 " + beta2;
        }
        if (rule == Rule.ADAMAX && !(beta1 < beta2)) {
            return "needs beta1 < beta2 (the bound on |m| / u), got beta1 " + beta1 + ", beta2 " + beta2;
        }
        if (rule != Rule.ADAMAX && !(epsilon >= MIN_EPSILON && epsilon < 1)) {
            return "epsilon must be in [" + MIN_EPSILON + ", 1) (1/(sqrt(v) + eps) must fit the fixed-point range), "
                    + "got " + epsilon;
        }
        return null;
    }

    /** DL4J's step size for the Adam family at t = iteration + 1 (its fallback to epsilon when not finite and positive). */
    public double alpha() {
        int t = iteration + 1;
        double a = switch (rule) {
            case ADAM, AMSGRAD -> learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
            case NADAM, ADAMAX -> learningRate / (1 - Math.pow(beta1, t));
            case ADAGRAD, RMSPROP -> learningRate;
            case ADADELTA -> 1; // AdaDelta has no learning rate (DL4J's getLearningRate is NaN)
        };
        return Double.isFinite(a) && a > 0 ? a : epsilon;
    }

    /**
     * A bound on |numerator| / denominator of the step (|m| / (sqrt(v) + eps) and its siblings), which sizes the
     * fixed-point product: Cauchy-Schwarz over the moments' weights (exact real arithmetic), doubled, or the ratio a
     * constant gradient too small for one ulp of the state scale {@code stateBits} reaches over eps, whichever is
     * larger. Not a proof for every sequence of fixed-point floors: the product's exact floor runs under the range
     * guard, which stops the run if the bound is ever exceeded.
     */
    public double ratioBound(int stateBits) {
        double b1 = beta1;
        double b2 = beta2;
        double cs = switch (rule) {
            case ADAM, AMSGRAD -> (1 - b1) / Math.sqrt((1 - b2) * (1 - b1 * b1 / b2));
            case NADAM -> Math.sqrt(((1 - b1 * b1) * (1 - b1 * b1)
                    + b1 * b1 * (1 - b1) * (1 - b1) * (b1 * b1 / b2) / (1 - b1 * b1 / b2)) / (1 - b2));
            case ADAMAX -> (1 - b1) / (1 - b1 / b2);
            case ADAGRAD -> 1;
            case RMSPROP, ADADELTA -> 1 / Math.sqrt(1 - b2);
        };
        double cutoff = switch (rule) {
            case ADAM, AMSGRAD, NADAM, RMSPROP -> Math.scalb(1.0, -stateBits / 2) / Math.sqrt(1 - b2) / epsilon;
            case ADAMAX, ADAGRAD, ADADELTA -> 0;
        };
        return Math.max(2 * Math.max(cs, 1), cutoff);
    }
}
