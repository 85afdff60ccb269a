package org.securetrain.protocols;

import org.securetrain.layermath.Im2col;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** im2col convolution forward/backward on shares versus a direct convolution mod 2^64. */
@Timeout(300)
class SecureConv2dTest {
    static HeTestPair pair;

    @BeforeAll
    static void open() {
        pair = new HeTestPair();
    }

    @AfterAll
    static void close() {
        pair.close();
    }

    static long xAt(long[] x, Im2col.Geometry g, int b, int c, int h, int w) {
        if (h < 0 || h >= g.inH() || w < 0 || w >= g.inW()) {
            return 0;
        }
        return x[((b * g.inC() + c) * g.inH() + h) * g.inW() + w];
    }

    static long[] directForward(long[] x, long[] w, Im2col.Geometry g) {
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
    static long[][] directBackward(long[] x, long[] w, long[] dY, Im2col.Geometry g) {
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

    static long[] random(SplittableRandom r, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong();
        }
        return a;
    }

    static long[] minus(long[] a, long[] b) {
        long[] c = new long[a.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    static long[] plus(long[] a, long[] b) {
        long[] c = new long[a.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    @Test
    void im2colMatchesDirectConvolutionAndCol2imIsItsAdjoint() {
        SplittableRandom r = new SplittableRandom(1);
        Im2col.Geometry g = new Im2col.Geometry(2, 3, 7, 6, 4, 3, 2, 2, 1, 1, 0);
        long[] x = random(r, g.inputLength());
        long[] w = random(r, g.weightLength());
        long[] cols = Im2col.im2col(x, g);
        long[] yMat = new long[g.outC() * g.positions()];
        SecureMatMul.localProduct(MatrixShare.of(g.outC(), g.patchSize(), w).view(),
                MatrixShare.of(g.patchSize(), g.positions(), cols).view(),
                org.securetrain.crypto.he.MatrixView.of(yMat, g.outC(), g.positions()));
        assertArrayEquals(directForward(x, w, g), Im2col.matToNchw(yMat, g));
        assertArrayEquals(yMat, Im2col.nchwToMat(Im2col.matToNchw(yMat, g), g));
        // <im2col(x), c> = <x, col2im(c)> over Z_2^64
        long[] c = random(r, cols.length);
        long lhs = 0;
        for (int i = 0; i < c.length; i++) {
            lhs += cols[i] * c[i];
        }
        long[] back = Im2col.col2im(c, g);
        long rhs = 0;
        for (int i = 0; i < x.length; i++) {
            rhs += x[i] * back[i];
        }
        assertEquals(lhs, rhs);
    }

    @Test
    void secureForwardAndBackwardMatchDirectConvolution() {
        SplittableRandom r = new SplittableRandom(2);
        Im2col.Geometry g = new Im2col.Geometry(2, 3, 7, 7, 4, 3, 3, 2, 2, 1, 1);
        long[] x = random(r, g.inputLength());
        long[] w = random(r, g.weightLength());
        long[] dY = random(r, g.outputLength());
        long[] x0 = random(r, x.length);
        long[] w0 = random(r, w.length);
        long[] d0 = random(r, dY.length);
        long[][] xs = {x0, minus(x, x0)};
        long[][] ws = {w0, minus(w, w0)};
        long[][] ds = {d0, minus(dY, d0)};
        var fwd = pair.both((s, ctx, p) -> SecureConv2d.forward(s, ctx, g, xs[p], false, ws[p], false, "conv"));
        assertArrayEquals(directForward(x, w, g), plus(fwd.party0(), fwd.party1()));
        var bwd = pair.both((s, ctx, p) -> SecureConv2d.backward(s, ctx, g, xs[p], false, ws[p], false, ds[p], false, true,
                "conv"));
        long[][] want = directBackward(x, w, dY, g);
        assertArrayEquals(want[0], plus(bwd.party0().dW(), bwd.party1().dW()));
        assertArrayEquals(want[1], plus(bwd.party0().dX(), bwd.party1().dX()));
    }

    @Test
    void firstLayerWithInputHeldInTheClearByTheDataOwner() {
        SplittableRandom r = new SplittableRandom(3);
        Im2col.Geometry g = new Im2col.Geometry(3, 1, 8, 8, 2, 5, 5, 1, 1, 0, 0);
        long[] x = random(r, g.inputLength()); // party 1's input, sharing (0, x)
        long[] w = random(r, g.weightLength());
        long[] w0 = random(r, w.length);
        long[][] ws = {w0, minus(w, w0)};
        long[] dY = random(r, g.outputLength());
        long[] d0 = random(r, dY.length);
        long[][] ds = {d0, minus(dY, d0)};
        var fwd = pair.both((s, ctx, p) -> SecureConv2d.forward(s, ctx, g, p == 1 ? x : null, p == 0, ws[p], false, "c1"));
        assertArrayEquals(directForward(x, w, g), plus(fwd.party0(), fwd.party1()));
        var bwd = pair.both((s, ctx, p) -> SecureConv2d.backward(s, ctx, g, p == 1 ? x : null, p == 0, ws[p], false, ds[p],
                false, false, "c1"));
        assertArrayEquals(directBackward(x, w, dY, g)[0], plus(bwd.party0().dW(), bwd.party1().dW()));
        assertNull(bwd.party0().dX());
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Im2col.Geometry(1, 1, 2, 2, 1, 5, 5, 1, 1, 0, 0));
        Im2col.Geometry g = new Im2col.Geometry(1, 1, 4, 4, 1, 3, 3, 1, 1, 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Im2col.im2col(new long[15], g));
        assertTrue(e.getMessage().contains("needs 16"), e.getMessage());
    }
}
