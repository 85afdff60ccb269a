package org.securetrain.layers.core;

/**
 * Where a secure layer sits in a {@code ComputationGraph} (in a multi-layer network, index 0 says both):
 *
 * @param readsNetworkInput the layer's input vertex is a network input (the data owner's features, shared as the
 *                          context says; nobody needs the gradient with respect to it)
 * @param lastBackward      the layer's backward is the last of an iteration (the first secure layer in the graph's
 *                          topological order; DL4J runs backward in reverse topological order): the range guard's
 *                          end-of-step check runs there
 */
public record GraphPlacement(boolean readsNetworkInput, boolean lastBackward) {
}
