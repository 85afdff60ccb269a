package org.securetrain.dl4j;

import java.util.ArrayList;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.crypto.he.HeParameters;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.serde.JsonMappers;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.securetrain.layers.SecureActivationLayer;
import org.securetrain.layers.SecureBatchNormalization;
import org.securetrain.layers.SecureActivations;
import org.securetrain.layers.SecureConvolution1DLayer;
import org.securetrain.layers.SecureConvolutionLayer;
import org.securetrain.layers.SecureGlobalPoolingLayer;
import org.securetrain.layers.SecureReshaping;
import org.securetrain.layers.SecureSubsampling1DLayer;
import org.securetrain.layers.SecureUpsampling2D;
import org.securetrain.layers.SecureZeroPaddingLayer;
import org.securetrain.layers.SecureLossLayer;
import org.securetrain.layers.SecureDenseLayer;
import org.securetrain.layers.SecureDropoutLayer;
import org.securetrain.layers.core.DropoutMasks;
import org.securetrain.layers.core.LayerGradientNormalization;
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

    private static final Map<Class<? extends Layer>, Class<? extends Layer>> TO_SECURE = Map.ofEntries(
            Map.entry(DenseLayer.class, SecureDenseLayer.class),
            Map.entry(OutputLayer.class, SecureOutputLayer.class),
            Map.entry(LossLayer.class, SecureLossLayer.class),
            Map.entry(SubsamplingLayer.class, SecureSubsamplingLayer.class),
            Map.entry(Subsampling1DLayer.class, SecureSubsampling1DLayer.class),
            Map.entry(ConvolutionLayer.class, SecureConvolutionLayer.class),
            Map.entry(Convolution1DLayer.class, SecureConvolution1DLayer.class),
            Map.entry(ActivationLayer.class, SecureActivationLayer.class),
            Map.entry(GlobalPoolingLayer.class, SecureGlobalPoolingLayer.class),
            Map.entry(ZeroPaddingLayer.class, SecureZeroPaddingLayer.class),
            Map.entry(Upsampling2D.class, SecureUpsampling2D.class),
            Map.entry(DropoutLayer.class, SecureDropoutLayer.class),
            Map.entry(BatchNormalization.class, SecureBatchNormalization.class));
    /** The secure layers that apply DL4J's dropout to their input (the core does, from the public mask). */
    private static final Set<Class<? extends Layer>> DROPOUT_HOSTS = Set.of(SecureDenseLayer.class,
            SecureOutputLayer.class, SecureConvolutionLayer.class, SecureConvolution1DLayer.class,
            SecureDropoutLayer.class);
    private static final Map<Class<? extends Layer>, Class<? extends Layer>> TO_PLAIN = TO_SECURE.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
    private static final Set<Class<? extends Layer>> OUTPUTS = Set.of(SecureOutputLayer.class, SecureLossLayer.class);
    /** Layers refused with a specific reason. */
    private static final Map<Class<? extends Layer>, String> REFUSED = Map.of(
            CenterLossOutputLayer.class, "CenterLossOutputLayer is refused: its loss needs the layer's input "
                    + "features (the embeddings) at the label owner, more than the outputs it already sees");
    /** Reshaping preprocessors (reshapes and permutations only): local linear maps, exact on shares. */
    private static final Set<Class<?>> SHARE_SAFE_PREPROCESSORS = Set.of(CnnToFeedForwardPreProcessor.class,
            FeedForwardToCnnPreProcessor.class, RnnToFeedForwardPreProcessor.class,
            FeedForwardToRnnPreProcessor.class, CnnToRnnPreProcessor.class, RnnToCnnPreProcessor.class);
    private static final String SUPPORTED = "supported: DenseLayer, ConvolutionLayer, Convolution1DLayer, "
            + "SubsamplingLayer, Subsampling1DLayer, GlobalPoolingLayer, ZeroPaddingLayer, Upsampling2D, "
            + "ActivationLayer, BatchNormalization, and OutputLayer or LossLayer as the last layer";

    private SecureConfigurations() {
    }

    /** A secure clone of {@code conf} (idempotent on secure configurations); every problem at once if refused. */
    static MultiLayerConfiguration toSecure(MultiLayerConfiguration conf) {
        MultiLayerConfiguration c = conf.clone();
        List<UnsupportedConfigurationException.Problem> problems = new ArrayList<>();
        checkBackpropType(c.getBackpropType(), problems);
        List<NeuralNetConfiguration> confs = c.getConfs();
        if (confs.isEmpty()) {
            throw new UnsupportedConfigurationException(-1, null, "the configuration has no layers");
        }
        for (int i = 0; i < confs.size(); i++) {
            NeuralNetConfiguration nnc = confs.get(i);
            List<String> why = new ArrayList<>();
            Layer secure = secureLayer(nnc, i == confs.size() - 1, c.getInputPreProcess(i), why);
            for (String w : why) {
                problems.add(new UnsupportedConfigurationException.Problem(i, nnc.getLayer().getClass().getSimpleName(),
                        w));
            }
            if (secure != null) {
                nnc.setLayer(secure);
            }
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedConfigurationException(problems);
        }
        return c;
    }

    /** Standard backpropagation only (no truncated BPTT). */
    static void checkBackpropType(BackpropType t, List<UnsupportedConfigurationException.Problem> problems) {
        if (t != BackpropType.Standard) {
            problems.add(new UnsupportedConfigurationException.Problem(-1, null, "backprop type " + t
                    + " is not supported (Standard only)"));
        }
    }

    /**
     * The secure twin of {@code nnc}'s layer, adding to {@code why} every reason it cannot be (null then): the layer
     * itself, the network-level settings it carries and its input preprocessor ({@code pre}, or null).
     * {@code last}: the layer is an output of the network.
     */
    static Layer secureLayer(NeuralNetConfiguration nnc, boolean last, InputPreProcessor pre, List<String> why) {
        if (!nnc.isMinimize()) {
            why.add("minimize(false) is not supported");
        }
        if (nnc.getOptimizationAlgo() != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT) {
            why.add("optimisation algorithm " + nnc.getOptimizationAlgo()
                    + " is not supported (STOCHASTIC_GRADIENT_DESCENT only)");
        }
        Layer secure = secureLayer(nnc.getLayer(), last, why);
        if (pre != null) {
            addIfNotNull(why, whyUnsupported(pre));
        }
        return secure;
    }

    /** Null for a preprocessor that only reshapes or permutes (exact on shares), else why it is refused. */
    static String whyUnsupported(InputPreProcessor pre) {
        return SHARE_SAFE_PREPROCESSORS.contains(pre.getClass()) ? null : "input preprocessor "
                + pre.getClass().getSimpleName() + " is not supported on shares (only the reshaping ones: "
                + SHARE_SAFE_PREPROCESSORS.stream().map(Class::getSimpleName).sorted().collect(Collectors.joining(", "))
                + ")";
    }

    /** What the hash leaves out of a layer's configuration: the seed, the counters, DL4J's parameter-name list. */
    static void clearUnhashed(NeuralNetConfiguration nnc) {
        nnc.setSeed(0);
        nnc.setIterationCount(0);
        nnc.setEpochCount(0);
        nnc.clearVariables();
    }

    /**
     * SHA-256 of the secure configuration's JSON and the fixed-point bits (see {@link SecureTrain#configHash}).
     * Left out because they do not change what is computed jointly: the seeds, the iteration/epoch counters
     * and the parameter-name lists DL4J fills in at init.
     */
    public static byte[] hash(MultiLayerConfiguration conf, int fracBits) {
        return hashOfJson(hashedJson(conf), fracBits);
    }

    /** The hash of a secure configuration's hashed JSON (of either network kind) and the fixed-point bits. */
    static byte[] hashOfJson(String hashedJson, int fracBits) {
        return SessionOptions.hashConfig(HASH_DOMAIN, hashedJson, "fracBits=" + fracBits,
                "constantBits=" + SgdConfig.CONSTANT_BITS);
    }

    /** {@link #hash(MultiLayerConfiguration, int)} and the non-linear settings (see {@link SecureTrain#configHash}). */
    public static byte[] hash(MultiLayerConfiguration conf, int fracBits, NonlinearSettings nonlinear) {
        return SessionOptions.hashConfig(HASH_DOMAIN, hashedJson(conf), "fracBits=" + fracBits,
                "constantBits=" + SgdConfig.CONSTANT_BITS, nonlinear.configString());
    }

    /** The secure configuration's JSON as {@link #hash} covers it; also the source of the readable summary. */
    static String hashedJson(MultiLayerConfiguration conf) {
        MultiLayerConfiguration c = toSecure(conf);
        c.setIterationCount(0);
        c.setEpochCount(0);
        for (NeuralNetConfiguration nnc : c.getConfs()) {
            clearUnhashed(nnc);
        }
        return c.toJson();
    }

    /**
     * The hash a training session's handshake compares (see {@link SecurePartyContext.Builder#configHash}):
     * {@link #hash} plus the choices both parties must make alike: the loss mode with its named leakage, the
     * insecure debug reveal, the non-linear protocols and the range guard (both change what crosses), and the run's
     * statistical security with its planned HE cross terms (it sizes the flooding and the product blocking). Null leakage is the insecure single-process reference, which has no session.
     */
    static byte[] sessionHash(MultiLayerConfiguration conf, int fracBits, LossMode mode,
            boolean debugRevealWeights, NonlinearSettings nonlinear, boolean rangeChecks, HeParameters he) {
        java.util.Objects.requireNonNull(mode, "the loss mode (labelOwnerLoss or privateLoss)");
        MultiLayerConfiguration secure = toSecure(conf);
        requireLossModeFits(secure, fracBits, mode);
        return sessionHash(hash(secure, fracBits), mode, debugRevealWeights, nonlinear, rangeChecks, he);
    }

    /** The session hash over a configuration's {@link #hash} (of either network kind). */
    static byte[] sessionHash(byte[] configurationHash, LossMode mode, boolean debugRevealWeights,
            NonlinearSettings nonlinear, boolean rangeChecks, HeParameters he) {
        return SessionOptions.hashConfig(HASH_DOMAIN, java.util.HexFormat.of().formatHex(configurationHash),
                mode.hashField(), "insecureDebugRevealWeights=" + debugRevealWeights, nonlinear.configString(),
                "rangeChecks=" + rangeChecks, statisticalSecurityField(he), hePlanningField(he));
    }

    /** The link the HE products are blocked for, as the session hash and summary name it. */
    static String hePlanningField(HeParameters he) {
        return "hePlanningBandwidth=" + he.planningBandwidth() + " bit/s";
    }

    /**
     * Label-owner mode: the logits must not be affine in the data owner's input. Private-loss mode: the output layer
     * must be one that runs on shares ({@link #privateLossProblems}) and f at most 24; every reason at once.
     */
    static void requireLossModeFits(MultiLayerConfiguration secure, int fracBits, LossMode mode) {
        if (!mode.isPrivate()) {
            requireLogitsNotAffineInTheDataOwnersInput(secure);
            return;
        }
        List<UnsupportedConfigurationException.Problem> problems = new ArrayList<>();
        privateLossPrecision(fracBits, problems);
        List<NeuralNetConfiguration> confs = secure.getConfs();
        int last = confs.size() - 1;
        Layer out = confs.get(last).getLayer();
        for (String why : privateLossProblems(out)) {
            problems.add(new UnsupportedConfigurationException.Problem(last, out.getClass().getSimpleName(), why));
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedConfigurationException(problems);
        }
    }

    /** Private-loss mode's precision limit (the exact exp inside softmax), as a network-level problem. */
    static void privateLossPrecision(int fracBits, List<UnsupportedConfigurationException.Problem> problems) {
        if (fracBits > org.securetrain.layermath.ExactFunctions.MAX_FRAC_BITS) {
            problems.add(new UnsupportedConfigurationException.Problem(-1, null, "private-loss mode needs at most "
                    + org.securetrain.layermath.ExactFunctions.MAX_FRAC_BITS + " fraction bits (the exact exp inside "
                    + "softmax keeps 6 guard bits below its 30 internal ones), got " + fracBits));
        }
    }

    /**
     * Why an output layer cannot run in private-loss mode (empty if it can): softmax cross-entropy on shares is
     * implemented for an {@code OutputLayer} or {@code LossLayer} with softmax and {@code LossMCXENT} or
     * {@code LossNegativeLogLikelihood} without per-class weights, over at least 2 classes.
     */
    static List<String> privateLossProblems(Layer l) {
        List<String> why = new ArrayList<>();
        IActivation act;
        org.nd4j.linalg.lossfunctions.ILossFunction loss;
        if (l instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer o) {
            act = o.getActivationFn();
            loss = o.getLossFn();
            if (o.getNOut() < 2) {
                why.add("private-loss mode computes softmax over the classes: nOut " + o.getNOut() + " is below 2");
            }
        } else if (l instanceof LossLayer o) {
            act = o.getActivationFn();
            loss = o.getLossFn();
        } else {
            why.add("private-loss mode needs an OutputLayer or LossLayer as the last layer, got "
                    + l.getClass().getSimpleName());
            return why;
        }
        if (!(act instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax)) {
            why.add("private-loss mode computes softmax on shares: the output activation " + act + " is not softmax "
                    + "(other activations run in label-owner mode)");
        }
        if (!(loss instanceof org.nd4j.linalg.lossfunctions.impl.LossMCXENT mc)) {
            why.add("private-loss mode computes cross-entropy on shares: the loss " + loss + " is not MCXENT or "
                    + "NegativeLogLikelihood (other losses run in label-owner mode)");
        } else if (mc.getWeights() != null) {
            why.add("private-loss mode does not implement per-class loss weights (" + loss + ")");
        }
        return why;
    }

    /** The run's statistical security as the session hash and summary name it (bits over planned cross terms). */
    static String statisticalSecurityField(HeParameters he) {
        return "statisticalSecurity=" + he.runStatisticalSecurity() + " bits over " + he.plannedCrossTerms()
                + " HE cross terms";
    }

    /**
     * Label-owner mode shows the data owner the exact logits. When nothing non-linear (a ReLU or another
     * non-identity activation, or a max-pooling) lies between the input and the output layer, the logits are an
     * affine function of the data owner's own input, logits = X A + c, and a few batches of its choosing reveal A
     * and c exactly: the model. Such a configuration is refused in this mode.
     */
    static boolean isNonLinear(Layer l) {
        if (l instanceof BatchNormalization) {
            // DL4J ignores its activation; at inference it is affine, and in training the data owner chooses the batch
            return false;
        }
        var max = org.deeplearning4j.nn.conf.layers.PoolingType.MAX;
        if (l instanceof SubsamplingLayer s) { // and Subsampling1DLayer
            return s.getPoolingType() == max;
        }
        if (l instanceof GlobalPoolingLayer g) {
            return g.getPoolingType() == max;
        }
        IActivation fn = l instanceof BaseLayer b ? b.getActivationFn()
                : l instanceof ActivationLayer a ? a.getActivationFn() : null;
        return fn != null && !(fn instanceof ActivationIdentity);
    }

    static void requireLogitsNotAffineInTheDataOwnersInput(MultiLayerConfiguration secure) {
        List<NeuralNetConfiguration> confs = secure.getConfs();
        for (int i = 0; i < confs.size() - 1; i++) {
            Layer l = confs.get(i).getLayer();
            if (isNonLinear(l)) {
                return;
            }
        }
        int last = confs.size() - 1;
        throw new UnsupportedConfigurationException(last, confs.get(last).getLayer().getClass().getSimpleName(),
                AFFINE_LOGITS);
    }

    static final String AFFINE_LOGITS = "in label-owner loss mode the data owner receives the exact logits, and in "
            + "this network they are an affine function of the data owner's own input (no non-linear activation or "
            + "max-pooling before the output layer): from a few batches of its choosing it would solve for the "
            + "weights exactly. Add a non-linear layer, or train this network in private-loss mode "
            + "(SecurePartyContext.Builder.privateLoss, launcher --loss-mode private)";

    /** The plain twin of a secure configuration (for the revealed network). */
    static MultiLayerConfiguration toPlain(MultiLayerConfiguration secure) {
        MultiLayerConfiguration c = secure.clone();
        for (NeuralNetConfiguration nnc : c.getConfs()) {
            toPlain(nnc);
        }
        return c;
    }

    /** Replaces a secure layer in {@code nnc} by its plain twin (others stay). */
    static void toPlain(NeuralNetConfiguration nnc) {
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

    /** The secure twin of {@code l}, adding to {@code why} every reason it cannot be (null then). */
    private static Layer secureLayer(Layer l, boolean last, List<String> why) {
        int before = why.size();
        Class<? extends Layer> target = TO_SECURE.containsKey(l.getClass()) ? TO_SECURE.get(l.getClass())
                : TO_PLAIN.containsKey(l.getClass()) ? l.getClass() : null;
        if (target == null) {
            why.add(REFUSED.getOrDefault(l.getClass(), "not supported by SecureTrain (" + SUPPORTED + ")"));
            return null;
        }
        boolean output = OUTPUTS.contains(target);
        if (last && !output) {
            why.add("the last layer must be an output layer (OutputLayer or LossLayer)");
        }
        if (!last && output) {
            why.add("an output layer is only supported as the last layer");
        }
        checkCommon(l, target, why);
        if (l instanceof BaseLayer b && l.initializer().numParams(l) > 0) {
            checkTrainable(b, why);
        }
        IActivation act = null;
        if (target == SecureDenseLayer.class) {
            DenseLayer d = (DenseLayer) l;
            if (d.hasLayerNorm()) {
                why.add("layer normalisation is not supported");
            }
            act = hiddenActivation(d.getActivationFn(), why);
        } else if (target == SecureOutputLayer.class) {
            OutputLayer o = (OutputLayer) l;
            addIfNotNull(why, SecureOutputLayer.whyUnsupported(o.getActivationFn(), o.getLossFn()));
        } else if (target == SecureLossLayer.class) {
            LossLayer o = (LossLayer) l;
            addIfNotNull(why, SecureOutputLayer.whyUnsupported(o.getActivationFn(), o.getLossFn()));
        } else if (target == SecureSubsamplingLayer.class || target == SecureSubsampling1DLayer.class) {
            addIfNotNull(why, SecureSubsamplingLayer.whyUnsupported((SubsamplingLayer) l));
        } else if (target == SecureConvolution1DLayer.class) {
            Convolution1DLayer cl = (Convolution1DLayer) l;
            addIfNotNull(why, SecureConvolution1DLayer.whyUnsupported(cl));
            act = hiddenActivation(cl.getActivationFn(), why);
        } else if (target == SecureGlobalPoolingLayer.class) {
            addIfNotNull(why, SecureReshaping.whyUnsupported((GlobalPoolingLayer) l));
        } else if (target == SecureZeroPaddingLayer.class) {
            addIfNotNull(why, SecureReshaping.whyUnsupported((ZeroPaddingLayer) l));
        } else if (target == SecureUpsampling2D.class) {
            addIfNotNull(why, SecureReshaping.whyUnsupported((Upsampling2D) l));
        } else if (target == SecureConvolutionLayer.class) {
            ConvolutionLayer cl = (ConvolutionLayer) l;
            addIfNotNull(why, SecureConvolutionLayer.whyUnsupported(cl));
            act = hiddenActivation(cl.getActivationFn(), why);
        } else if (target == SecureBatchNormalization.class) {
            addIfNotNull(why, SecureBatchNormalization.whyUnsupported((BatchNormalization) l));
        } else if (target == SecureActivationLayer.class) {
            addIfNotNull(why, SecureActivations.whyUnsupported(((ActivationLayer) l).getActivationFn()));
        }
        if (why.size() > before) {
            return null;
        }
        Layer secure = target == l.getClass() ? l.clone() : retype(l, target);
        if (act != null) {
            ((BaseLayer) secure).setActivationFn(act);
        }
        return secure;
    }

    private static void addIfNotNull(List<String> why, String reason) {
        if (reason != null) {
            why.add(reason);
        }
    }

    private static void checkCommon(Layer l, Class<? extends Layer> target, List<String> why) {
        if (l.getIDropout() != null) {
            if (!DROPOUT_HOSTS.contains(target)) {
                why.add("dropout on " + l.getClass().getSimpleName() + " is not supported (on DenseLayer, "
                        + "ConvolutionLayer, Convolution1DLayer, OutputLayer and DropoutLayer it is)");
            } else {
                addIfNotNull(why, DropoutMasks.whyUnsupported(l.getIDropout()));
            }
        }
        if (l.getConstraints() != null && !l.getConstraints().isEmpty()) {
            why.add("parameter constraints are not supported");
        }
    }

    private static void checkTrainable(BaseLayer b, List<String> why) {
        addIfNotNull(why, SecureUpdaters.whyUnsupported(b.getRegularization()));
        addIfNotNull(why, SecureUpdaters.whyUnsupported(b.getRegularizationBias()));
        if (b.getWeightNoise() != null) {
            why.add("weight noise is not supported");
        }
        GradientNormalization gn = b.getGradientNormalization();
        addIfNotNull(why, LayerGradientNormalization.whyUnsupported(gn, b.getGradientNormalizationThreshold()));
        if ((gn == GradientNormalization.ClipL2PerLayer || gn == GradientNormalization.RenormalizeL2PerLayer)
                && (b.getIUpdater() instanceof NoOp || b.getBiasUpdater() instanceof NoOp)) {
            why.add("gradient normalisation " + gn + " with a NoOp updater on some of the layer's parameters is not "
                    + "supported (DL4J's layer norm includes the untrained parameters' gradients; use the PerParamType "
                    + "kind)");
        }
        String u = SecureUpdaters.whyUnsupported(b.getIUpdater());
        addIfNotNull(why, u);
        IUpdater biasUpdater = b.getBiasUpdater() != null ? b.getBiasUpdater() : b.getIUpdater();
        if (u == null) {
            addIfNotNull(why, SecureUpdaters.whyUnsupported(b.getIUpdater(), b.getRegularization()));
            addIfNotNull(why, SecureUpdaters.whyUnsupported(biasUpdater, b.getRegularizationBias()));
        }
        if (b.getBiasUpdater() != null && (u = SecureUpdaters.whyUnsupported(b.getBiasUpdater())) != null) {
            why.add("bias updater: " + u);
        }
    }

    /**
     * Plain ReLU becomes the fused SecureReLU; identity, the piecewise-linear activations (the secure layer computes
     * them with comparisons), sigmoid and tanh (exact functions within one ulp) stay; the rest is refused.
     */
    private static IActivation hiddenActivation(IActivation a, List<String> why) {
        String w = SecureActivations.whyUnsupported(a);
        if (w != null) {
            why.add(w);
            return null;
        }
        return SecureActivations.isPlainRelu(a) ? new SecureReLU() : a;
    }

    /** Same fields, other class: through DL4J's JSON mapper, switching {@code @class}. */
    private static Layer retype(Layer l, Class<? extends Layer> target) {
        return retype(l, target, Layer.class);
    }

    /** {@link #retype(Layer, Class)} for any JSON-typed configuration object (layers, graph vertices). */
    static <T> T retype(T l, Class<? extends T> target, Class<T> base) {
        ObjectMapper m = JsonMappers.getMapper();
        try {
            ObjectNode node = m.valueToTree(l);
            node.put("@class", target.getName());
            T out = m.treeToValue(node, base);
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
