package org.securetrain.protocols;

import org.securetrain.crypto.he.MatrixView;

/**
 * One party's additive share (mod 2^64) of a logical {@code rows x cols} matrix.
 *
 * <ul>
 *   <li>{@code transposed = false}: data is the rows x cols matrix, row-major;</li>
 *   <li>{@code transposed = true}: data is the cols x rows matrix row-major and this share is its
 *       transpose (A^T for backprop without copying);</li>
 *   <li>{@code isZero = true}: this party's share is known to be zero (the matrix is held in the clear by
 *       the other party, sharing (X, 0)); data may then be null. Both parties learn each other's flags in
 *       the product header; cross terms with a zero share are skipped.</li>
 * </ul>
 */
public record MatrixShare(int rows, int cols, long[] data, boolean transposed, boolean isZero) {

    public MatrixShare {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix share must have positive shape, got " + rows + "x" + cols);
        }
        if (data == null && !isZero) {
            throw new IllegalArgumentException("a non-zero " + rows + "x" + cols + " share needs data");
        }
        if (data != null && data.length != (long) rows * cols) {
            throw new IllegalArgumentException("share data of length " + data.length + " does not hold a " + rows + "x"
                    + cols + " matrix");
        }
    }

    /** Row-major rows x cols share. */
    public static MatrixShare of(int rows, int cols, long[] data) {
        return new MatrixShare(rows, cols, data, false, false);
    }

    /** The transpose of the row-major storedRows x storedCols matrix in data (logical storedCols x storedRows). */
    public static MatrixShare transposeOf(int storedRows, int storedCols, long[] data) {
        return new MatrixShare(storedCols, storedRows, data, true, false);
    }

    /** A share known to be zero (the other party holds the matrix in the clear). */
    public static MatrixShare zero(int rows, int cols) {
        return new MatrixShare(rows, cols, null, false, true);
    }

    /** The logical transpose, sharing the same array. */
    public MatrixShare transpose() {
        return new MatrixShare(cols, rows, data, !transposed, isZero);
    }

    /** Strided view of the logical matrix (needs data). */
    public MatrixView view() {
        if (data == null) {
            throw new IllegalStateException("zero share without data has no view");
        }
        MatrixView stored = transposed ? MatrixView.of(data, cols, rows) : MatrixView.of(data, rows, cols);
        return transposed ? stored.transpose() : stored;
    }

    public long get(int i, int j) {
        if (data == null) {
            return 0;
        }
        return transposed ? data[j * rows + i] : data[i * cols + j];
    }

    /** "128x784" or "784x128 (transposed)". */
    public String describe() {
        return rows + "x" + cols + (transposed ? "^T" : "") + (isZero ? " (zero share)" : "");
    }
}
