package org.securetrain.crypto.he;

/**
 * The shape of one strided "valid" correlation, the form every product of a convolution layer takes
 * (forward, weight gradient and input gradient; see {@code layermath.Conv2dKernel}):
 * <pre>
 *   out[o][g][i][j] = sum_{c, l, l'} K[o][c][l][l'] * In[g][c][i*sh + l][j*sw + l']
 *   K: outCh x inCh x kh x kw,  In: groups x inCh x h x w,  out: outCh x groups x outH x outW
 * </pre>
 * for i &lt; outH, j &lt; outW (at most the number of windows that fit; fewer crops the output). All arrays
 * row-major. Immutable and validated; both parties derive the same shape from public layer sizes.
 */
public record ConvShape(int outCh, int groups, int inCh, int h, int w, int kh, int kw, int sh, int sw, int outH,
        int outW) {

    public ConvShape {
        if (outCh < 1 || groups < 1 || inCh < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || outH < 1
                || outW < 1) {
            throw new IllegalArgumentException("correlation shape needs positive sizes: " + describe(outCh, groups,
                    inCh, h, w, kh, kw, sh, sw, outH, outW));
        }
        if (kh > h || kw > w || (long) (outH - 1) * sh + kh > h || (long) (outW - 1) * sw + kw > w) {
            throw new IllegalArgumentException("kernel or output does not fit the input: " + describe(outCh, groups,
                    inCh, h, w, kh, kw, sh, sw, outH, outW));
        }
        if ((long) outCh * inCh * kh * kw > Integer.MAX_VALUE || (long) groups * inCh * h * w > Integer.MAX_VALUE
                || (long) outCh * groups * outH * outW > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("correlation too large for one array: " + describe(outCh, groups, inCh,
                    h, w, kh, kw, sh, sw, outH, outW));
        }
    }

    /** All windows that fit: outH = (h - kh) / sh + 1, outW likewise. */
    public static ConvShape valid(int outCh, int groups, int inCh, int h, int w, int kh, int kw, int sh, int sw) {
        if (kh > h || kw > w || kh < 1 || kw < 1 || sh < 1 || sw < 1) {
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + " (stride " + sh + "x" + sw
                    + ") does not fit input " + h + "x" + w);
        }
        return new ConvShape(outCh, groups, inCh, h, w, kh, kw, sh, sw, (h - kh) / sh + 1, (w - kw) / sw + 1);
    }

    public int kernelLength() {
        return outCh * inCh * kh * kw;
    }

    public int inputLength() {
        return groups * inCh * h * w;
    }

    public int outputLength() {
        return outCh * groups * outH * outW;
    }

    /** Multiply-accumulates of the plain correlation. */
    public long macs() {
        return (long) outputLength() * inCh * kh * kw;
    }

    /** out += K (*) In over Z_2^64, plain long arithmetic (the local term and the test reference). */
    public void correlateInto(long[] k, long[] in, long[] out) {
        if (k.length != kernelLength() || in.length != inputLength() || out.length != outputLength()) {
            throw new IllegalArgumentException("correlation " + this + " got kernel " + k.length + ", input "
                    + in.length + ", output " + out.length + " elements");
        }
        long[] row = new long[outW];
        for (int o = 0; o < outCh; o++) {
            for (int g = 0; g < groups; g++) {
                for (int i = 0; i < outH; i++) {
                    java.util.Arrays.fill(row, 0);
                    for (int c = 0; c < inCh; c++) {
                        int kb = ((o * inCh + c) * kh) * kw;
                        int ib = (g * inCh + c) * h * w;
                        for (int l = 0; l < kh; l++) {
                            int irow = ib + (i * sh + l) * w;
                            for (int m = 0; m < kw; m++) {
                                long kv = k[kb + l * kw + m];
                                if (kv == 0) {
                                    continue;
                                }
                                for (int j = 0, x = irow + m; j < outW; j++, x += sw) {
                                    row[j] += kv * in[x];
                                }
                            }
                        }
                    }
                    int ob = ((o * groups + g) * outH + i) * outW;
                    for (int j = 0; j < outW; j++) {
                        out[ob + j] += row[j];
                    }
                }
            }
        }
    }

    /**
     * The im2col lowering: the column matrix (inCh kh kw) x (groups outH outW), row-major, of the input, so that
     * K (outCh x inCh kh kw) times it is the correlation (outCh x groups outH outW).
     */
    public long[] im2col(long[] in) {
        if (in.length != inputLength()) {
            throw new IllegalArgumentException(this + ": input has " + in.length + " elements, needs " + inputLength());
        }
        int p = groups * outH * outW;
        long[] cols = new long[inCh * kh * kw * p];
        for (int c = 0; c < inCh; c++) {
            for (int l = 0; l < kh; l++) {
                for (int m = 0; m < kw; m++) {
                    int row = ((c * kh + l) * kw + m) * p;
                    for (int g = 0; g < groups; g++) {
                        int src = (g * inCh + c) * h * w;
                        for (int i = 0; i < outH; i++) {
                            int dst = row + (g * outH + i) * outW;
                            int y = src + (i * sh + l) * w + m;
                            for (int j = 0; j < outW; j++) {
                                cols[dst + j] = in[y + j * sw];
                            }
                        }
                    }
                }
            }
        }
        return cols;
    }

    @Override
    public String toString() {
        return describe(outCh, groups, inCh, h, w, kh, kw, sh, sw, outH, outW);
    }

    private static String describe(int outCh, int groups, int inCh, int h, int w, int kh, int kw, int sh, int sw,
            int outH, int outW) {
        return String.format("correlation %dx%dx%dx%d kernel over %dx%dx%dx%d input, stride %dx%d -> %dx%dx%dx%d",
                outCh, inCh, kh, kw, groups, inCh, h, w, sh, sw, outCh, groups, outH, outW);
    }
}
