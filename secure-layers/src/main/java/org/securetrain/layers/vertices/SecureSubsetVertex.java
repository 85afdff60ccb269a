package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** The secure twin of DL4J's {@link SubsetVertex}: a slice of dimension 1 of the shares ({@link SliceVertexImpl}). */
public class SecureSubsetVertex extends SubsetVertex {

    @JsonCreator
    public SecureSubsetVertex(@JsonProperty("from") int from, @JsonProperty("to") int to) {
        super(from, to);
    }

    @Override
    public SecureSubsetVertex clone() {
        return new SecureSubsetVertex(getFrom(), getTo());
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        return SliceVertexImpl.subset(graph, name, idx, networkDatatype, getFrom(), getTo());
    }
}
