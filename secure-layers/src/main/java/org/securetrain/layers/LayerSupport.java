package org.securetrain.layers;

import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small pieces shared by the secure layer implementations. */
final class LayerSupport {
    private LayerSupport() {
    }

    /**
     * Runs a layer step; on failure tells the context (which ends the session with the reason, so the peer
     * fails at once rather than waiting for a message that will not come) and rethrows.
     */
    static <T> T guarded(SecureLayerContext ctx, String where, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            if (ctx != null) {
                ctx.failed(where, e);
            }
            throw e;
        }
    }

    static SecureLayerContext requireContext(SecureLayerContext ctx, String layerId) {
        if (ctx == null) {
            throw new IllegalStateException(layerId + ": no SecurePartyContext attached (build the network with "
                    + "SecureTrain.attach(conf, ctx); after clone() or restore use SecureTrain.reattach)");
        }
        return ctx;
    }

    /**
     * DL4J's updater must see zero gradients: the update already happened on shares inside the layer, and
     * DL4J subtracts whatever is in the gradient views from the (monitor) parameters. Written into the
     * existing views with assign: DL4J ignores fresh arrays.
     */
    static Gradient zeroGradient(Map<String, INDArray> gradientViews) {
        Gradient g = new DefaultGradient();
        for (Map.Entry<String, INDArray> e : gradientViews.entrySet()) {
            e.getValue().assign(0);
            g.setGradientFor(e.getKey(), e.getValue());
        }
        return g;
    }

    /** True for the fused secure ReLU, false for identity; anything else is refused naming the layer. */
    static boolean fusedRelu(IActivation a, String layerId) {
        if (a instanceof SecureReLU) {
            return true;
        }
        if (a instanceof ActivationIdentity) {
            return false;
        }
        throw new IllegalStateException(layerId + ": activation " + a + " is not supported on shares; secure "
                + "layers take SecureReLU (fused, exact) or identity");
    }

    static int toIntSize(long n, String what, String layerId) {
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(layerId + ": " + what + " " + n + " out of range");
        }
        return (int) n;
    }
}
