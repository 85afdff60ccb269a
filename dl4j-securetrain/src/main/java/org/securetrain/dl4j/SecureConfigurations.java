package org.securetrain.dl4j;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.serde.JsonMappers;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.securetrain.layers.SecureConvolutionLayer;
import org.securetrain.layers.SecureDenseLayer;
import org.securetrain.layers.SecureOutputLayer;
import org.securetrain.layers.SecureReLU;
import org.securetrain.layers.SecureSubsamplingLayer;
import org.securetrain.layers.core.SecureUpdaters;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.runtime.SessionOptions;

/**
 * Rewrites an ordinary {@link MultiLayerConfiguration} into its secure twin and back. Each supported layer
 * is serialised with DL4J's own JSON mapper, its {@code @class} switched to the secure subclass, and read
 * back, so every field survives; ReLU becomes the fused {@link SecureReLU}. Anything that cannot be
 * computed on shares without an undocumented reveal is refused with the layer's index and type.
 * (An explicit "allow reveal" opt-in is not implemented: refusal is the only behaviour.) Also the hash both
 * parties agree on. Users call these through {@link SecureTrain}.
 */
public final class SecureConfigurations {
    /** Version tag of everything the hash covers besides the configuration (bump on protocol changes). */
    static final String HASH_DOMAIN = "securetrain-dl4j/1";

    private static final Map<Class<? extends Layer>, Class<? extends Layer>> TO_SECURE = Map.of(
            DenseLayer.class, SecureDenseLayer.class,
            OutputLayer.class, SecureOutputLayer.class,
            SubsamplingLayer.class, SecureSubsamplingLayer.class,
            ConvolutionLayer.class, SecureConvolutionLayer.class);
    private static final Map<Class<? extends Layer>, Class<? extends Layer>> TO_PLAIN = Map.of(
            SecureDenseLayer.class, DenseLayer.class,
            SecureOutputLayer.class, OutputLayer.class,
            SecureSubsamplingLayer.class, SubsamplingLayer.class,
            SecureConvolutionLayer.class, ConvolutionLayer.class);
    /** Reshaping preprocessors: local linear maps, exact on shares. */
    private static final Set<Class<?>> SHARE_SAFE_PREPROCESSORS = Set.of(CnnToFeedForwardPreProcessor.class,
            FeedForwardToCnnPreProcessor.class);
    private static final String SUPPORTED = "supported: DenseLayer and ConvolutionLayer (ReLU or identity), "
            + "SubsamplingLayer (MAX), OutputLayer (softmax + MCXENT) as the last layer";

    private SecureConfigurations() {
    }

    /** A secure clone of {@code conf} (idempotent on secure configurations). */
    static MultiLayerConfiguration toSecure(MultiLayerConfiguration conf) {
        MultiLayerConfiguration c = conf.clone();
        if (c.getBackpropType() != BackpropType.Standard) {
            throw new UnsupportedConfigurationException(-1, null, "backprop type " + c.getBackpropType()
                    + " is not supported (Standard only)");
        }
        List<NeuralNetConfiguration> confs = c.getConfs();
        if (confs.isEmpty()) {
            throw new UnsupportedConfigurationException(-1, null, "the configuration has no layers");
        }
        for (int i = 0; i < confs.size(); i++) {
            NeuralNetConfiguration nnc = confs.get(i);
            Layer l = nnc.getLayer();
            String type = l.getClass().getSimpleName();
            if (!nnc.isMiniBatch()) {
                throw new UnsupportedConfigurationException(i, type, "miniBatch(false) is not supported");
            }
            if (!nnc.isMinimize()) {
                throw new UnsupportedConfigurationException(i, type, "minimize(false) is not supported");
            }
            if (nnc.getOptimizationAlgo() != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT) {
                throw new UnsupportedConfigurationException(i, type, "optimisation algorithm "
                        + nnc.getOptimizationAlgo() + " is not supported (STOCHASTIC_GRADIENT_DESCENT only)");
            }
            nnc.setLayer(secureLayer(i, l, i == confs.size() - 1));
        }
        for (Map.Entry<Integer, InputPreProcessor> e : c.getInputPreProcessors().entrySet()) {
            if (e.getValue() != null && !SHARE_SAFE_PREPROCESSORS.contains(e.getValue().getClass())) {
                int i = e.getKey();
                throw new UnsupportedConfigurationException(i, confs.get(i).getLayer().getClass().getSimpleName(),
                        "input preprocessor " + e.getValue().getClass().getSimpleName() + " is not supported on shares "
                                + "(only CnnToFeedForwardPreProcessor and FeedForwardToCnnPreProcessor)");
            }
        }
        return c;
    }

