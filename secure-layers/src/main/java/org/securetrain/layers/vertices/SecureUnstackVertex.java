package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.UnstackVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** The secure twin of DL4J's {@link UnstackVertex}: one part of dimension 0 of the shares ({@link SliceVertexImpl}). */
public class SecureUnstackVertex extends UnstackVertex {

    @JsonCreator
    public SecureUnstackVertex(@JsonProperty("from") int from, @JsonProperty("stackSize") int stackSize) {
        super(from, stackSize);
    }

    @Override
    public SecureUnstackVertex clone() {
        return new SecureUnstackVertex(from, stackSize);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        return SliceVertexImpl.unstack(graph, name, idx, networkDatatype, from, stackSize);
    }
}
