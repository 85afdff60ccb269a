package org.securetrain.layermath;

/**
 * What DL4J's updater does to a parameter's gradient besides the optimiser itself, with every coefficient already
 * evaluated at the current iteration and epoch (schedules are public functions of the counters), in DL4J's order:
 * divide by the batch size, clip each element to [-clip, clip] ({@code ClipElementWiseAbsoluteValue}), add
 * {@code l2 * w} and {@code l1 * sign(w)} (before the updater), run the updater, then add {@code decay * w} to the
 * update (weight decay, already multiplied by the learning rate when DL4J's {@code applyLR} is set).
 *
 * @param clip  the element-wise clipping threshold, or 0 for none
 * @param l2    L2 coefficient (0: none)
 * @param l1    L1 coefficient (0: none)
 * @param decay weight-decay coefficient applied after the updater (0: none)
 */
public record GradientTerms(double clip, double l2, double l1, double decay) {
    public static final GradientTerms NONE = new GradientTerms(0, 0, 0, 0);

    public GradientTerms {
        for (double v : new double[] {clip, l2, l1, decay}) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("gradient terms must be finite and non-negative, got clip " + clip
                        + ", l2 " + l2 + ", l1 " + l1 + ", decay " + decay);
            }
        }
    }

    public boolean isNone() {
        return clip == 0 && l2 == 0 && l1 == 0 && decay == 0;
    }
}