    /**
     * SHA-256 of the secure configuration's JSON and the fixed-point bits (see {@link SecureTrain#configHash}).
     * Left out because they do not change what is computed jointly: the seeds, the iteration/epoch counters
     * and the parameter-name lists DL4J fills in at init.
     */
    public static byte[] hash(MultiLayerConfiguration conf, int fracBits) {
        MultiLayerConfiguration c = toSecure(conf);
        c.setIterationCount(0);
        c.setEpochCount(0);
        for (NeuralNetConfiguration nnc : c.getConfs()) {
            nnc.setSeed(0);
            nnc.setIterationCount(0);
            nnc.setEpochCount(0);
            nnc.clearVariables();
        }
        return SessionOptions.hashConfig(HASH_DOMAIN, c.toJson(), "fracBits=" + fracBits,
                "constantBits=" + SgdConfig.CONSTANT_BITS);
    }

    /**
     * The hash a training session's handshake compares (see {@link SecurePartyContext.Builder#configHash}):
     * {@link #hash} plus the choices both parties must make alike, the loss mode with its named leakage and
     * the insecure debug reveal. Null leakage is the insecure single-process reference, which has no session.
     */
    static byte[] sessionHash(MultiLayerConfiguration conf, int fracBits, LabelOwnerLeakage leakage,
            boolean debugRevealWeights) {
        java.util.Objects.requireNonNull(leakage, "the loss mode (labelOwnerLoss)");
        MultiLayerConfiguration secure = toSecure(conf);
        requireLogitsNotAffineInTheDataOwnersInput(secure);
        return SessionOptions.hashConfig(HASH_DOMAIN, java.util.HexFormat.of().formatHex(hash(secure, fracBits)),
                leakage.hashField(), "insecureDebugRevealWeights=" + debugRevealWeights);
    }

    /**
     * Label-owner mode shows the data owner the exact logits. When nothing non-linear (a ReLU or another
     * non-identity activation, or a max-pooling) lies between the input and the output layer, the logits are an
     * affine function of the data owner's own input, logits = X A + c, and a few batches of its choosing reveal A
     * and c exactly: the model. Such a configuration is refused in this mode.
     */
    static void requireLogitsNotAffineInTheDataOwnersInput(MultiLayerConfiguration secure) {
        List<NeuralNetConfiguration> confs = secure.getConfs();
        for (int i = 0; i < confs.size() - 1; i++) {
            Layer l = confs.get(i).getLayer();
            if (l instanceof SubsamplingLayer s && s.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX) {
                return;
            }
            if (l instanceof BaseLayer b && b.getActivationFn() != null
                    && !(b.getActivationFn() instanceof ActivationIdentity)) {
                return;
            }
        }
        int last = confs.size() - 1;
        throw new UnsupportedConfigurationException(last, confs.get(last).getLayer().getClass().getSimpleName(),
                "in label-owner loss mode the data owner receives the exact logits, and in this network they are an "
                        + "affine function of the data owner's own input (no ReLU or max-pooling before the output "
                        + "layer): from a few batches of its choosing it would solve for the weights exactly. Add a "
                        + "non-linear layer, or train this network in private-loss mode (issue 16; not implemented yet)");
    }

    /** The plain twin of a secure configuration (for the revealed network). */
    static MultiLayerConfiguration toPlain(MultiLayerConfiguration secure) {
        MultiLayerConfiguration c = secure.clone();
        for (NeuralNetConfiguration nnc : c.getConfs()) {
            Layer l = nnc.getLayer();
            Class<? extends Layer> plain = TO_PLAIN.get(l.getClass());
            if (plain != null) {
                Layer p = retype(l, plain);
                if (p instanceof BaseLayer b && b.getActivationFn() instanceof SecureReLU) {
                    b.setActivationFn(new ActivationReLU());
                }
                nnc.setLayer(p);
            }
        }
        return c;
    }

