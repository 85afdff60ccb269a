package org.securetrain.layers;

import java.util.Collection;
import lombok.EqualsAndHashCode;
import lombok.ToString;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.securetrain.layers.ops.BatchNormOp;

/**
 * A {@link BatchNormalization} computed on shares ({@link BatchNormOp}): batch statistics on shares, one exact
 * reciprocal square root per channel, gamma and beta trained by the configured updater, DL4J's running mean and
 * variance for inference. DL4J is told NoOp for every parameter (its parameter array is only a monitor).
 */
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SecureBatchNormalization extends BatchNormalization {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return SecureLayerFactory.withWeights(this, whyUnsupported(this),
                id -> new SecureLayerImpl(conf, networkDataType, new BatchNormOp(this)), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    /** Null when {@code b} can be computed on shares, else why not. */
    public static String whyUnsupported(BatchNormalization b) {
        if (!(b.getEps() >= 0) || b.getEps() >= 1e6) {
            return "BatchNormalization eps " + b.getEps() + " is out of the supported range [0, 1e6)";
        }
        if (!(b.getDecay() >= 0 && b.getDecay() <= 1)) {
            return "BatchNormalization decay " + b.getDecay() + " is outside [0, 1]";
        }
        if (b.getGradientNormalization() != null
                && b.getGradientNormalization() != org.deeplearning4j.nn.conf.GradientNormalization.None) {
            return "gradient normalisation on BatchNormalization is not supported (DL4J applies it to the running "
                    + "mean/variance updates too)";
        }
        return null;
    }

    /** DL4J's updater leaves the monitor parameters alone; the secure step runs inside the layer. */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }
}
