package org.securetrain.dl4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.graph.UnstackVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.layers.vertices.SecureElementWiseVertex;
import org.securetrain.layers.vertices.SecureMergeVertex;
import org.securetrain.layers.vertices.SecureReshapeVertex;
import org.securetrain.layers.vertices.SecureScaleVertex;
import org.securetrain.layers.vertices.SecureShiftVertex;
import org.securetrain.layers.vertices.SecureStackVertex;
import org.securetrain.layers.vertices.SecureSubsetVertex;
import org.securetrain.layers.vertices.SecureUnstackVertex;

/**
 * The {@link ComputationGraphConfiguration} counterpart of {@link SecureConfigurations}: rewrites every
 * {@link LayerVertex}'s layer into its secure twin (the same per-layer rules, reasons and preprocessor check as a
 * multi-layer network's), keeps the vertices that are exact on 64-bit shares as DL4J computes them, and refuses the
 * rest, every reason at once, each naming its vertex. Also the graph's configuration hash and session hash.
 *
 * <p>Vertices that are local linear maps of the shares become their secure twins (same fields and JSON, other class;
 * DL4J's own implementations cast to the network's floating-point type): {@code ElementWiseVertex} Add and Subtract
 * ({@link SecureElementWiseVertex}: sum or difference mod 2^64; backward: the same epsilon to each input, negated for
 * the subtrahend), {@code MergeVertex} ({@link SecureMergeVertex}: concatenation; backward: slices), {@code SubsetVertex},
 * {@code StackVertex}, {@code UnstackVertex}, {@code ReshapeVertex} (copies of contiguous blocks); {@code ElementWiseVertex} Average,
 * {@code ScaleVertex}, {@code ShiftVertex} ({@link org.securetrain.layers.vertices.AffineVertexImpl}: a public
 * factor with an exact truncation, a public shift added by one party). A {@code PreprocessorVertex} with a
 * reshaping preprocessor stays DL4J's own (it does not cast). Nothing is communicated and nothing is revealed.
 */
public final class SecureGraphConfigurations {
    /** DL4J's vertices whose own implementation casts shares to floating point, and their secure twins. */
    private static final Map<Class<? extends GraphVertex>, Class<? extends GraphVertex>> TO_SECURE = Map.of(
            ElementWiseVertex.class, SecureElementWiseVertex.class, MergeVertex.class, SecureMergeVertex.class,
            SubsetVertex.class, SecureSubsetVertex.class, StackVertex.class, SecureStackVertex.class,
            UnstackVertex.class, SecureUnstackVertex.class, ScaleVertex.class, SecureScaleVertex.class,
            ShiftVertex.class, SecureShiftVertex.class, ReshapeVertex.class, SecureReshapeVertex.class);
    private static final Map<Class<? extends GraphVertex>, Class<? extends GraphVertex>> TO_PLAIN = TO_SECURE.entrySet()
            .stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
    private SecureGraphConfigurations() {
    }

    /** A secure clone of {@code conf} (idempotent on secure configurations); every problem at once if refused. */
    static ComputationGraphConfiguration toSecure(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = conf.clone();
        List<UnsupportedConfigurationException.Problem> problems = new ArrayList<>();
        SecureConfigurations.checkBackpropType(c.getBackpropType(), problems);
        int index = c.getNetworkInputs().size(); // DL4J numbers the inputs first, then the vertices in map order
        for (Map.Entry<String, GraphVertex> e : c.getVertices().entrySet()) {
            String name = e.getKey();
            // DL4J's clone of some vertices drops fields (MergeVertex its axis): check and convert the user's own
            GraphVertex v = e.getValue() instanceof LayerVertex ? e.getValue() : conf.getVertices().get(name);
            List<String> why = new ArrayList<>();
            String type = v.getClass().getSimpleName();
            boolean output = c.getNetworkOutputs().contains(name);
            if (v instanceof LayerVertex lv) {
                Layer secure = SecureConfigurations.secureLayer(lv.getLayerConf(), output, lv.getPreProcessor(), why);
                type = lv.getLayerConf().getLayer().getClass().getSimpleName();
                if (secure != null) {
                    lv.getLayerConf().setLayer(secure);
                }
            } else {
                String refused = whyUnsupported(v);
                if (refused != null) {
                    why.add(refused);
                } else if (TO_SECURE.containsKey(v.getClass())) {
                    e.setValue(SecureConfigurations.retype(v, TO_SECURE.get(v.getClass()), GraphVertex.class));
                }
                if (output) {
                    why.add("a graph output must be an output layer (OutputLayer or LossLayer)");
                }
            }
            for (String w : why) {
                problems.add(UnsupportedConfigurationException.Problem.ofVertex(index, name, type, w));
            }
            index++;
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedConfigurationException(problems);
        }
        return c;
    }

