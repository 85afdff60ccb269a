package org.securetrain.layers.vertices;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Concatenation of shares along dimension 1 (features of [batch, n], channels of [batch, c, h, w], DL4J's default merge
 * axis): a share of the concatenation. In C order each example's slice of input i is one contiguous block, so the
 * output is, per example, the inputs' blocks one after another. Backward: the same blocks cut out of dL/dOut.
 */
public final class MergeVertexImpl extends ShareVertexImpl {

    public MergeVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        long[] shape = shapes[0].clone();
        shape[1] = 0;
        for (long[] s : shapes) {
            long[] rest0 = Arrays.copyOfRange(shapes[0], 2, shapes[0].length);
            if (s.length != shapes[0].length || s[0] != shapes[0][0]
                    || !Arrays.equals(Arrays.copyOfRange(s, 2, s.length), rest0)) {
                throw new IllegalArgumentException(id() + ": inputs " + Arrays.toString(shapes[0]) + " and "
                        + Arrays.toString(s) + " differ in more than dimension 1");
            }
            shape[1] += s[1];
        }
        int batch = (int) shape[0];
        long[] out = new long[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        int perOut = out.length / batch;
        for (int b = 0; b < batch; b++) {
            int at = b * perOut;
            for (long[] x : in) {
                int per = x.length / batch;
                System.arraycopy(x, b * per, out, at, per);
                at += per;
            }
        }
        outShape[0] = shape;
        return out;
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        int batch = (int) outShape[0];
        int perOut = dOut.length / batch;
        long[][] d = new long[shapes.length][];
        int offset = 0;
        for (int i = 0; i < shapes.length; i++) {
            int per = Math.toIntExact(Arrays.stream(shapes[i]).reduce(1, (a, b) -> a * b) / batch);
            d[i] = new long[per * batch];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(dOut, b * perOut + offset, d[i], b * per, per);
            }
            offset += per;
        }
        return d;
    }
}
