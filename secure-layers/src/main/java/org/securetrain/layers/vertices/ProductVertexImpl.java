package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.ExactTruncation;

/**
 * Element-wise product of k shared inputs of one shape: DL4J's {@code ElementWiseVertex} Product. Forward: the running
 * product P_i = P_(i-1)·X_i, each pairwise product by the backend's secure product ({@link
 * Backend#multiplyElementwise}, scale 2f) and brought back to scale f by the exact truncation ({@link ExactTruncation}:
 * floor, as the plaintext shift gives, so an input that is exactly 0, e.g. a ReLU zero, gives exactly 0 and a later
 * comparison at 0 decides as plaintext DL4J does). Backward: dX_i = dY·prod_(j != i) X_j, from the kept running
 * products and the suffix products S_i = X_i·...·X_(k-1); all k gradient products in one call, truncated by the
 * faithful truncation ({@link Backend#truncate}, one ulp at most: gradients meet no comparison). Two inputs: forward
 * one product and one exact truncation, backward one product and one truncation of 2n elements.
 *
 * <p>Range: the product of two values at scale f is at scale 2f, so |X_i·P_(i-1)| must stay below 2^(62 - 2f) (the
 * truncation's bound; 2^14 at f = 24), which the range guard checks where it is on. Leaks nothing: only the backend's
 * protocols run.
 */
public final class ProductVertexImpl extends ShareVertexImpl {
    /** The forward's inputs X_0..X_(k-1) and running products P_1..P_(k-1) (P_0 = X_0), kept for the backward. */
    private long[][] in;
    private long[][] running;

    public ProductVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        requireEqualShapes(shapes);
        Backend be = context().backend();
        int f = be.fixedPoint().fracBits();
        int k = in.length;
        long[][] p = new long[k][];
        p[0] = in[0];
        for (int i = 1; i < k; i++) {
            long[] z = be.multiplyElementwise(p[i - 1], in[i], purpose("product" + i));
            p[i] = ExactTruncation.floor(be, z, f, purpose("product" + i).child("truncate"));
        }
        this.in = in;
        this.running = p;
        outShape[0] = shapes[0];
        return k == 1 ? in[0].clone() : p[k - 1];
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        int k = keptByForward(in).length;
        int n = dOut.length;
        if (k == 1) {
            in = null;
            running = null;
            return new long[][] {dOut.clone()};
        }
        Backend be = context().backend();
        int f = be.fixedPoint().fracBits();
        // suffix products S_i = X_i·...·X_(k-1) for i = k-1 down to 1
        long[][] suffix = new long[k + 1][];
        suffix[k - 1] = in[k - 1];
        for (int i = k - 2; i >= 1; i--) {
            suffix[i] = be.truncate(be.multiplyElementwise(in[i], suffix[i + 1], purpose("dsuffix" + i)), f,
                    purpose("dsuffix" + i).child("truncate"));
        }
        // the product of the other inputs, O_i = P_(i-1)·S_(i+1): the inner ones in one call
        long[][] others = new long[k][];
        others[0] = suffix[1];
        others[k - 1] = running[k - 2];
        if (k > 2) {
            long[] a = new long[(k - 2) * n];
            long[] b = new long[(k - 2) * n];
            for (int i = 1; i < k - 1; i++) {
                System.arraycopy(running[i - 1], 0, a, (i - 1) * n, n);
                System.arraycopy(suffix[i + 1], 0, b, (i - 1) * n, n);
            }
            long[] o = be.truncate(be.multiplyElementwise(a, b, purpose("dothers")), f,
                    purpose("dothers").child("truncate"));
            for (int i = 1; i < k - 1; i++) {
                others[i] = java.util.Arrays.copyOfRange(o, (i - 1) * n, i * n);
            }
        }
        // dX_i = dY·O_i, all k in one product and one truncation
        long[] dy = new long[k * n];
        long[] o = new long[k * n];
        for (int i = 0; i < k; i++) {
            System.arraycopy(dOut, 0, dy, i * n, n);
            System.arraycopy(others[i], 0, o, i * n, n);
        }
        long[] d = be.truncate(be.multiplyElementwise(dy, o, purpose("dproduct")), f,
                purpose("dproduct").child("truncate"));
        in = null;
        running = null;
        long[][] out = new long[k][];
        for (int i = 0; i < k; i++) {
            out[i] = java.util.Arrays.copyOfRange(d, i * n, (i + 1) * n);
        }
        return out;
    }
}