    /** Null for a vertex that is exact on shares as DL4J computes it, else why it is refused. */
    static String whyUnsupported(GraphVertex v) {
        if (v instanceof ElementWiseVertex ew) {
            return switch (ew.getOp()) {
                case Add, Subtract, Average, Max, Product -> null;
            };
        }
        if (v instanceof MergeVertex m) {
            return SecureMergeVertex.whyUnsupported(m);
        }
        if (v instanceof SubsetVertex || v instanceof StackVertex || v instanceof UnstackVertex) {
            return null;
        }
        if (v instanceof PreprocessorVertex p) {
            // DL4J's own implementation runs the preprocessor on the LONG share without a cast
            return p.getPreProcessor() == null ? "PreprocessorVertex without a preprocessor"
                    : SecureConfigurations.whyUnsupported(p.getPreProcessor());
        }
        if (v instanceof ScaleVertex || v instanceof ShiftVertex) {
            return null;
        }
        if (v instanceof ReshapeVertex r) {
            return SecureReshapeVertex.whyUnsupported(r);
        }
        if (v instanceof L2NormalizeVertex) {
            return "L2NormalizeVertex needs a secure square root and reciprocal (not implemented)";
        }
        return "vertex type " + v.getClass().getSimpleName() + " is not supported on shares (supported: LayerVertex "
                + "with the secure layers, ElementWiseVertex Add/Subtract/Average/Max/Product, MergeVertex, SubsetVertex, "
                + "StackVertex, UnstackVertex, ScaleVertex, ShiftVertex, ReshapeVertex, PreprocessorVertex with a "
                + "reshaping preprocessor)";
    }

