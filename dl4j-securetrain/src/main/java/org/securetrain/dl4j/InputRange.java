package org.securetrain.dl4j;

import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.securetrain.backend.RangeCheckedBackend;

/**
 * The data owner's check of its features and labels before anything is shared: can the fixed-point format and the
 * network carry them? The first layer's pre-activation is a sum of input values times weights; with weights within
 * ±1 it stays below the L1 norm of the inputs one output reads (the whole example for a dense layer, a kernel window
 * over all channels for a convolution). That norm must stay below 2^(61 - 2f), the safe range of a product at scale 2f
 * ({@link RangeCheckedBackend}), or the very first products leave the range. Labels (regression targets) must stay below
 * 2^(61 - 2f - 6): the label owner's loss gradient multiplies into batch sums of products. Raw 0-255 pixels into an
 * MNIST MLP fail the first check at the default f = 24 (an example's L1 norm is about 2.6e4, the bound 8192).
 * Local to the data owner; nothing is sent.
 */
final class InputRange {
    private final int windowH;
    private final int windowW;

    private InputRange(int windowH, int windowW) {
        this.windowH = windowH;
        this.windowW = windowW;
    }

    /** Whole examples (dense first layer, or unknown). */
    static final InputRange WHOLE_EXAMPLE = new InputRange(0, 0);

    /** From the first layer of the (secure or plain) configuration. */
    static InputRange of(MultiLayerConfiguration conf) {
        return of(conf.getConf(0).getLayer());
    }

    /** From the layer that reads the network input (null: none reads it directly, whole examples). */
    static InputRange of(Layer first) {
        if (first instanceof ConvolutionLayer c && c.getKernelSize() != null && c.getKernelSize().length == 2) {
            int[] d = c.getDilation() == null ? new int[] {1, 1} : c.getDilation();
            return new InputRange((c.getKernelSize()[0] - 1) * d[0] + 1, (c.getKernelSize()[1] - 1) * d[1] + 1);
        }
        return WHOLE_EXAMPLE;
    }

    static double featureBound(int f) {
        return Math.scalb(1.0, RangeCheckedBackend.SAFE_BITS - 2 * f);
    }

    static double labelBound(int f) {
        return Math.scalb(1.0, RangeCheckedBackend.SAFE_BITS - 2 * f - 6);
    }

    /** Null when the batch fits, else the message (naming the value, the bound and the fix). */
    String checkFeatures(double[] x, long[] shape, int f) {
        int batch = (int) shape[0];
        int per = x.length / batch;
        double bound = featureBound(f);
        boolean windows = windowH > 0 && shape.length == 4;
        for (int b = 0; b < batch; b++) {
            double norm = windows ? maxWindowL1(x, b * per, shape) : l1(x, b * per, per);
            if (Double.isNaN(norm) || Double.isInfinite(norm)) {
                return null; // the encoding names the value that cannot be encoded
            }
            if (!(norm < bound)) {
                double max = 0;
                for (int i = b * per; i < (b + 1) * per; i++) {
                    max = Math.max(max, Math.abs(x[i]));
                }
                return String.format(Locale.ROOT, "example %d of the batch: the first layer reads input values with an "
                        + "L1 norm of %.1f (largest |x| %.1f) %s, which the fixed-point format cannot carry: with f = %d "
                        + "a product must stay below 2^(61 - 2f) = %.0f, so the inputs one output of the first layer "
                        + "reads must sum (in absolute value) to less than that. Normalise the features first "
                        + "(DL4J's NormalizerStandardize, or ImagePreProcessingScaler for 0-255 pixels), or use fewer "
                        + "fraction bits f", b, norm, max, windows ? "in one " + windowH + "x" + windowW + " window over "
                        + "all channels" : "over the example", f, bound);
            }
        }
        return null;
    }

    /** Null when the labels fit, else the message. */
    static String checkLabels(double[] y, int f) {
        double bound = labelBound(f);
        for (int i = 0; i < y.length; i++) {
            if (Double.isFinite(y[i]) && !(Math.abs(y[i]) < bound)) {
                return String.format(Locale.ROOT, "label value %s (element %d of the batch's labels) is outside "
                        + "(-%.0f, %.0f), the range the loss gradient can carry at f = %d (2^(55 - 2f)). Normalise the "
                        + "regression targets (DL4J's NormalizerStandardize with fitLabel(true), or "
                        + "NormalizerMinMaxScaler), or use fewer fraction bits f", y[i], i, bound, bound, f, f);
            }
        }
        return null;
    }

    private static double l1(double[] x, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += Math.abs(x[i]);
        }
        return s;
    }

    /** The largest L1 norm over the windowH x windowW windows (all channels) of one NCHW example. */
    private double maxWindowL1(double[] x, int offset, long[] shape) {
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        double best = 0;
        for (int i = 0; i + Math.min(windowH, h) <= h; i++) {
            for (int j = 0; j + Math.min(windowW, w) <= w; j++) {
                double s = 0;
                for (int ch = 0; ch < c; ch++) {
                    for (int a = i; a < Math.min(h, i + windowH); a++) {
                        for (int b = j; b < Math.min(w, j + windowW); b++) {
                            s += Math.abs(x[offset + (ch * h + a) * w + b]);
                        }
                    }
                }
                best = Math.max(best, s);
            }
        }
        return best;
    }
}
