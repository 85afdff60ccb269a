package org.securetrain.layers.core;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Where a {@link LayerCore} sits: what DL4J knows about the layer and keeps for it. A layer of a
 * {@code MultiLayerNetwork} is described by {@link #of(AbstractLayer)}; a graph vertex would describe itself.
 * Read at each call, since DL4J sets index, configuration and parameter views after construction.
 */
public interface LayerHost {

    /** The position in the network: part of the layer's protocol name ("layer<index>.<kind>"). */
    int index();

    /** The secure configuration's class, e.g. "SecureDenseLayer", and the user's layer name (or null). */
    String describe();

    /** Whether the input is the network's input (the data owner's features, shared as the context says). */
    boolean takesNetworkInput();

    /** DL4J's parameter views by key (empty for a parameter-free layer): the public monitor of the shares. */
    Map<String, INDArray> parameterViews();

    /**
     * The updater the user configured for parameter {@code key} (what DL4J itself would use; the secure
     * configurations tell DL4J NoOp, since its parameters are only a monitor).
     */
    IUpdater updaterFor(String key);

    /** DL4J's regularisation of parameter {@code key} (L1/L2/weight decay of weights or biases); empty for none. */
    List<Regularization> regularizationFor(String key);

    /** The element-wise clipping threshold ({@code ClipElementWiseAbsoluteValue}), or 0 for no gradient normalisation. */
    double elementWiseClip();

    /**
     * DL4J's gradient normalisation of this layer ({@code None} for none; the element-wise kind is
     * {@link #elementWiseClip()}) and its threshold.
     */
    default GradientNormalization gradientNormalization() {
        return GradientNormalization.None;
    }

    /** DL4J's gradient normalisation threshold (used by the clipping kinds). */
    default double gradientNormalizationThreshold() {
        return 0;
    }

    /** DL4J's {@code miniBatch} flag: whether the updater divides gradients by the batch size. */
    boolean miniBatch();

    /** The network's completed iterations (DL4J's counter: schedules and per-step seeds are functions of it). */
    int iteration();

    /** The network's completed epochs. */
    int epoch();

    /** DL4J's dropout of this layer's input (null for none). */
    default IDropout dropout() {
        return null;
    }

    /** The layer at {@code layer.getIndex()} of a multi-layer network; index 0 takes the network input. */
    static LayerHost of(AbstractLayer<?> layer) {
        return new LayerHost() {
            @Override
            public int index() {
                return layer.getIndex();
            }

            @Override
            public String describe() {
                String name = layer.layerConf().getLayerName();
                return layer.layerConf().getClass().getSimpleName() + (name == null ? "" : " '" + name + "'");
            }

            @Override
            public boolean takesNetworkInput() {
                return layer.getIndex() == 0;
            }

            @Override
            public Map<String, INDArray> parameterViews() {
                return layer.paramTable();
            }

            @Override
            public List<Regularization> regularizationFor(String key) {
                List<Regularization> r = layer.layerConf().getRegularizationByParam(key);
                return r == null ? List.of() : r;
            }

            @Override
            public double elementWiseClip() {
                return layer.layerConf() instanceof BaseLayer b
                        && b.getGradientNormalization() == GradientNormalization.ClipElementWiseAbsoluteValue
                        ? b.getGradientNormalizationThreshold() : 0;
            }

            @Override
            public GradientNormalization gradientNormalization() {
                return layer.layerConf() instanceof BaseLayer b && b.getGradientNormalization() != null
                        ? b.getGradientNormalization() : GradientNormalization.None;
            }

            @Override
            public double gradientNormalizationThreshold() {
                return layer.layerConf() instanceof BaseLayer b ? b.getGradientNormalizationThreshold() : 0;
            }

            @Override
            public IDropout dropout() {
                return layer.layerConf().getIDropout();
            }

            @Override
            public boolean miniBatch() {
                return layer.conf().isMiniBatch();
            }

            @Override
            public int iteration() {
                return layer.getIterationCount();
            }

            @Override
            public int epoch() {
                return layer.getEpochCount();
            }

            /** DL4J's rule ({@code conf.layers.BaseLayer.getUpdaterByParam}): the bias updater if set. */
            @Override
            public IUpdater updaterFor(String key) {
                if (!(layer.layerConf() instanceof BaseLayer b)) {
                    throw new IllegalStateException(describe() + " has parameter '" + key + "' but no updater");
                }
                return b.getBiasUpdater() != null && b.initializer().isBiasParam(b, key) ? b.getBiasUpdater()
                        : b.getIUpdater();
            }
        };
    }
}
