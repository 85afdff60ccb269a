package org.securetrain.layers.core;

import java.util.function.IntSupplier;

/**
 * Where a secure layer sits in a {@code ComputationGraph} (in a multi-layer network, index 0 says both):
 *
 * @param readsNetworkInput the layer's input vertex is a network input (the data owner's features, shared as the
 *                          context says; nobody needs the gradient with respect to it)
 * @param lastBackward      the layer's backward is the last of an iteration (the first secure layer in the graph's
 *                          topological order; DL4J runs backward in reverse topological order): the range guard's
 *                          end-of-step check runs there
 * @param networkBatch      the graph's minibatch size at this step, which DL4J's updater divides gradients by: a layer
 *                          behind a {@code StackVertex} sees more rows than that
 */
public record GraphPlacement(boolean readsNetworkInput, boolean lastBackward, IntSupplier networkBatch) {
}
