package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Element-wise sum of any number of shares, or the difference of two: a share of the sum (difference) of the secret
 * values, exact mod 2^64. Backward: dL/dOut to every input, negated for the subtrahend.
 */
public final class AddSubtractVertexImpl extends ShareVertexImpl {
    private final boolean subtract;

    public AddSubtractVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            boolean subtract) {
        super(graph, name, vertexIndex, dataType);
        this.subtract = subtract;
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        requireEqualShapes(shapes);
        if (subtract && in.length != 2) {
            throw new IllegalArgumentException(id() + ": subtraction takes exactly 2 inputs, got " + in.length);
        }
        long[] out = in[0].clone();
        for (int i = 1; i < in.length; i++) {
            long[] x = in[i];
            if (subtract) {
                for (int j = 0; j < out.length; j++) {
                    out[j] -= x[j];
                }
            } else {
                for (int j = 0; j < out.length; j++) {
                    out[j] += x[j];
                }
            }
        }
        outShape[0] = shapes[0];
        return out;
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        long[][] d = new long[shapes.length][];
        for (int i = 0; i < d.length; i++) {
            d[i] = dOut.clone();
        }
        if (subtract) {
            for (int j = 0; j < dOut.length; j++) {
                d[1][j] = -dOut[j];
            }
        }
        return d;
    }
}