    /** The vertex names in an order where every vertex comes after its inputs (network inputs first). */
    static List<String> topologicalOrder(ComputationGraphConfiguration c) {
        Map<String, List<String>> inputs = c.getVertexInputs();
        Map<String, Integer> missing = new LinkedHashMap<>();
        Map<String, List<String>> consumers = new HashMap<>();
        for (String v : c.getVertices().keySet()) {
            List<String> in = inputs.getOrDefault(v, List.of());
            missing.put(v, in.size());
            for (String i : in) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(v);
            }
        }
        List<String> order = new ArrayList<>(c.getNetworkInputs());
        Deque<String> ready = new ArrayDeque<>(c.getNetworkInputs());
        while (!ready.isEmpty()) {
            for (String next : consumers.getOrDefault(ready.poll(), List.of())) {
                if (missing.merge(next, -1, Integer::sum) == 0) {
                    order.add(next);
                    ready.add(next);
                }
            }
        }
        if (order.size() != c.getNetworkInputs().size() + c.getVertices().size()) {
            throw new IllegalArgumentException("the graph has a cycle or a vertex no input reaches");
        }
        return order;
    }

    /**
     * The graph counterpart of {@link SecureConfigurations#requireLogitsNotAffineInTheDataOwnersInput}: refused when
     * some path from a network input to an output layer meets no non-linear layer (then the logits have a part that
     * is affine in the data owner's input, which it could solve for).
     */
    static void requireLogitsNotAffineInTheDataOwnersInput(ComputationGraphConfiguration secure) {
        Map<String, Boolean> affine = new HashMap<>();
        for (String in : secure.getNetworkInputs()) {
            affine.put(in, true);
        }
        List<String> order = topologicalOrder(secure);
        for (String name : order.subList(secure.getNetworkInputs().size(), order.size())) {
            boolean fromAffine = secure.getVertexInputs().getOrDefault(name, List.of()).stream()
                    .anyMatch(i -> affine.getOrDefault(i, false));
            GraphVertex v = secure.getVertices().get(name);
            if (secure.getNetworkOutputs().contains(name) && fromAffine) {
                Layer l = v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
                throw new UnsupportedConfigurationException(List.of(UnsupportedConfigurationException.Problem.ofVertex(
                        secure.getNetworkInputs().size() + new ArrayList<>(secure.getVertices().keySet()).indexOf(name),
                        name, l == null ? v.getClass().getSimpleName() : l.getClass().getSimpleName(),
                        SecureConfigurations.AFFINE_LOGITS)));
            }
            boolean nonLinear = v instanceof LayerVertex lv && SecureConfigurations.isNonLinear(lv.getLayerConf().getLayer());
            affine.put(name, fromAffine && !nonLinear);
        }
    }

    /** The secure configuration's JSON as the hash covers it (seeds, counters and parameter names cleared). */
    static String hashedJson(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = toSecure(conf);
        c.setIterationCount(0);
        c.setEpochCount(0);
        if (c.getDefaultConfiguration() != null) {
            SecureConfigurations.clearUnhashed(c.getDefaultConfiguration());
        }
        for (GraphVertex v : c.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                SecureConfigurations.clearUnhashed(lv.getLayerConf());
            }
        }
        return c.toJson();
    }

    /** See {@link SecureTrain#configHash(ComputationGraphConfiguration, int)}. */
    public static byte[] hash(ComputationGraphConfiguration conf, int fracBits) {
        return SecureConfigurations.hashOfJson(hashedJson(conf), fracBits);
    }

    /** The session hash (see {@link SecureConfigurations#sessionHash}) of a graph. */
    static byte[] sessionHash(ComputationGraphConfiguration conf, int fracBits, LossMode mode,
            boolean debugRevealWeights, NonlinearSettings nonlinear, boolean rangeChecks,
            org.securetrain.crypto.he.HeParameters he) {
        java.util.Objects.requireNonNull(mode, "the loss mode (labelOwnerLoss or privateLoss)");
        ComputationGraphConfiguration secure = toSecure(conf);
        requireLossModeFits(secure, fracBits, mode);
        return SecureConfigurations.sessionHash(hash(secure, fracBits), mode, debugRevealWeights, nonlinear,
                rangeChecks, he);
    }

    /**
     * {@link SecureConfigurations#requireLossModeFits} of a graph: in private-loss mode every output layer vertex must
     * run on shares (every reason, vertex by vertex).
     */
    static void requireLossModeFits(ComputationGraphConfiguration secure, int fracBits, LossMode mode) {
        if (!mode.isPrivate()) {
            requireLogitsNotAffineInTheDataOwnersInput(secure);
            return;
        }
        List<UnsupportedConfigurationException.Problem> problems = new java.util.ArrayList<>();
        SecureConfigurations.privateLossPrecision(fracBits, problems);
        List<String> outputs = secure.getNetworkOutputs();
        for (int i = 0; i < outputs.size(); i++) {
            GraphVertex v = secure.getVertices().get(outputs.get(i));
            org.deeplearning4j.nn.conf.layers.Layer l = v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
            List<String> why = l == null ? List.of("private-loss mode needs an OutputLayer or LossLayer as each output")
                    : SecureConfigurations.privateLossProblems(l);
            for (String w : why) {
                problems.add(UnsupportedConfigurationException.Problem.ofVertex(i, outputs.get(i),
                        l == null ? v.getClass().getSimpleName() : l.getClass().getSimpleName(), w));
            }
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedConfigurationException(problems);
        }
    }

    /** The plain twin of a secure graph configuration (for the revealed network). */
    static ComputationGraphConfiguration toPlain(ComputationGraphConfiguration secure) {
        ComputationGraphConfiguration c = secure.clone();
        // DL4J's clone() of a graph configuration drops the counters (a multi-layer one keeps them)
        c.setIterationCount(secure.getIterationCount());
        c.setEpochCount(secure.getEpochCount());
        for (Map.Entry<String, GraphVertex> e : c.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv) {
                SecureConfigurations.toPlain(lv.getLayerConf());
            } else if (TO_PLAIN.containsKey(e.getValue().getClass())) {
                e.setValue(SecureConfigurations.retype(e.getValue(), TO_PLAIN.get(e.getValue().getClass()),
                        GraphVertex.class));
            }
        }
        return c;
    }
}
