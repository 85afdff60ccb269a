package org.securetrain.layers.vertices;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import java.util.function.Supplier;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.SecureLayerContext;
import org.securetrain.layers.core.Shares;
import org.securetrain.runtime.ProtocolId;

/**
 * DL4J's implementation of a parameter-free graph vertex that is a local linear map of each party's share (sum,
 * difference, concatenation...): it runs on this party's LONG share with {@code long} arithmetic mod 2^64, so the map
 * of the shares is a share of the map, with no communication. DL4J's own vertex implementations cast to the network's
 * floating-point type, which would destroy a 64-bit share; the secure vertex configurations instantiate these instead.
 * Subclasses give the map and its transpose on C-order values.
 */
public abstract class ShareVertexImpl extends BaseGraphVertex {
    private long[][] inputShapes;
    private transient SecureLayerContext ctx; // bound at attach; only vertices that communicate use it

    /** Binds the party's context (at attach and reattach, like the layers'). */
    public void bind(SecureLayerContext ctx) {
        this.ctx = ctx;
    }

    /** The bound context, or an error naming the vertex. */
    protected SecureLayerContext context() {
        if (ctx == null) {
            throw new IllegalStateException(id() + ": no SecurePartyContext attached (build the network with "
                    + "SecureTrain.attach; after clone() or restore use SecureTrain.reattach)");
        }
        return ctx;
    }

    /** This vertex's protocol id for one of its calls: "vertex<index>.<suffix>". */
    protected ProtocolId purpose(String suffix) {
        return ProtocolId.parse("vertex" + vertexIndex).child(suffix);
    }

    protected ShareVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
    }

    /** The output values (C order) of the inputs' values and shapes; sets {@code outShape[0]} to the output shape. */
    protected abstract long[] forward(long[][] in, long[][] shapes, long[][] outShape);

    /** dL/d(input i) for every input from dL/d(output) (the transpose of the linear map). */
    protected abstract long[][] backward(long[] dOut, long[] outShape, long[][] shapes);

    /** What the forward kept for the backward, or an error naming the vertex when there was no forward. */
    protected <T> T keptByForward(T kept) {
        if (kept == null) {
            throw new IllegalStateException(id() + ": backward before forward");
        }
        return kept;
    }

    /** Refuses a vertex configuration with {@code why} (null: supported), naming the vertex {@code name}. */
    static void refuseIf(String why, String name) {
        if (why != null) {
            throw new IllegalStateException("vertex '" + name + "': " + why);
        }
    }

    /** "vertex 'name' (Type)" for messages. */
    protected String id() {
        return "vertex '" + vertexName + "' (" + getClass().getSimpleName() + ")";
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException(id() + ": cannot do forward pass: inputs not set");
        }
        return guarded("forward", () -> {
            long[][] in = new long[inputs.length][];
            inputShapes = new long[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                in[i] = Shares.toLongs(inputs[i], id() + " input " + i);
                inputShapes[i] = inputs[i].shape();
            }
            long[][] outShape = new long[1][];
            long[] out = forward(in, inputShapes, outShape);
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, Shares.toIndArray(out, outShape[0]));
        });
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(id() + ": cannot do backward pass: errors not set");
        }
        return guarded("backward", () -> {
            long[][] d = backward(Shares.toLongs(epsilon, id() + " epsilon"), epsilon.shape(), inputShapes);
            INDArray[] out = new INDArray[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, Shares.toIndArray(d[i], inputShapes[i]));
            }
            return new Pair<Gradient, INDArray[]>(null, out);
        });
    }

    /** Runs a step; on failure tells the context (which ends the session, so the peer fails at once) and rethrows. */
    private <T> T guarded(String what, Supplier<T> body) {
        return LayerCore.guarded(ctx, id() + " " + what, body);
    }

    /** All inputs of the same shape (no broadcasting on shares), else an error naming the vertex. */
    protected void requireEqualShapes(long[][] shapes) {
        for (long[] s : shapes) {
            if (!Arrays.equals(s, shapes[0])) {
                throw new IllegalArgumentException(id() + ": inputs of different shapes " + Arrays.toString(shapes[0])
                        + " and " + Arrays.toString(s) + " (broadcasting is not supported on shares)");
            }
        }
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException(id() + " has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
            int minibatchSize) {
        if (maskArrays != null) {
            for (INDArray m : maskArrays) {
                if (m != null) {
                    throw new UnsupportedOperationException(id() + ": masks are not supported on shares");
                }
            }
        }
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + vertexName + ")";
    }
}
