package org.securetrain.layers;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Marks, in a configuration, that a secure layer's ReLU is fused into the layer: the layer computes it
 * exactly on shares together with the truncation and keeps the derivative bits (DESIGN.md 4.3).
 *
 * <p>It is never applied by DL4J: {@link org.nd4j.linalg.activations.IActivation} gets neither the
 * session nor the workspace manager, and DL4J's own layers would apply it to a share (64-bit ring values
 * cast to float), which is meaningless. Both methods therefore throw, so a misuse fails loudly instead of
 * producing wrong numbers. Serialised by class name like every IActivation.
 */
public final class SecureReLU extends BaseActivationFunction {

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        throw new UnsupportedOperationException("SecureReLU is fused into a secure layer and is never applied by "
                + "DL4J; a non-secure layer must use ActivationReLU (see SecureTrain.reveal)");
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        throw new UnsupportedOperationException("SecureReLU is fused into a secure layer; DL4J never backpropagates it");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecureReLU;
    }

    @Override
    public int hashCode() {
        return SecureReLU.class.hashCode();
    }

    @Override
    public String toString() {
        return "securerelu";
    }
}
