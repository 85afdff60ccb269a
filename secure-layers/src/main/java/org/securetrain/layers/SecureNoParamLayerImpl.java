package org.securetrain.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.LayerHost;
import org.securetrain.layers.core.SecureOp;

/**
 * DL4J's implementation of every parameter-free secure layer (pooling; later activation, dropout, reshaping): an
 * {@code AbstractLayer} whose forward and backward are its {@link LayerCore}'s, which runs the layer's
 * {@link SecureOp} on shares.
 */
public class SecureNoParamLayerImpl extends AbstractLayer<Layer> implements SecureLayer {
    private final LayerCore core;

    public SecureNoParamLayerImpl(NeuralNetConfiguration conf, DataType dataType, SecureOp op) {
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

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return core.activate(input, training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return core.backpropGradient(input, epsilon, Map.of(), workspaceMgr);
    }
}
