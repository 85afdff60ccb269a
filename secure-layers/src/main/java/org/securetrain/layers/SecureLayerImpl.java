package org.securetrain.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.LayerHost;
import org.securetrain.layers.core.SecureOp;

/**
 * DL4J's implementation of every secure layer with parameters (dense, convolution, ...): a {@code BaseLayer}
 * (DL4J manages the parameter and gradient views, which here are a zero monitor and zero gradients) whose
 * forward and backward are its {@link LayerCore}'s, which runs the layer's {@link SecureOp} on shares.
 * Activations and epsilons are this party's LONG shares with the plaintext shape.
 */
public class SecureLayerImpl extends BaseLayer<org.deeplearning4j.nn.conf.layers.BaseLayer> implements SecureLayer {
    private final LayerCore core;

    public SecureLayerImpl(NeuralNetConfiguration conf, DataType dataType, SecureOp op) {
        super(conf, dataType);
        this.core = new LayerCore(LayerHost.of(this), op);
    }

    @Override
    public LayerCore core() {
        return core;
    }

    @Override
    public Type type() {
        return core.op().type();
    }

    /** The layer's regularisation term from the weight shares ({@link LayerCore#regularizationScore}). */
    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return core.regularizationScore();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return core.activate(input, training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return core.backpropGradient(input, epsilon, gradientViews, workspaceMgr);
    }
}
