package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The secure twin of DL4J's {@link ElementWiseVertex} (same fields and JSON, other class): Add and Subtract on shares
 * ({@link AddSubtractVertexImpl}), Average ({@link AffineVertexImpl}), Max ({@link MaxVertexImpl}) and Product
 * ({@link ProductVertexImpl}).
 */
public class SecureElementWiseVertex extends ElementWiseVertex {

    @JsonCreator
    public SecureElementWiseVertex(@JsonProperty("op") Op op) {
        super(op);
    }

    @Override
    public SecureElementWiseVertex clone() {
        return new SecureElementWiseVertex(op);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        return switch (op) {
            case Add, Subtract -> new AddSubtractVertexImpl(graph, name, idx, networkDatatype, op == Op.Subtract);
            case Average -> AffineVertexImpl.average(graph, name, idx, networkDatatype);
            case Max -> new MaxVertexImpl(graph, name, idx, networkDatatype);
            case Product -> new ProductVertexImpl(graph, name, idx, networkDatatype);
            default -> throw new IllegalStateException("vertex '" + name + "': ElementWiseVertex " + op + " is not "
                    + "supported on shares (Add, Subtract, Average, Max and Product are)");
        };
    }
}
