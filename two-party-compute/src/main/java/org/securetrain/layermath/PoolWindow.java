package org.securetrain.layermath;

/**
 * The public geometry a pooling kernel applies to every image of a batch: {@code channels} planes of
 * {@code height} x {@code width}, windows of {@code kh} x {@code kw} taps moved by {@code sh} x {@code sw}.
 * The kernels validate it against their own padding rules.
 */
record PoolWindow(int channels, int height, int width, int kh, int kw, int sh, int sw) {

    /** Taps per window. */
    int taps() {
        return kh * kw;
    }
}
