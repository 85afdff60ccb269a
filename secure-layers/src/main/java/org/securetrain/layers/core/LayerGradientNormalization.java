package org.securetrain.layers.core;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.securetrain.layermath.L2Normalization;

/**
 * A layer's L2-norm gradient normalisation (DL4J's {@code RenormalizeL2PerLayer}, {@code RenormalizeL2PerParamType},
 * {@code ClipL2PerLayer}, {@code ClipL2PerParamType}): what is normalised and over which group, the layer's whole
 * gradient (all its trained parameters together) or each parameter type on its own.
 *
 * @param normalization renormalise or clip, with the threshold
 * @param perLayer      one norm over the layer's whole gradient (else one per parameter type)
 */
public record LayerGradientNormalization(L2Normalization normalization, boolean perLayer) {

    public LayerGradientNormalization {
        java.util.Objects.requireNonNull(normalization, "normalization");
    }

    /** The L2 kinds of {@code gn}; null for None, null and the element-wise clipping (handled per element). */
    public static LayerGradientNormalization of(GradientNormalization gn, double threshold) {
        if (gn == null) {
            return null;
        }
        return switch (gn) {
            case RenormalizeL2PerLayer -> new LayerGradientNormalization(renormalize(), true);
            case RenormalizeL2PerParamType -> new LayerGradientNormalization(renormalize(), false);
            case ClipL2PerLayer -> new LayerGradientNormalization(
                    new L2Normalization(L2Normalization.Mode.CLIP, threshold), true);
            case ClipL2PerParamType -> new LayerGradientNormalization(
                    new L2Normalization(L2Normalization.Mode.CLIP, threshold), false);
            case None, ClipElementWiseAbsoluteValue -> null;
        };
    }

    /** Null when {@code gn} with {@code threshold} runs on shares, else why not. */
    public static String whyUnsupported(GradientNormalization gn, double threshold) {
        if (gn == GradientNormalization.ClipL2PerLayer || gn == GradientNormalization.ClipL2PerParamType) {
            String why = L2Normalization.whyInvalid(L2Normalization.Mode.CLIP, threshold);
            return why == null ? null : gn + ": " + why;
        }
        if (gn == GradientNormalization.ClipElementWiseAbsoluteValue && !(threshold > 0)) {
            // the element-wise clip treats 0 as "no clipping"; DL4J clips every element to [-t, t], i.e. to 0
            return gn + ": threshold must be > 0, got " + threshold + " (DL4J would clip every gradient element to 0, "
                    + "so the layer would not train)";
        }
        return null;
    }

    private static L2Normalization renormalize() {
        return new L2Normalization(L2Normalization.Mode.RENORMALIZE, 0);
    }
}
