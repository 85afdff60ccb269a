package org.securetrain.layermath;

/**
 * im2col / col2im for 2-D convolution in DL4J's layouts: activations NCHW [batch, channels, height,
 * width], weights [outC, inC, kh, kw]. Both maps are linear (zero padding included), so each party
 * applies them to its own additive share. The column matrix has K = inC*kh*kw rows, row index
 * (c*kh + i)*kw + j (exactly the column index of the weight matrix W_mat = weights as outC x K
 * row-major), and P = batch*outH*outW columns, column index (b*outH + oh)*outW + ow.
 */
public final class Im2col {
    private Im2col() {
    }

    /**
     * Convolution shape: input [batch, inC, inH, inW], kernel [outC, inC, kh, kw], stride, zero padding and dilation
     * (kernel taps {@code dil} apart: tap i reads row {@code y * stride + i * dil - pad}).
     */
    public record Geometry(int batch, int inC, int inH, int inW, int outC, int kh, int kw, int strideH, int strideW,
            int padH, int padW, int dilH, int dilW) {

        /** Without dilation. */
        public Geometry(int batch, int inC, int inH, int inW, int outC, int kh, int kw, int strideH, int strideW,
                int padH, int padW) {
            this(batch, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW, 1, 1);
        }

        public Geometry {
            if (dilH < 1 || dilW < 1) {
                throw new IllegalArgumentException("dilation must be >= 1, got " + dilH + "x" + dilW);
            }
            if (batch < 1 || inC < 1 || inH < 1 || inW < 1 || outC < 1 || kh < 1 || kw < 1) {
                throw new IllegalArgumentException("convolution sizes must be positive: " + describe(batch, inC, inH, inW,
                        outC, kh, kw, strideH, strideW, padH, padW));
            }
            if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
                throw new IllegalArgumentException("stride must be >= 1 and padding >= 0: " + describe(batch, inC, inH,
                        inW, outC, kh, kw, strideH, strideW, padH, padW));
            }
            if (inH + 2 * padH < (kh - 1) * dilH + 1 || inW + 2 * padW < (kw - 1) * dilW + 1) {
                throw new IllegalArgumentException("kernel larger than the padded input: " + describe(batch, inC, inH,
                        inW, outC, kh, kw, strideH, strideW, padH, padW));
            }
        }

        /** The same convolution over {@code n} examples. */
        public Geometry withBatch(int n) {
            return new Geometry(n, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
        }

        /** This geometry with kernel taps {@code dh} rows and {@code dw} columns apart. */
        public Geometry withDilation(int dh, int dw) {
            return new Geometry(batch, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW, dh, dw);
        }

        public int outH() {
            return (inH + 2 * padH - (kh - 1) * dilH - 1) / strideH + 1;
        }

        public int outW() {
            return (inW + 2 * padW - (kw - 1) * dilW - 1) / strideW + 1;
        }

        /** K = inC * kh * kw: rows of the column matrix, columns of W_mat. */
        public int patchSize() {
            return inC * kh * kw;
        }

        /** P = batch * outH * outW: columns of the column matrix. */
        public int positions() {
            return batch * outH() * outW();
        }

        public int inputLength() {
            return batch * inC * inH * inW;
        }

        public int weightLength() {
            return outC * inC * kh * kw;
        }

        public int outputLength() {
            return batch * outC * outH() * outW();
        }

        @Override
        public String toString() {
            return describe(batch, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW)
                    + (dilH == 1 && dilW == 1 ? "" : ", dilation " + dilH + "x" + dilW);
        }

        private static String describe(int batch, int inC, int inH, int inW, int outC, int kh, int kw, int sh, int sw,
                int ph, int pw) {
            return String.format("conv input [%d,%d,%d,%d], kernel [%d,%d,%d,%d], stride %dx%d, padding %dx%d", batch, inC,
                    inH, inW, outC, inC, kh, kw, sh, sw, ph, pw);
        }
    }

