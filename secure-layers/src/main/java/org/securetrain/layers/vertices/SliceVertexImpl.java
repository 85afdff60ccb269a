package org.securetrain.layers.vertices;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A contiguous slice of a share in C order, as DL4J's {@code SubsetVertex} (dimension 1, indices {@code from..to}
 * inclusive: features, channels, or the feature dimension of a time series) and {@code UnstackVertex} (slice
 * {@code from} of {@code stackSize} equal parts of dimension 0) take it: a share of the slice. Backward: dL/dOut in
 * the slice, zeros elsewhere.
 */
public final class SliceVertexImpl extends ShareVertexImpl {
    private final int dimension;
    private final int from;
    private final int toInclusive;
    private final int parts; // > 0: unstack (from is the part), else a subset of dimension 1

    private SliceVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int dimension,
            int from, int toInclusive, int parts) {
        super(graph, name, vertexIndex, dataType);
        this.dimension = dimension;
        this.from = from;
        this.toInclusive = toInclusive;
        this.parts = parts;
    }

    /** DL4J's {@code SubsetVertex(from, to)}. */
    public static SliceVertexImpl subset(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            int from, int toInclusive) {
        return new SliceVertexImpl(graph, name, vertexIndex, dataType, 1, from, toInclusive, 0);
    }

    /** DL4J's {@code UnstackVertex(from, stackSize)}. */
    public static SliceVertexImpl unstack(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            int from, int stackSize) {
        return new SliceVertexImpl(graph, name, vertexIndex, dataType, 0, from, -1, stackSize);
    }

    /** [start, end) along {@link #dimension} for an input of this shape. */
    private int[] range(long[] shape) {
        if (shape.length <= dimension) {
            throw new IllegalArgumentException(id() + ": input of rank " + shape.length);
        }
        int n = (int) shape[dimension];
        if (parts > 0) {
            if (n % parts != 0 || from >= parts) {
                throw new IllegalArgumentException(id() + ": dimension 0 of size " + n + " does not split into "
                        + parts + " parts (part " + from + ")");
            }
            return new int[] {from * (n / parts), (from + 1) * (n / parts)};
        }
        if (toInclusive >= n || from < 0 || from > toInclusive) {
            throw new IllegalArgumentException(id() + ": subset " + from + ".." + toInclusive + " of dimension 1 of "
                    + "size " + n);
        }
        return new int[] {from, toInclusive + 1};
    }

    /** Elements per index of {@link #dimension} (the product of the later dimensions). */
    private int inner(long[] shape) {
        long p = 1;
        for (int d = dimension + 1; d < shape.length; d++) {
            p *= shape[d];
        }
        return Math.toIntExact(p);
    }

    /** The number of blocks before {@link #dimension} (the product of the earlier dimensions). */
    private int outer(long[] shape) {
        long p = 1;
        for (int d = 0; d < dimension; d++) {
            p *= shape[d];
        }
        return Math.toIntExact(p);
    }

    /**
     * Where the slice lies in a C-order input of this shape: {@code outer} blocks of {@code n * inner} elements, of
     * which {@code len} from offset {@code start * inner} are the slice's.
     */
    private record Layout(int start, int end, int inner, int n, int outer) {
        int len() {
            return (end - start) * inner;
        }

        /** Offset of block o's slice in the input. */
        int inputOffset(int o) {
            return o * n * inner + start * inner;
        }
    }

    private Layout layout(long[] shape) {
        int[] r = range(shape);
        return new Layout(r[0], r[1], inner(shape), (int) shape[dimension], outer(shape));
    }

    @Override
    protected long[] forward(long[][] in, long[][] shapes, long[][] outShape) {
        long[] shape = shapes[0];
        Layout l = layout(shape);
        int len = l.len();
        long[] out = new long[l.outer() * len];
        for (int o = 0; o < l.outer(); o++) {
            System.arraycopy(in[0], l.inputOffset(o), out, o * len, len);
        }
        long[] s = shape.clone();
        s[dimension] = l.end() - l.start();
        outShape[0] = s;
        return out;
    }

    @Override
    protected long[][] backward(long[] dOut, long[] outShape, long[][] shapes) {
        long[] shape = shapes[0];
        Layout l = layout(shape);
        int len = l.len();
        long[] d = new long[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        for (int o = 0; o < l.outer(); o++) {
            System.arraycopy(dOut, o * len, d, l.inputOffset(o), len);
        }
        return new long[][] {d};
    }
}
