package org.securetrain.crypto.he;

/**
 * A strided window on a row-major long[] matrix: element (i, j) is data[offset + i*rowStride + j*colStride].
 * Transposition swaps the strides, so A^T is read without copying.
 */
public record MatrixView(long[] data, int offset, int rows, int cols, int rowStride, int colStride) {

    public MatrixView {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative matrix shape " + rows + "x" + cols);
        }
        if (data == null) {
            throw new IllegalArgumentException("matrix view needs data");
        }
        if (rows > 0 && cols > 0) {
            long last = offset + (long) (rows - 1) * rowStride + (long) (cols - 1) * colStride;
            if (offset < 0 || last >= data.length || last < 0) {
                throw new IllegalArgumentException("matrix view " + rows + "x" + cols + " (strides " + rowStride
                        + ", " + colStride + ", offset " + offset + ") exceeds array of length " + data.length);
            }
        }
    }

    /** Row-major rows x cols matrix. */
    public static MatrixView of(long[] data, int rows, int cols) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("array of length " + data.length + " is not a " + rows + "x" + cols
                    + " matrix");
        }
        return new MatrixView(data, 0, rows, cols, cols, 1);
    }

    public long get(int i, int j) {
        return data[offset + i * rowStride + j * colStride];
    }

    public void add(int i, int j, long v) {
        data[offset + i * rowStride + j * colStride] += v;
    }

    public MatrixView transpose() {
        return new MatrixView(data, offset, cols, rows, colStride, rowStride);
    }
}
