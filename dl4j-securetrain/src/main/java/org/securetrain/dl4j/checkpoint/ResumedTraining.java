package org.securetrain.dl4j.checkpoint;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.securetrain.dl4j.SharedBatchPosition;

/**
 * The result of {@code SecureTrain.resume}: the secure network with this party's checkpointed shares and
 * counters, and the shared iterator already positioned at the checkpoint's batch. Continue with
 * {@code net.fit(sharedIterator())} for the rest of the current epoch, then further epochs as usual:
 *
 * <pre>{@code
 * ResumedTraining r = SecureTrain.resume(conf, ctx, dir, dataOwner ? data : null);
 * r.network().fit(r.sharedIterator(), r.remainingEpochs(totalEpochs));
 * }</pre>
 */
public final class ResumedTraining {
    private final Model network; // a MultiLayerNetwork or a ComputationGraph
    private final SharedBatchPosition sharedIterator; // a DataSetIterator or a MultiDataSetIterator
    private final SecureCheckpoint checkpoint;
    private final int epoch;

    ResumedTraining(Model network, SharedBatchPosition sharedIterator, SecureCheckpoint checkpoint, int epoch) {
        this.network = network;
        this.sharedIterator = sharedIterator;
        this.checkpoint = checkpoint;
        this.epoch = epoch;
    }

    /** The resumed multi-layer network (see {@link #graph()} for a graph's run). */
    public MultiLayerNetwork network() {
        if (!(network instanceof MultiLayerNetwork n)) {
            throw new IllegalStateException("this run trains a ComputationGraph: use graph()");
        }
        return n;
    }

    /** The resumed network of either kind (a {@code MultiLayerNetwork} or a {@code ComputationGraph}). */
    public Model model() {
        return network;
    }

    /** The resumed graph (see {@link #network()} for a multi-layer network's run). */
    public ComputationGraph graph() {
        if (!(network instanceof ComputationGraph g)) {
            throw new IllegalStateException("this run trains a MultiLayerNetwork: use network()");
        }
        return g;
    }

    /** Positioned at the checkpoint's batch of the current epoch; resets to a full epoch as usual after it. */
    public DataSetIterator sharedIterator() {
        if (!(sharedIterator instanceof DataSetIterator it)) {
            throw new IllegalStateException("this run trains on a MultiDataSetIterator: use sharedMultiIterator()");
        }
        return it;
    }

    /** {@link #sharedIterator()} of a graph run resumed with the data owner's MultiDataSetIterator. */
    public MultiDataSetIterator sharedMultiIterator() {
        if (!(sharedIterator instanceof MultiDataSetIterator it)) {
            throw new IllegalStateException("this run trains on a DataSetIterator: use sharedIterator()");
        }
        return it;
    }

    /** The checkpoint both parties agreed on (this party's file). */
    public SecureCheckpoint checkpoint() {
        return checkpoint;
    }

    /** Completed iterations at the checkpoint. */
    public long step() {
        return checkpoint.step();
    }

    /** The current (possibly partly trained) epoch, 0-based. */
    public int epoch() {
        return epoch;
    }

    /** Epochs (the current partial one included) to pass to {@code fit} for a run of {@code totalEpochs}. */
    public int remainingEpochs(int totalEpochs) {
        return Math.max(0, totalEpochs - epoch);
    }
}
