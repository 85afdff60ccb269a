package org.securetrain.layers.ops;

import org.deeplearning4j.nn.api.Layer;
import org.securetrain.layermath.ElementwiseActivation;
import org.securetrain.layermath.PiecewiseLinear;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * A standalone element-wise activation (DL4J's {@code ActivationLayer}) on values at scale f, any shape: a
 * {@link PiecewiseLinear} forward keeping its comparison bits, backward multiplying dY by the derivative from
 * those bits (no new comparison); or sigmoid/tanh ({@link org.securetrain.layermath.SmoothActivation}), backward from
 * the forward values. No parameters.
 */
public final class ActivationOp extends SecureOp {
    private final ElementwiseActivation fn;
    private ElementwiseActivation.Applied applied;

    public ActivationOp(ElementwiseActivation fn) {
        super("act", Layer.Type.FEED_FORWARD);
        this.fn = fn;
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor x) {
        applied = fn.forward(s.be(), x.values(), s.purpose(fn instanceof PiecewiseLinear p && p.breakpoints() == 0 ? "affine" : "pwl"));
        return SharedTensor.of(applied.y(), x.shape());
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dy) {
        if (!s.needInputGradient()) {
            return null;
        }
        return SharedTensor.of(fn.backward(s.be(), s.fromForward(applied), dy.values(), s.purpose("dpwl")), dy.shape());
    }
}
