package org.securetrain.backend;

import org.securetrain.crypto.he.ConvShape;

/** Checks and the im2col lowering of {@link Backend#correlate} shared by the backends. */
final class Correlations {
    private Correlations() {
    }

    static void requireUntransposed(Operand kernel, Operand input, ConvShape shape) {
        if (kernel.transposed() || input.transposed()) {
            throw new IllegalArgumentException("correlation operands are row-major tensors, not transposed matrices: "
                    + shape);
        }
        if (kernel.share().length != shape.kernelLength() || input.share().length != shape.inputLength()) {
            throw new IllegalArgumentException(shape + ": kernel share has " + kernel.share().length + " elements (needs "
                    + shape.kernelLength() + "), input share " + input.share().length + " (needs " + shape.inputLength()
                    + ")");
        }
    }

    /** Column matrix (inCh kh kw) x (groups outH outW), row-major, of the input: the matrix-product lowering. */
    static long[] im2col(long[] in, ConvShape s) {
        int p = s.groups() * s.outH() * s.outW();
        long[] cols = new long[s.inCh() * s.kh() * s.kw() * p];
        for (int c = 0; c < s.inCh(); c++) {
            for (int l = 0; l < s.kh(); l++) {
                for (int m = 0; m < s.kw(); m++) {
                    int row = ((c * s.kh() + l) * s.kw() + m) * p;
                    for (int g = 0; g < s.groups(); g++) {
                        int src = (g * s.inCh() + c) * s.h() * s.w();
                        for (int i = 0; i < s.outH(); i++) {
                            int dst = row + (g * s.outH() + i) * s.outW();
                            int y = src + (i * s.sh() + l) * s.w() + m;
                            for (int j = 0; j < s.outW(); j++) {
                                cols[dst + j] = in[y + j * s.sw()];
                            }
                        }
                    }
                }
            }
        }
        return cols;
    }
}
