package org.securetrain.dl4j;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that SecureTrain cannot compute on shares without revealing something beyond the documented
 * leakage. Lists every (layer, reason) pair of the configuration at once, one per line of the message
 * ("layer i (Type): reason", in a graph "vertex 'name' (Type): reason", or "network: reason" for a network-level
 * setting), so that a user fixes them in one go.
 */
public class UnsupportedConfigurationException extends IllegalArgumentException {
    /** One reason: the layer's index (-1 for a network-level setting), its type (null then) and why. */
    public record Problem(int layerIndex, String vertexName, String layerType, String reason) {
        /** A problem of a multi-layer network's layer {@code layerIndex} (-1: the network). */
        public Problem(int layerIndex, String layerType, String reason) {
            this(layerIndex, null, layerType, reason);
        }

        /** A problem of a graph's vertex {@code vertexName} (its index in the graph's topological order). */
        static Problem ofVertex(int index, String vertexName, String type, String reason) {
            return new Problem(index, vertexName, type, reason);
        }

        @Override
        public String toString() {
            return (vertexName != null ? "vertex '" + vertexName + "' (" + layerType + "): "
                    : layerIndex >= 0 ? "layer " + layerIndex + " (" + layerType + "): " : "network: ") + reason;
        }
    }

    private final List<Problem> problems;

    UnsupportedConfigurationException(int layerIndex, String layerType, String reason) {
        this(List.of(new Problem(layerIndex, layerType, reason)));
    }

    UnsupportedConfigurationException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an unsupported configuration has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every reason, in layer order (network-level ones first). */
    public List<Problem> problems() {
        return problems;
    }

    /** The first offending layer's index, or -1 for a network-level setting. */
    public int layerIndex() {
        return problems.get(0).layerIndex();
    }

    /** Simple class name of the first offending layer configuration, or null for a network-level setting. */
    public String layerType() {
        return problems.get(0).layerType();
    }
}
