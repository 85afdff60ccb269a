package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.securetrain.ring.FixedPoint;

class MaxPoolKernelReferenceTest {

    @Test
    void forwardAndBackwardMatchDirectPooling() {
        int b = 2, c = 3, h = 6, w = 5, k = 2, s = 2;
        FixedPoint fp = FixedPoint.of(16);
        Backend be = new InsecurePlaintextBackend(fp);
        Random r = new Random(5);
        long[] x = new long[b * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(2000) - 1000;
        MaxPoolKernel pool = new MaxPoolKernel("pool", c, h, w, k, k, s, s);
        long[] y = pool.forward(be, x, b);
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        assertEquals(b * c * oh * ow, y.length);
        long[] dOut = new long[y.length];
        for (int i = 0; i < dOut.length; i++) dOut[i] = r.nextInt(100) + 1;
        long[] dIn = pool.backward(be, dOut);
        long[] expectIn = new long[x.length];
        int idx = 0;
        for (int bb = 0; bb < b; bb++)
            for (int cc = 0; cc < c; cc++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++, idx++) {
                        int best = -1;
                        long max = Long.MIN_VALUE;
                        for (int dy = 0; dy < k; dy++)
                            for (int dx = 0; dx < k; dx++) {
                                int p = ((bb * c + cc) * h + oy * s + dy) * w + ox * s + dx;
                                if (x[p] > max) { max = x[p]; best = p; }
                            }
                        assertEquals(max, y[idx]);
                        expectIn[best] += dOut[idx];
                    }
        assertArrayEquals(expectIn, dIn);
    }

    @Test
    void badShapesAreNamed() {
        MaxPoolKernel pool = new MaxPoolKernel("pool", 1, 4, 4, 2, 2, 2, 2);
        Backend be = new InsecurePlaintextBackend(FixedPoint.of(16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.forward(be, new long[15], 1));
        assertTrue(e.getMessage().startsWith("pool: input has 15 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaxPoolKernel("p", 1, 1, 4, 2, 2, 1, 1));
    }
}
