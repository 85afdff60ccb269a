package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.securetrain.ring.RingMatrix;

/** im2col / col2im (local linear maps on shares) against a direct convolution mod 2^64. */
class Im2colTest {

    @Test
    void im2colMatchesDirectConvolutionAndCol2imIsItsAdjoint() {
        SplittableRandom r = new SplittableRandom(1);
        Im2col.Geometry g = new Im2col.Geometry(2, 3, 7, 6, 4, 3, 2, 2, 1, 1, 0);
        long[] x = DirectConvolution.random(r, g.inputLength());
        long[] w = DirectConvolution.random(r, g.weightLength());
        long[] cols = Im2col.im2col(x, g);
        long[] yMat = RingMatrix.multiply(w, false, cols, false, g.outC(), g.patchSize(), g.positions());
        assertArrayEquals(DirectConvolution.forward(x, w, g), Im2col.matToNchw(yMat, g));
        assertArrayEquals(yMat, Im2col.nchwToMat(Im2col.matToNchw(yMat, g), g));
        // <im2col(x), c> = <x, col2im(c)> over Z_2^64
        long[] c = DirectConvolution.random(r, cols.length);
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
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Im2col.Geometry(1, 1, 2, 2, 1, 5, 5, 1, 1, 0, 0));
        Im2col.Geometry g = new Im2col.Geometry(1, 1, 4, 4, 1, 3, 3, 1, 1, 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Im2col.im2col(new long[15], g));
        assertTrue(e.getMessage().contains("needs 16"), e.getMessage());
    }
}
