package org.securetrain.dl4j;

/**
 * A configuration (or one of its layers) that SecureTrain cannot compute on shares without revealing
 * something beyond the documented leakage. The message names the layer index and type.
 */
public class UnsupportedConfigurationException extends IllegalArgumentException {
    private final int layerIndex;
    private final String layerType;

    UnsupportedConfigurationException(int layerIndex, String layerType, String reason) {
        super((layerIndex >= 0 ? "layer " + layerIndex + " (" + layerType + "): " : "network: ") + reason);
        this.layerIndex = layerIndex;
        this.layerType = layerType;
    }

    /** The offending layer's index, or -1 for a network-level setting. */
    public int layerIndex() {
        return layerIndex;
    }

    /** Simple class name of the offending layer configuration, or null for a network-level setting. */
    public String layerType() {
        return layerType;
    }
}
