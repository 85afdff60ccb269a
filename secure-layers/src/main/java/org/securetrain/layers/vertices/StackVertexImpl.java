package org.securetrain.layers.vertices;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's {@code StackVertex}: inputs of equal shape stacked along dimension 0 (the batch), i.e. their C-order values
 * one after another: a share of the stack. Backward: the inputs' parts of dL/dOut.
 */
public final class StackVertexImpl extends ShareVertexImpl {

    public StackVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        requireEqualShapes(shapes); // DL4J pads time series of different lengths: not on shares
        int per = in[0].length;
        long[] out = new long[per * in.length];
        for (int i = 0; i < in.length; i++) {
            System.arraycopy(in[i], 0, out, i * per, per);
        }
        long[] s = shapes[0].clone();
        s[0] *= in.length;
        outShape[0] = s;
        return out;
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        long[][] d = new long[shapes.length][];
        int per = dOut.length / shapes.length;
        for (int i = 0; i < d.length; i++) {
            d[i] = Arrays.copyOfRange(dOut, i * per, (i + 1) * per);
        }
        return d;
    }
}
