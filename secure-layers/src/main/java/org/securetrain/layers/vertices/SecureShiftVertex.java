package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** The secure twin of DL4J's {@link ShiftVertex} ({@link AffineVertexImpl}). */
public class SecureShiftVertex extends ShiftVertex {

    @JsonCreator
    public SecureShiftVertex(@JsonProperty("shiftFactor") double shiftFactor) {
        super(shiftFactor);
    }

    @Override
    public SecureShiftVertex clone() {
        return new SecureShiftVertex(shiftFactor);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        return AffineVertexImpl.shift(graph, name, idx, networkDatatype, shiftFactor);
    }
}
