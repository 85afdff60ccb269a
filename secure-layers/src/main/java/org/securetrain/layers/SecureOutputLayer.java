package org.securetrain.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

/**
 * An {@link OutputLayer} (softmax + multi-class cross-entropy only) computed on secret shares, in
 * "label-owner loss" mode (DESIGN.md 4.6): the logits are revealed to the data owner, who holds the
 * labels and computes softmax, the loss and the output delta. Updaters as in {@link SecureDenseLayer}.
 */
public class SecureOutputLayer extends OutputLayer {

    public SecureOutputLayer() {
        super();
    }

    /** Null when the activation/loss pair is what the secure output layer computes, else why not. */
    public static String whyUnsupported(IActivation activation, ILossFunction loss) {
        if (!(activation instanceof ActivationSoftmax)) {
            return "output activation " + activation + " is not supported: the secure output layer is softmax only";
        }
        if (loss == null || (loss.getClass() != LossMCXENT.class && loss.getClass() != LossNegativeLogLikelihood.class)) {
            return "loss " + (loss == null ? "null" : loss.getClass().getSimpleName()) + " is not supported: the "
                    + "secure output layer computes softmax with multi-class cross-entropy (MCXENT / NEGATIVELOGLIKELIHOOD)";
        }
        if (((LossMCXENT) loss).getWeights() != null) {
            return "weighted cross-entropy is not supported yet";
        }
        return null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("SecureOutputLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        SecureLayerFactory.refuseIf(whyUnsupported(getActivationFn(), getLossFn()),
                SecureLayerFactory.id(layerIndex, this));
        return SecureLayerFactory.wire(new SecureOutputLayerImpl(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecureOutputLayer && super.equals(o);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof SecureOutputLayer;
    }

    @Override
    public String toString() {
        return "Secure" + super.toString();
    }
}