    /** Column matrix K x P (row-major) of the NCHW input x. */
    public static long[] im2col(long[] x, Geometry g) {
        check(x, g.inputLength(), "input", g);
        int oh = g.outH();
        int ow = g.outW();
        int p = g.positions();
        long[] cols = new long[g.patchSize() * p];
        for (int c = 0; c < g.inC(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = (c * g.kh() + i) * g.kw() + j;
                    int rowOff = row * p;
                    for (int b = 0; b < g.batch(); b++) {
                        int xBase = (b * g.inC() + c) * g.inH();
                        for (int y = 0; y < oh; y++) {
                            int h = y * g.strideH() + i * g.dilH() - g.padH();
                            int colOff = rowOff + (b * oh + y) * ow;
                            if (h < 0 || h >= g.inH()) {
                                continue; // zero padding
                            }
                            int xRow = (xBase + h) * g.inW();
                            for (int xx = 0; xx < ow; xx++) {
                                int w = xx * g.strideW() + j * g.dilW() - g.padW();
                                if (w >= 0 && w < g.inW()) {
                                    cols[colOff + xx] = x[xRow + w];
                                }
                            }
                        }
                    }
                }
            }
        }
        return cols;
    }

    /** The adjoint of im2col: sums column entries back into an NCHW tensor (overlaps add). */
    public static long[] col2im(long[] cols, Geometry g) {
        check(cols, g.patchSize() * g.positions(), "column matrix", g);
        int oh = g.outH();
        int ow = g.outW();
        int p = g.positions();
        long[] x = new long[g.inputLength()];
        for (int c = 0; c < g.inC(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int rowOff = ((c * g.kh() + i) * g.kw() + j) * p;
                    for (int b = 0; b < g.batch(); b++) {
                        int xBase = (b * g.inC() + c) * g.inH();
                        for (int y = 0; y < oh; y++) {
                            int h = y * g.strideH() + i * g.dilH() - g.padH();
                            if (h < 0 || h >= g.inH()) {
                                continue;
                            }
                            int colOff = rowOff + (b * oh + y) * ow;
                            int xRow = (xBase + h) * g.inW();
                            for (int xx = 0; xx < ow; xx++) {
                                int w = xx * g.strideW() + j * g.dilW() - g.padW();
                                if (w >= 0 && w < g.inW()) {
                                    x[xRow + w] += cols[colOff + xx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return x;
    }

    /** outC x P matrix (conv output as W_mat * cols) to NCHW [batch, outC, outH, outW]. */
    public static long[] matToNchw(long[] mat, Geometry g) {
        check(mat, g.outputLength(), "output matrix", g);
        return moveOutputBlocks(mat, g, true);
    }

    /** NCHW [batch, outC, outH, outW] to the outC x P matrix. */
    public static long[] nchwToMat(long[] y, Geometry g) {
        check(y, g.outputLength(), "output gradient", g);
        return moveOutputBlocks(y, g, false);
    }

    /**
     * The two layouts of the output hold the same outH·outW blocks, block (oc, b) at oc·P + b·outH·outW in the
     * matrix and at (b·outC + oc)·outH·outW in NCHW; copies every block from one layout to the other.
     */
    private static long[] moveOutputBlocks(long[] src, Geometry g, boolean toNchw) {
        int hw = g.outH() * g.outW();
        int p = g.positions();
        long[] dst = new long[src.length];
        for (int oc = 0; oc < g.outC(); oc++) {
            for (int b = 0; b < g.batch(); b++) {
                int inMat = oc * p + b * hw;
                int inNchw = (b * g.outC() + oc) * hw;
                System.arraycopy(src, toNchw ? inMat : inNchw, dst, toNchw ? inNchw : inMat, hw);
            }
        }
        return dst;
    }

    private static void check(long[] a, int expected, String what, Geometry g) {
        if (a == null || a.length != expected) {
            throw new IllegalArgumentException(what + " has length " + (a == null ? "null" : a.length) + ", " + g
                    + " needs " + expected);
        }
    }
}
