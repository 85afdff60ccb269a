package org.securetrain.ring;

/**
 * Local linear algebra mod 2^64 on row-major long[] matrices: exactly what each party applies to its
 * own shares (linear maps commute with additive sharing). Java long arithmetic wraps, so every
 * result is exact mod 2^64.
 */
public final class RingMatrix {
    private RingMatrix() {
    }

    /** The parts one after another (to batch several tensors into one protocol call). */
    public static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] x : parts) {
            n += x.length;
        }
        long[] all = new long[n];
        int at = 0;
        for (long[] x : parts) {
            System.arraycopy(x, 0, all, at, x.length);
            at += x.length;
        }
        return all;
    }

    /** The inverse of {@link #concat}: {@code all} cut into consecutive pieces as long as the arrays of {@code like}. */
    public static long[][] split(long[] all, long[]... like) {
        long[][] parts = new long[like.length][];
        int at = 0;
        for (int j = 0; j < like.length; j++) {
            parts[j] = java.util.Arrays.copyOfRange(all, at, at + like[j].length);
            at += like[j].length;
        }
        if (at != all.length) {
            throw new IllegalArgumentException("split: " + all.length + " elements into pieces of " + at);
        }
        return parts;
    }

    /**
     * C (m x n) = op(A) * op(B), with op(A) m x k and op(B) k x n. A is stored m x k, or k x m when
     * {@code transA}; B is stored k x n, or n x k when {@code transB}. No transposed copies are made.
     */
    public static long[] multiply(long[] a, boolean transA, long[] b, boolean transB, int m, int k, int n) {
        checkSize("A", a, (long) m * k);
        checkSize("B", b, (long) k * n);
        long[] c = new long[m * n];
        if (!transB) {
            // i-p-j order: the inner loop streams a row of B and a row of C
            for (int i = 0; i < m; i++) {
                int ci = i * n;
                for (int p = 0; p < k; p++) {
                    long av = transA ? a[p * m + i] : a[i * k + p];
                    if (av == 0) {
                        continue;
                    }
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j];
                    }
                }
            }
        } else {
            // B stored n x k: dot products of rows
            long[] arow = new long[k];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    arow[p] = transA ? a[p * m + i] : a[i * k + p];
                }
                for (int j = 0; j < n; j++) {
                    int bj = j * k;
                    long s = 0;
                    for (int p = 0; p < k; p++) {
                        s += arow[p] * b[bj + p];
                    }
                    c[i * n + j] = s;
                }
            }
        }
        return c;
    }

    public static long[] add(long[] a, long[] b) {
        sameLength(a, b);
        long[] c = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    public static void addInPlace(long[] acc, long[] b) {
        sameLength(acc, b);
        for (int i = 0; i < acc.length; i++) {
            acc[i] += b[i];
        }
    }

    public static long[] subtract(long[] a, long[] b) {
        sameLength(a, b);
        long[] c = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    /** Adds a bias vector of length {@code rows} to every column of a rows x cols matrix, in place. */
    public static void addRowBias(long[] m, int rows, int cols, long[] bias) {
        checkSize("matrix", m, (long) rows * cols);
        checkSize("bias", bias, rows);
        for (int r = 0; r < rows; r++) {
            long b = bias[r];
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                m[o + c] += b;
            }
        }
    }

    /** Sums of each row of a rows x cols matrix. */
    public static long[] rowSums(long[] m, int rows, int cols) {
        checkSize("matrix", m, (long) rows * cols);
        long[] s = new long[rows];
        for (int r = 0; r < rows; r++) {
            long acc = 0;
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                acc += m[o + c];
            }
            s[r] = acc;
        }
        return s;
    }

    /** Sums of each column of a rows x cols matrix (e.g. the bias gradient over a batch). */
    public static long[] columnSums(long[] m, int rows, int cols) {
        checkSize("matrix", m, (long) rows * cols);
        long[] s = new long[cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                s[c] += m[o + c];
            }
        }
        return s;
    }

    /** Adds a vector of length {@code cols} to every row of a rows x cols matrix, in place. */
    public static void addToEveryRow(long[] m, int rows, int cols, long[] v) {
        checkSize("matrix", m, (long) rows * cols);
        checkSize("vector", v, cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                m[o + c] += v[c];
            }
        }
    }

    /** x * c mod 2^64 for a public constant c, element-wise, new array. */
    public static long[] scale(long[] x, long c) {
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * c;
        }
        return y;
    }

    public static long[] transpose(long[] m, int rows, int cols) {
        checkSize("matrix", m, (long) rows * cols);
        long[] t = new long[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    static void checkSize(String what, long[] x, long expected) {
        if (x.length != expected) {
            throw new IllegalArgumentException(what + " has " + x.length + " elements, shape needs " + expected);
        }
    }

    private static void sameLength(long[] a, long[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("length mismatch: " + a.length + " vs " + b.length);
        }
    }
}
