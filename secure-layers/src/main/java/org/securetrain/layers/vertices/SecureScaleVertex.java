package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** The secure twin of DL4J's {@link ScaleVertex} ({@link AffineVertexImpl}). */
public class SecureScaleVertex extends ScaleVertex {

    @JsonCreator
    public SecureScaleVertex(@JsonProperty("scaleFactor") double scaleFactor) {
        super(scaleFactor);
    }

    @Override
    public SecureScaleVertex clone() {
        return new SecureScaleVertex(scaleFactor);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        return AffineVertexImpl.scale(graph, name, idx, networkDatatype, scaleFactor);
    }
}
