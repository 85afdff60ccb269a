package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The secure twin of DL4J's {@link StackVertex}: shares stacked along dimension 0 ({@link StackVertexImpl}). */
public class SecureStackVertex extends StackVertex {

    @Override
    public SecureStackVertex clone() {
        return new SecureStackVertex();
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        return new StackVertexImpl(graph, name, idx, networkDatatype);
    }
}
