package org.securetrain.layermath;

/**
 * DL4J's L2-norm gradient normalisation of one group of gradient elements (a layer's whole gradient, or one parameter
 * type's), applied after the division by the batch size and before L1/L2 and the updater
 * ({@code BaseMultiLayerUpdater.preApply} of DL4J 1.0.0-M2.1):
 * <ul>
 *   <li>{@link Mode#RENORMALIZE}: g / ||g||_2 ({@code RenormalizeL2PerLayer}, {@code RenormalizeL2PerParamType}; DL4J
 *       divides an all-zero gradient by 1e-5, which leaves it zero).</li>
 *   <li>{@link Mode#CLIP}: g * threshold / ||g||_2 when ||g||_2 &gt; threshold (strict), else g unchanged
 *       ({@code ClipL2PerLayer}, {@code ClipL2PerParamType}).</li>
 * </ul>
 *
 * @param mode      which normalisation
 * @param threshold the clipping threshold (CLIP only; ignored by RENORMALIZE)
 */
public record L2Normalization(Mode mode, double threshold) {

    /** Renormalise to unit norm, or clip to the threshold. */
    public enum Mode {
        RENORMALIZE, CLIP
    }

    /** Smallest clipping threshold: threshold 2^f must keep a few bits at the fixed-point scale. */
    public static final double MIN_THRESHOLD = 0x1p-16;

    public L2Normalization {
        java.util.Objects.requireNonNull(mode, "mode");
        String why = whyInvalid(mode, threshold);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    /** Null when the normalisation can run on shares, else why not. */
    public static String whyInvalid(Mode mode, double threshold) {
        if (mode == Mode.CLIP && !(threshold >= MIN_THRESHOLD && threshold < 0x1p20)) {
            return "L2 gradient clipping needs a threshold in [2^-16, 2^20), got " + threshold;
        }
        return null;
    }
}
