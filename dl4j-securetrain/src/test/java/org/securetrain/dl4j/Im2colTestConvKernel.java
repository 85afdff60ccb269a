package org.securetrain.dl4j;

import org.securetrain.kernels.Backend;
import org.securetrain.kernels.Operand;
import org.securetrain.kernels.ParameterShare;
import org.securetrain.kernels.ShareKind;
import org.securetrain.layers.ConvGeometry;
import org.securetrain.layers.ConvKernel;
import org.securetrain.layers.ConvKernelFactory;
import org.securetrain.ring.RingMatrix;

/**
 * TEST ONLY: a straightforward im2col convolution on the {@link Backend}, written to check that
 * {@link org.securetrain.layers.SecureConvolutionLayerImpl} drives a {@link ConvKernel} with DL4J's layouts
 * (NCHW, W [nOut, nIn, kh, kw], padding, stride) correctly. The production kernel belongs to
 * org.securetrain.kernels; once it exists, this test should run against it instead (swap the factory).
 */
final class Im2colTestConvKernel implements ConvKernel {
    static final ConvKernelFactory FACTORY = Im2colTestConvKernel::new;

    private final String name;
    private final ConvGeometry g;
    private final boolean relu;
    private final ParameterShare weights;
    private final ParameterShare bias;
    private final int rowsPerImage;
    private final int cols;
    private long[] col;
    private ShareKind colKind;
    private long[] reluBits;
    private int batch;

    Im2colTestConvKernel(String name, ConvGeometry g, boolean relu, ParameterShare weights, ParameterShare bias) {
        this.name = name;
        this.g = g;
        this.relu = relu;
        this.weights = weights;
        this.bias = bias;
        this.rowsPerImage = g.outHeight() * g.outWidth();
        this.cols = g.inChannels() * g.kh() * g.kw();
        if (weights.value().length != g.weightCount() || bias.value().length != g.outChannels()) {
            throw new IllegalArgumentException(name + ": parameter shares do not fit " + g);
        }
    }

    @Override
    public long[] forward(Backend be, long[] x, ShareKind xKind, int batch) {
        int rows = batch * rowsPerImage;
        int nOut = g.outChannels();
        col = new long[rows * cols];
        int h = g.height(), w = g.width();
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    int r = (b * g.outHeight() + oy) * g.outWidth() + ox;
                    for (int c = 0; c < g.inChannels(); c++) {
                        for (int dy = 0; dy < g.kh(); dy++) {
                            int iy = oy * g.sh() + dy - g.ph();
                            for (int dx = 0; dx < g.kw(); dx++) {
                                int ix = ox * g.sw() + dx - g.pw();
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    col[r * cols + (c * g.kh() + dy) * g.kw() + dx] = x[((b * g.inChannels() + c) * h + iy) * w + ix];
                                }
                            }
                        }
                    }
                }
            }
        }
        colKind = xKind;
        this.batch = batch;
        int f = be.fixedPoint().fracBits();
        long[] z = be.multiply(new Operand(col, false, xKind), new Operand(weights.value(), true, ShareKind.BOTH), rows,
                cols, nOut, name + ".fwd");
        RingMatrix.addToEveryRow(z, rows, nOut, RingMatrix.scale(bias.value(), 1L << f));
        long[] y = z;
        if (relu) {
            Backend.ReluOutput ro = be.reluTruncate(z, name + ".relu");
            y = ro.y();
            reluBits = ro.bits();
        }
        return rowsToNchw(y, batch);
    }

    @Override
    public long[] backward(Backend be, long[] dy, ShareKind dyKind, boolean needInputGradient) {
        int rows = batch * rowsPerImage;
        int nOut = g.outChannels();
        int f = be.fixedPoint().fracBits();
        long[] dz = nchwToRows(dy, batch);
        ShareKind dzKind = dyKind;
        if (relu) {
            dz = be.bitTimesShare(reluBits, dz, name + ".drelu");
            dzKind = ShareKind.BOTH;
        }
        long[] dW = be.multiply(new Operand(dz, true, dzKind), new Operand(col, false, colKind), nOut, rows, cols,
                name + ".dW");
        weights.setGradient(dW, f);
        bias.setGradient(RingMatrix.columnSums(dz, rows, nOut), 0);
        if (!needInputGradient) {
            return null;
        }
        long[] dcol = be.truncate(be.multiply(new Operand(dz, false, dzKind), Operand.of(weights.value()), rows, nOut,
                cols, name + ".dX"), f, name + ".dX.trunc");
        int h = g.height(), w = g.width();
        long[] dx = new long[batch * g.inChannels() * h * w];
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    int r = (b * g.outHeight() + oy) * g.outWidth() + ox;
                    for (int c = 0; c < g.inChannels(); c++) {
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.sh() + ky - g.ph();
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = ox * g.sw() + kx - g.pw();
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    dx[((b * g.inChannels() + c) * h + iy) * w + ix] += dcol[r * cols + (c * g.kh() + ky) * g.kw() + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private long[] rowsToNchw(long[] y, int batch) {
        int nOut = g.outChannels();
        long[] out = new long[y.length];
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < rowsPerImage; p++) {
                for (int o = 0; o < nOut; o++) {
                    out[(b * nOut + o) * rowsPerImage + p] = y[(b * rowsPerImage + p) * nOut + o];
                }
            }
        }
        return out;
    }

    private long[] nchwToRows(long[] d, int batch) {
        int nOut = g.outChannels();
        long[] out = new long[d.length];
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < rowsPerImage; p++) {
                for (int o = 0; o < nOut; o++) {
                    out[(b * rowsPerImage + p) * nOut + o] = d[(b * nOut + o) * rowsPerImage + p];
                }
            }
        }
        return out;
    }
}
