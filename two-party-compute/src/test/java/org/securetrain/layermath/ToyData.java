package org.securetrain.layermath;

import java.util.Random;

/** Synthetic separable data and initial weights for toy-net tests: Gaussian blobs, one per class. */
final class ToyData {
    final double[] x;     // [n, dim]
    final double[] y;     // one-hot [n, classes]
    final int n, dim, classes;

    ToyData(int n, int dim, int classes, long seed) {
        this(n, dim, classes, seed, 4.0);
    }

    ToyData(int n, int dim, int classes, long seed, double noise) {
        this.n = n;
        this.dim = dim;
        this.classes = classes;
        Random r = new Random(seed);
        double[][] centers = new double[classes][dim];
        for (double[] c : centers) {
            for (int j = 0; j < dim; j++) c[j] = r.nextGaussian() * 1.5;
        }
        x = new double[n * dim];
        y = new double[n * classes];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            for (int j = 0; j < dim; j++) x[i * dim + j] = centers[c][j] + r.nextGaussian() * noise;
            y[i * classes + c] = 1;
        }
    }

    double[] batchX(int start, int b) {
        double[] out = new double[b * dim];
        for (int i = 0; i < b; i++) System.arraycopy(x, ((start + i) % n) * dim, out, i * dim, dim);
        return out;
    }

    double[] batchY(int start, int b) {
        double[] out = new double[b * classes];
        for (int i = 0; i < b; i++) System.arraycopy(y, ((start + i) % n) * classes, out, i * classes, classes);
        return out;
    }

    /** Xavier-like uniform init, deterministic. */
    static double[] init(int fanIn, int fanOut, long seed) {
        Random r = new Random(seed);
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        double[] w = new double[fanIn * fanOut];
        for (int i = 0; i < w.length; i++) w[i] = (r.nextDouble() * 2 - 1) * a;
        return w;
    }
}
