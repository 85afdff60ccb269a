package org.securetrain.layers.vertices;

import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The secure twin of DL4J's {@link MergeVertex}: concatenation of shares along dimension 1 ({@link MergeVertexImpl}). */
public class SecureMergeVertex extends MergeVertex {

    /** Null when {@code v} can merge shares, else why not. */
    public static String whyUnsupported(MergeVertex v) {
        return v.getMergeAxis() == DEFAULT_MERGE_DIM ? null : "MergeVertex along dimension " + v.getMergeAxis()
                + " is not supported on shares (dimension " + DEFAULT_MERGE_DIM + ", the default, is)";
    }

    @Override
    public SecureMergeVertex clone() {
        SecureMergeVertex c = new SecureMergeVertex();
        c.setMergeAxis(mergeAxis);
        c.setModified(modified);
        return c;
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
            boolean initializeParams, DataType networkDatatype) {
        ShareVertexImpl.refuseIf(whyUnsupported(this), name);
        return new MergeVertexImpl(graph, name, idx, networkDatatype);
    }
}
