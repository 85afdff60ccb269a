package org.securetrain.protocols;

import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.MatrixView;

/**
 * One party's additive share (mod 2^64) of a logical {@code rows x cols} matrix.
 *
 * <ul>
 *   <li>{@code transposed = false}: data is the rows x cols matrix, row-major;</li>
 *   <li>{@code transposed = true}: data is the cols x rows matrix row-major and this share is its
 *       transpose (A^T for backprop without copying);</li>
 *   <li>{@code kind}: how the matrix is shared, the same at both parties; where it makes this party's share a
 *       known zero (the matrix is held in the clear by the other party, sharing (X, 0)), data may be null.
 *       Cross terms with a zero share are skipped.</li>
 * </ul>
 */
public record MatrixShare(int rows, int cols, long[] data, boolean transposed, ShareKind kind) {

    public MatrixShare {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix share must have positive shape, got " + rows + "x" + cols);
        }
        if (kind == null) {
            throw new IllegalArgumentException("the share kind of a " + rows + "x" + cols + " matrix is null");
        }
        if (data != null && data.length != (long) rows * cols) {
            throw new IllegalArgumentException("share data of length " + data.length + " does not hold a " + rows + "x"
                    + cols + " matrix");
        }
    }

    /** Row-major rows x cols share of a matrix both parties hold shares of. */
    public static MatrixShare of(int rows, int cols, long[] data) {
        return new MatrixShare(rows, cols, data, false, ShareKind.BOTH);
    }

    /** Row-major rows x cols share; {@code data} may be null at a party whose share {@code kind} makes zero. */
    public static MatrixShare of(int rows, int cols, long[] data, ShareKind kind) {
        return new MatrixShare(rows, cols, data, false, kind);
    }

    /** The transpose of the row-major storedRows x storedCols matrix in data (logical storedCols x storedRows). */
    public static MatrixShare transposeOf(int storedRows, int storedCols, long[] data) {
        return new MatrixShare(storedCols, storedRows, data, true, ShareKind.BOTH);
    }

    /** The logical transpose, sharing the same array. */
    public MatrixShare transpose() {
        return new MatrixShare(cols, rows, data, !transposed, kind);
    }

    /** True when party {@code p}'s share is known to be zero. */
    public boolean isZeroAt(int p) {
        return kind.isZeroAt(p);
    }

    /** Strided view of the logical matrix (needs data). */
    public MatrixView view() {
        if (data == null) {
            throw new IllegalStateException("zero share without data has no view");
        }
        MatrixView stored = transposed ? MatrixView.of(data, cols, rows) : MatrixView.of(data, rows, cols);
        return transposed ? stored.transpose() : stored;
    }

    /** "128x784", "784x128^T", "784x128 (held by party 1 only)". */
    public String describe() {
        return rows + "x" + cols + (transposed ? "^T" : "") + switch (kind) {
            case BOTH -> "";
            case ONLY_PARTY0 -> " (held by party 0 only)";
            case ONLY_PARTY1 -> " (held by party 1 only)";
        };
    }
}
