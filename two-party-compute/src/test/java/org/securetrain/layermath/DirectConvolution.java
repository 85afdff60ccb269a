package org.securetrain.layermath;

import java.util.SplittableRandom;

/** A convolution and its gradients computed directly from the definition mod 2^64: the tests' oracle. */
public final class DirectConvolution {
    private DirectConvolution() {
    }

    public static long xAt(long[] x, Im2col.Geometry g, int b, int c, int h, int w) {
        if (h < 0 || h >= g.inH() || w < 0 || w >= g.inW()) {
            return 0;
        }
        return x[((b * g.inC() + c) * g.inH() + h) * g.inW() + w];
    }

    public static long[] forward(long[] x, long[] w, Im2col.Geometry g) {
        int oh = g.outH();
        int ow = g.outW();
        long[] y = new long[g.outputLength()];
        for (int b = 0; b < g.batch(); b++) {
            for (int oc = 0; oc < g.outC(); oc++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        long acc = 0;
                        for (int c = 0; c < g.inC(); c++) {
                            for (int i = 0; i < g.kh(); i++) {
                                for (int j = 0; j < g.kw(); j++) {
                                    acc += w[((oc * g.inC() + c) * g.kh() + i) * g.kw() + j]
                                            * xAt(x, g, b, c, yy * g.strideH() + i - g.padH(), xx * g.strideW() + j - g.padW());
                                }
                            }
                        }
                        y[((b * g.outC() + oc) * oh + yy) * ow + xx] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** dW and dX of sum(dY . conv(x, w)) computed directly from the definition. */
    public static long[][] backward(long[] x, long[] w, long[] dY, Im2col.Geometry g) {
        int oh = g.outH();
        int ow = g.outW();
        long[] dW = new long[g.weightLength()];
        long[] dX = new long[g.inputLength()];
        for (int b = 0; b < g.batch(); b++) {
            for (int oc = 0; oc < g.outC(); oc++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        long d = dY[((b * g.outC() + oc) * oh + yy) * ow + xx];
                        for (int c = 0; c < g.inC(); c++) {
                            for (int i = 0; i < g.kh(); i++) {
                                for (int j = 0; j < g.kw(); j++) {
                                    int h = yy * g.strideH() + i - g.padH();
                                    int ww = xx * g.strideW() + j - g.padW();
                                    int wi = ((oc * g.inC() + c) * g.kh() + i) * g.kw() + j;
                                    dW[wi] += d * xAt(x, g, b, c, h, ww);
                                    if (h >= 0 && h < g.inH() && ww >= 0 && ww < g.inW()) {
                                        dX[((b * g.inC() + c) * g.inH() + h) * g.inW() + ww] += d * w[wi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new long[][] {dW, dX};
    }

    public static long[] random(SplittableRandom r, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong();
        }
        return a;
    }
}
