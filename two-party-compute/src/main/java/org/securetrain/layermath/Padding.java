package org.securetrain.layermath;

/**
 * Explicit padding of NCHW tensors and its adjoint, the crop: local linear maps on shares (each party pads its own
 * share; a padding of zeros is a sharing of zeros). Used for DL4J's {@code ZeroPaddingLayer} and the asymmetric
 * padding of {@code ConvolutionMode.Same}.
 */
public final class Padding {
    private Padding() {
    }

    /**
     * [b, c, h, w] -&gt; [b, c, h + top + bottom, w + left + right]; the new cells hold {@code fill} (0 for zero
     * padding: pass the fill only at one party for another public constant).
     */
    public static long[] pad(long[] x, int b, int c, int h, int w, int top, int bottom, int left, int right, long fill) {
        check(x.length, (long) b * c * h * w, "input");
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + top + "," + bottom + "," + left + ","
                    + right);
        }
        int ph = h + top + bottom;
        int pw = w + left + right;
        long[] y = new long[b * c * ph * pw];
        if (fill != 0) {
            java.util.Arrays.fill(y, fill);
        }
        for (int bc = 0; bc < b * c; bc++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(x, (bc * h + i) * w, y, (bc * ph + i + top) * pw + left, w);
            }
        }
        return y;
    }

    /** The adjoint of {@link #pad}: [b, c, h + top + bottom, w + left + right] -&gt; [b, c, h, w], the inner cells. */
    public static long[] crop(long[] y, int b, int c, int h, int w, int top, int bottom, int left, int right) {
        int ph = h + top + bottom;
        int pw = w + left + right;
        check(y.length, (long) b * c * ph * pw, "padded tensor");
        long[] x = new long[b * c * h * w];
        for (int bc = 0; bc < b * c; bc++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(y, (bc * ph + i + top) * pw + left, x, (bc * h + i) * w, w);
            }
        }
        return x;
    }

    private static void check(int got, long expected, String what) {
        if (got != expected) {
            throw new IllegalArgumentException(what + " has " + got + " elements, expected " + expected);
        }
    }
}
