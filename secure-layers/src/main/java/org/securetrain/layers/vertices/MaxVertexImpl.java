package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.securetrain.backend.Backend;

/**
 * Element-wise maximum of k shared inputs of one shape, exact: for every position the k values form one window of the
 * backend's max with one-hot argmax (a comparison tournament, DESIGN.md 4.4), as max-pooling does; the first maximum
 * wins ties, as DL4J's {@code mergemaxindex}. Backward: dL/dOut goes to the input that held the maximum, routed by a
 * bit-times-share on the kept argmax bits (no second comparison). Leaks nothing: only the backend's protocols run.
 */
public final class MaxVertexImpl extends ShareVertexImpl {
    private long[] argmaxBits;

    public MaxVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        requireEqualShapes(shapes);
        int k = in.length;
        int n = in[0].length;
        long[] windows = new long[n * k];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < k; i++) {
                windows[j * k + i] = in[i][j];
            }
        }
        Backend.MaxOutput m = context().backend().maxWithArgmax(windows, k, purpose("max"));
        argmaxBits = m.argmaxBits();
        outShape[0] = shapes[0];
        return m.max();
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        long[] argmaxBits = keptByForward(this.argmaxBits);
        int k = shapes.length;
        int n = dOut.length;
        long[] spread = new long[n * k];
        for (int j = 0; j < n; j++) {
            java.util.Arrays.fill(spread, j * k, j * k + k, dOut[j]);
        }
        long[] routed = context().backend().bitTimesShare(argmaxBits, spread, purpose("route"));
        this.argmaxBits = null;
        long[][] d = new long[k][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < k; i++) {
                d[i][j] = routed[j * k + i];
            }
        }
        return d;
    }
}
