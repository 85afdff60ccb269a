package org.securetrain.layers.vertices;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's {@code ReshapeVertex} in C order: the same values under a new shape (one entry may be -1, inferred): a share
 * of the reshaped tensor. Backward: dL/dOut under the input's shape.
 */
public final class ReshapeVertexImpl extends ShareVertexImpl {
    private final int[] newShape;

    public ReshapeVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int[] newShape) {
        super(graph, name, vertexIndex, dataType);
        this.newShape = newShape.clone();
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        long[] s = new long[newShape.length];
        long known = 1;
        int free = -1;
        for (int i = 0; i < s.length; i++) {
            if (newShape[i] == -1 && free < 0) {
                free = i;
            } else if (newShape[i] < 1) {
                throw new IllegalArgumentException(id() + ": invalid shape " + Arrays.toString(newShape));
            } else {
                s[i] = newShape[i];
                known *= newShape[i];
            }
        }
        int n = in[0].length;
        if (free >= 0) {
            s[free] = n / known;
        }
        if (Arrays.stream(s).reduce(1, (a, b) -> a * b) != n) {
            throw new IllegalArgumentException(id() + ": cannot reshape " + Arrays.toString(shapes[0]) + " to "
                    + Arrays.toString(newShape));
        }
        outShape[0] = s;
        return in[0].clone();
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        return new long[][] {dOut.clone()};
    }
}
