package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** The secure twin of DL4J's {@link ReshapeVertex} in C order ({@link ReshapeVertexImpl}). */
public class SecureReshapeVertex extends ReshapeVertex {

    /** Null when {@code v} can reshape shares, else why not. */
    public static String whyUnsupported(ReshapeVertex v) {
        if (v.getReshapeOrder() != 'c') {
            return "ReshapeVertex in order '" + v.getReshapeOrder() + "' is not supported on shares (order 'c' is)";
        }
        return v.getMaskShape() != null ? "ReshapeVertex with a mask shape is not supported (masks are not)" : null;
    }

    @JsonCreator
    public SecureReshapeVertex(@JsonProperty("reshapeOrder") char reshapeOrder,
            @JsonProperty("newShape") int[] newShape, @JsonProperty("maskShape") int[] maskShape) {
        super(reshapeOrder, newShape, maskShape);
    }

    @Override
    public SecureReshapeVertex clone() {
        return new SecureReshapeVertex(reshapeOrder, newShape.clone(), maskShape == null ? null : maskShape.clone());
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        ShareVertexImpl.refuseIf(whyUnsupported(this), name);
        return new ReshapeVertexImpl(graph, name, idx, networkDatatype, newShape);
    }
}
