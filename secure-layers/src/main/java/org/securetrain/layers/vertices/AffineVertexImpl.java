package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.ExactTruncation;

/**
 * y = c (x_1 + ... + x_n) + s with public c and s: DL4J's {@code ElementWiseVertex} Average (c = 1/n),
 * {@code ScaleVertex} (c) and {@code ShiftVertex} (s). The sum is local. An integer c is a local multiplication; any
 * other c is the fixed-point constant round(c 2^f) followed by the exact truncation by f ({@link ExactTruncation}:
 * floor, as the plaintext shift would give, so an exact 0 stays 0). s is encoded at scale f and added by party 0 only
 * (a constant added by both would count twice). Backward: dL/dx_i = c dL/dy (a faithful truncation for a non-integer
 * c, one ulp at most: gradients meet no comparison). Communication: the truncations' only (none for integer c).
 */
public final class AffineVertexImpl extends ShareVertexImpl {
    private final double scale;
    private final double shift;
    private final boolean averageOfInputs;

    private AffineVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, double scale,
            double shift, boolean averageOfInputs) {
        super(graph, name, vertexIndex, dataType);
        this.scale = scale;
        this.shift = shift;
        this.averageOfInputs = averageOfInputs;
    }

    /** DL4J's {@code ElementWiseVertex(Average)}. */
    public static AffineVertexImpl average(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        return new AffineVertexImpl(graph, name, vertexIndex, dataType, Double.NaN, 0, true);
    }

    /** DL4J's {@code ScaleVertex(scale)}. */
    public static AffineVertexImpl scale(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            double scale) {
        return new AffineVertexImpl(graph, name, vertexIndex, dataType, scale, 0, false);
    }

    /** DL4J's {@code ShiftVertex(shift)}. */
    public static AffineVertexImpl shift(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            double shift) {
        return new AffineVertexImpl(graph, name, vertexIndex, dataType, 1, shift, false);
    }

    private double c(int inputs) {
        return averageOfInputs ? 1.0 / inputs : scale;
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        requireEqualShapes(shapes);
        long[] sum = in[0].clone();
        for (int i = 1; i < in.length; i++) {
            for (int j = 0; j < sum.length; j++) {
                sum[j] += in[i][j];
            }
        }
        Backend be = context().backend();
        long[] y = times(be, sum, c(in.length), true);
        if (shift != 0 && be.actsFor(0)) {
            long s = be.fixedPoint().encode(shift);
            for (int j = 0; j < y.length; j++) {
                y[j] += s;
            }
        }
        outShape[0] = shapes[0];
        return y;
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        long[] d = times(context().backend(), dOut, c(shapes.length), false);
        long[][] out = new long[shapes.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.clone();
        }
        return out;
    }

    /** x times the public c: local for an integer c, else times round(c 2^f) and a truncation by f. */
    private long[] times(Backend be, long[] x, double c, boolean exact) {
        long[] y = new long[x.length];
        if (c == Math.rint(c) && Math.abs(c) < 0x1p31) {
            long k = (long) c;
            for (int j = 0; j < x.length; j++) {
                y[j] = x[j] * k;
            }
            return y;
        }
        int f = be.fixedPoint().fracBits();
        long k = Math.round(Math.scalb(c, f));
        for (int j = 0; j < x.length; j++) {
            y[j] = x[j] * k;
        }
        return exact ? ExactTruncation.floor(be, y, f, purpose("scale")) : be.truncate(y, f, purpose("dscale"));
    }
}
