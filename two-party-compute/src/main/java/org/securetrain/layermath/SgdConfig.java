package org.securetrain.layermath;

/**
 * Plain SGD or Nesterov momentum (DL4J's {@code Sgd} and {@code Nesterovs} updaters) on weight shares.
 * Gradients arrive as sums over the minibatch (DL4J's convention: the updater divides by the batch
 * size), so the public step is lr / batch.
 */
public record SgdConfig(double learningRate, double momentum) {
    /** Significant bits kept of every public constant (lr / batch, mu, 1 + mu). */
    public static final int CONSTANT_BITS = 22;

    public SgdConfig {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
    }

    public static SgdConfig sgd(double learningRate) {
        return new SgdConfig(learningRate, 0);
    }

    public static SgdConfig nesterov(double learningRate, double momentum) {
        return new SgdConfig(learningRate, momentum);
    }

    /**
     * A public positive constant c as round(c * 2^shift) with CONSTANT_BITS significant bits: multiplying a
     * share by {@code mantissa} and truncating by {@code shift} multiplies by c with relative error below
     * 2^-21, whatever the size of c.
     */
    public record Constant(long mantissa, int shift) {
        public static Constant of(double c) {
            if (!(c > 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("public constant must be positive and finite, got " + c);
            }
            int shift = CONSTANT_BITS - 1 - Math.getExponent(c);
            if (shift < 0 || shift > 60) {
                throw new IllegalArgumentException("public constant " + c + " is out of the supported range");
            }
            return new Constant(Math.round(Math.scalb(c, shift)), shift);
        }
    }
}
