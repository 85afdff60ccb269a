package org.securetrain.backend;

import org.securetrain.crypto.he.ConvShape;

/** The operand checks of {@link Backend#correlate} shared by the backends. */
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
}
