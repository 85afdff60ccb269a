package org.securetrain.layermath;

import org.securetrain.crypto.he.ConvShape;

/**
 * The local rearrangements that turn a convolution layer's three products into correlations
 * ({@link ConvShape}), on shares (each is linear, so each party applies it to its own share), without
 * dilation. With P_h = (outH - 1) sh + kh padded input rows (P_w likewise):
 * <ul>
 *   <li>forward: kernel W [outC][inC][kh][kw], input X_pad [batch][inC][P_h][P_w], output [outC][batch][outH][outW];</li>
 *   <li>weight gradient: kernel dZ^s [outC][batch][(outH-1)sh+1][(outW-1)sw+1] (stride - 1 zeros between
 *       entries), input X_pad with batch and channel axes swapped [inC][batch][P_h][P_w], output
 *       [outC][inC][kh][kw];</li>
 *   <li>input gradient: kernel flip(W) [inC][outC][kh][kw], input dZ^s padded by kh - 1 rows and kw - 1 columns
 *       [batch][outC][..][..], output [inC][batch][P_h][P_w], cropped to the input.</li>
 * </ul>
 */
final class ConvLowering {
    private ConvLowering() {
    }

    static int padH(Im2col.Geometry g) {
        return (g.outH() - 1) * g.strideH() + g.kh();
    }

    static int padW(Im2col.Geometry g) {
        return (g.outW() - 1) * g.strideW() + g.kw();
    }

    static ConvShape forward(Im2col.Geometry g) {
        return new ConvShape(g.outC(), g.batch(), g.inC(), padH(g), padW(g), g.kh(), g.kw(), g.strideH(), g.strideW(),
                g.outH(), g.outW());
    }

    static ConvShape weightGradient(Im2col.Geometry g) {
        return new ConvShape(g.outC(), g.inC(), g.batch(), padH(g), padW(g), (g.outH() - 1) * g.strideH() + 1,
                (g.outW() - 1) * g.strideW() + 1, 1, 1, g.kh(), g.kw());
    }

    static ConvShape inputGradient(Im2col.Geometry g) {
        int dh = (g.outH() - 1) * g.strideH() + 1 + 2 * (g.kh() - 1);
        int dw = (g.outW() - 1) * g.strideW() + 1 + 2 * (g.kw() - 1);
        return new ConvShape(g.inC(), g.batch(), g.outC(), dh, dw, g.kh(), g.kw(), 1, 1, padH(g), padW(g));
    }

    /** X [batch][inC][inH][inW] -> [batch][inC][P_h][P_w], row y + padH holding input row y (zeros elsewhere). */
    static long[] pad(long[] x, Im2col.Geometry g) {
        int ph = padH(g);
        int pw = padW(g);
        long[] out = new long[g.batch() * g.inC() * ph * pw];
        for (int bc = 0; bc < g.batch() * g.inC(); bc++) {
            for (int y = 0; y < g.inH(); y++) {
                int py = y + g.padH();
                if (py >= ph) {
                    break;
                }
                int cols = Math.max(0, Math.min(g.inW(), pw - g.padW()));
                System.arraycopy(x, (bc * g.inH() + y) * g.inW(), out, (bc * ph + py) * pw + g.padW(), cols);
            }
        }
        return out;
    }

    /** [batch][inC][..] -> [inC][batch][..] of the padded input. */
    static long[] swapBatchAndChannels(long[] xPad, Im2col.Geometry g) {
        int plane = padH(g) * padW(g);
        long[] out = new long[xPad.length];
        for (int b = 0; b < g.batch(); b++) {
            for (int c = 0; c < g.inC(); c++) {
                System.arraycopy(xPad, (b * g.inC() + c) * plane, out, (c * g.batch() + b) * plane, plane);
            }
        }
        return out;
    }

    /** dZ [outC][batch][outH][outW] -> [outC][batch][(outH-1)sh+1][(outW-1)sw+1], stride - 1 zeros between entries. */
    static long[] dilate(long[] dz, Im2col.Geometry g) {
        int dh = (g.outH() - 1) * g.strideH() + 1;
        int dw = (g.outW() - 1) * g.strideW() + 1;
        long[] out = new long[g.outC() * g.batch() * dh * dw];
        for (int ob = 0; ob < g.outC() * g.batch(); ob++) {
            for (int i = 0; i < g.outH(); i++) {
                for (int j = 0; j < g.outW(); j++) {
                    out[(ob * dh + i * g.strideH()) * dw + j * g.strideW()] = dz[(ob * g.outH() + i) * g.outW() + j];
                }
            }
        }
        return out;
    }

    /** dZ [outC][batch][outH][outW] -> [batch][outC][D_h][D_w]: dilated by the stride, kh - 1 / kw - 1 zeros around. */
    static long[] dilateAndPad(long[] dz, Im2col.Geometry g) {
        ConvShape s = inputGradient(g);
        int dh = s.h();
        int dw = s.w();
        long[] out = new long[g.batch() * g.outC() * dh * dw];
        for (int o = 0; o < g.outC(); o++) {
            for (int b = 0; b < g.batch(); b++) {
                int src = (o * g.batch() + b) * g.outH() * g.outW();
                int dst = (b * g.outC() + o) * dh * dw;
                for (int i = 0; i < g.outH(); i++) {
                    for (int j = 0; j < g.outW(); j++) {
                        out[dst + (g.kh() - 1 + i * g.strideH()) * dw + g.kw() - 1 + j * g.strideW()] =
                                dz[src + i * g.outW() + j];
                    }
                }
            }
        }
        return out;
    }

    /** W [outC][inC][kh][kw] -> [inC][outC][kh][kw] with both kernel axes reversed. */
    static long[] flipKernel(long[] w, Im2col.Geometry g) {
        int kh = g.kh();
        int kw = g.kw();
        long[] out = new long[w.length];
        for (int o = 0; o < g.outC(); o++) {
            for (int c = 0; c < g.inC(); c++) {
                for (int l = 0; l < kh; l++) {
                    for (int m = 0; m < kw; m++) {
                        out[((c * g.outC() + o) * kh + kh - 1 - l) * kw + kw - 1 - m] = w[((o * g.inC() + c) * kh + l) * kw + m];
                    }
                }
            }
        }
        return out;
    }

    /** dX_pad [inC][batch][P_h][P_w] -> dX [batch][inC][inH][inW] (rows and columns past the windows get zero). */
    static long[] crop(long[] dxPad, Im2col.Geometry g) {
        int ph = padH(g);
        int pw = padW(g);
        long[] out = new long[g.inputLength()];
        int cols = Math.max(0, Math.min(g.inW(), pw - g.padW()));
        for (int c = 0; c < g.inC(); c++) {
            for (int b = 0; b < g.batch(); b++) {
                int src = (c * g.batch() + b) * ph * pw;
                int dst = (b * g.inC() + c) * g.inH() * g.inW();
                for (int y = 0; y < g.inH() && y + g.padH() < ph; y++) {
                    System.arraycopy(dxPad, src + (y + g.padH()) * pw + g.padW(), out, dst + y * g.inW(), cols);
                }
            }
        }
        return out;
    }
}