    private static Layer secureLayer(int i, Layer l, boolean last) {
        String type = l.getClass().getSimpleName();
        Class<? extends Layer> target = TO_SECURE.containsKey(l.getClass()) ? TO_SECURE.get(l.getClass())
                : TO_PLAIN.containsKey(l.getClass()) ? l.getClass() : null;
        if (target == null) {
            throw new UnsupportedConfigurationException(i, type, "not supported by SecureTrain (" + SUPPORTED + ")");
        }
        boolean output = target == SecureOutputLayer.class;
        if (last && !output) {
            throw new UnsupportedConfigurationException(i, type, "the last layer must be an OutputLayer "
                    + "(softmax + MCXENT)");
        }
        if (!last && output) {
            throw new UnsupportedConfigurationException(i, type, "an output layer is only supported as the last layer");
        }
        checkCommon(i, type, l);
        if (l instanceof BaseLayer b) {
            checkTrainable(i, type, b);
        }
        IActivation act = null;
        if (target == SecureDenseLayer.class) {
            DenseLayer d = (DenseLayer) l;
            if (d.hasLayerNorm()) {
                throw new UnsupportedConfigurationException(i, type, "layer normalisation is not supported");
            }
            act = hiddenActivation(i, type, d.getActivationFn());
        } else if (target == SecureOutputLayer.class) {
            OutputLayer o = (OutputLayer) l;
            String why = SecureOutputLayer.whyUnsupported(o.getActivationFn(), o.getLossFn());
            if (why != null) {
                throw new UnsupportedConfigurationException(i, type, why);
            }
        } else if (target == SecureSubsamplingLayer.class) {
            String why = SecureSubsamplingLayer.whyUnsupported((SubsamplingLayer) l);
            if (why != null) {
                throw new UnsupportedConfigurationException(i, type, why);
            }
        } else if (target == SecureConvolutionLayer.class) {
            ConvolutionLayer cl = (ConvolutionLayer) l;
            String why = SecureConvolutionLayer.whyUnsupported(cl);
            if (why != null) {
                throw new UnsupportedConfigurationException(i, type, why);
            }
            act = hiddenActivation(i, type, cl.getActivationFn());
        }
        Layer secure = target == l.getClass() ? l.clone() : retype(l, target);
        if (act != null) {
            ((BaseLayer) secure).setActivationFn(act);
        }
        return secure;
    }

    private static void checkCommon(int i, String type, Layer l) {
        if (l.getIDropout() != null) {
            throw new UnsupportedConfigurationException(i, type, "dropout is not supported (its masks would have "
                    + "to be drawn jointly and kept secret)");
        }
        if (l.getConstraints() != null && !l.getConstraints().isEmpty()) {
            throw new UnsupportedConfigurationException(i, type, "parameter constraints are not supported");
        }
    }

    private static void checkTrainable(int i, String type, BaseLayer b) {
        if (b.getRegularization() != null && !b.getRegularization().isEmpty()
                || b.getRegularizationBias() != null && !b.getRegularizationBias().isEmpty()) {
            throw new UnsupportedConfigurationException(i, type, "regularisation (L1/L2/weight decay) is not "
                    + "supported yet: " + b.getRegularization() + " " + b.getRegularizationBias());
        }
        if (b.getWeightNoise() != null) {
            throw new UnsupportedConfigurationException(i, type, "weight noise is not supported");
        }
        if (b.getGradientNormalization() != null && b.getGradientNormalization() != GradientNormalization.None) {
            throw new UnsupportedConfigurationException(i, type, "gradient normalisation "
                    + b.getGradientNormalization() + " is not supported");
        }
        String why = SecureUpdaters.whyUnsupported(b.getIUpdater());
        if (why != null) {
            throw new UnsupportedConfigurationException(i, type, why);
        }
        if (b.getBiasUpdater() != null && (why = SecureUpdaters.whyUnsupported(b.getBiasUpdater())) != null) {
            throw new UnsupportedConfigurationException(i, type, "bias updater: " + why);
        }
    }

    /** ReLU (plain, no cap/threshold/slope) becomes the fused SecureReLU; identity stays; the rest is refused. */
    private static IActivation hiddenActivation(int i, String type, IActivation a) {
        if (a instanceof SecureReLU || a instanceof ActivationIdentity) {
            return a;
        }
        if (a != null && a.getClass() == ActivationReLU.class) {
            ActivationReLU r = (ActivationReLU) a;
            if (r.getMax() == null && zeroOrNull(r.getThreshold()) && zeroOrNull(r.getNegativeSlope())) {
                return new SecureReLU();
            }
            throw new UnsupportedConfigurationException(i, type, "ReLU with max/threshold/negative slope (" + a
                    + ") is not supported");
        }
        throw new UnsupportedConfigurationException(i, type, "activation " + a + " is not supported on shares "
                + "(ReLU or identity; sigmoid, tanh and the like would need approximations or a reveal)");
    }

    private static boolean zeroOrNull(Double d) {
        return d == null || d == 0.0;
    }

    /** Same fields, other class: through DL4J's JSON mapper, switching {@code @class}. */
    private static Layer retype(Layer l, Class<? extends Layer> target) {
        ObjectMapper m = JsonMappers.getMapper();
        try {
            ObjectNode node = m.valueToTree(l);
            node.put("@class", target.getName());
            Layer out = m.treeToValue(node, Layer.class);
            if (out.getClass() != target) {
                throw new IllegalStateException("JSON rewrite produced " + out.getClass() + " instead of " + target);
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot rewrite " + l.getClass().getSimpleName() + " as "
                    + target.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
