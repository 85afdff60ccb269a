package org.securetrain.dl4j.checkpoint;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.securetrain.dl4j.SecureConfigurations;
import org.securetrain.dl4j.SecureGraphConfigurations;
import org.securetrain.dl4j.SecureNetworks;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SharedBatchPosition;
import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.Session;

/**
 * Checkpoint and resume of two-party training (DESIGN.md 4.7): writing a party's checkpoint, the listener
 * that writes one every N steps, and resuming. The files and their layout are {@link CheckpointDirectory}'s,
 * one file's content is {@link SecureCheckpoint}, the choice of the step to resume from is {@link CommonStep}.
 *
 * <p><b>Data order.</b> The data owner's iterator is rewound to the checkpoint's batch position by drawing and
 * discarding the epoch's first batches, so it must yield the same batches in the same order as in the run
 * that wrote the checkpoint: no shuffling, or a shuffle seeded per epoch. The model owner passes null, as
 * always.
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    /**
     * Writes this party's checkpoint of {@code net} after DL4J's current iteration (local, no communication).
     * Call it at both parties at the same step, e.g. through {@link #listener}.
     *
     * @param sharedIterator the iterator {@code fit} is running on (from {@code ctx.sharedIterator} or
     *                       {@link ResumedTraining#sharedIterator()}): it knows the batch position in the epoch
     * @return the file written
     */
    public static Path save(MultiLayerNetwork net, SecurePartyContext ctx, DataSetIterator sharedIterator, Path dir) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        return save(ctx, sharedIterator, dir, conf.getIterationCount(), conf.getEpochCount(), conf.toJson(),
                () -> SecureNetworks.exportState(net));
    }

    /** {@link #save(MultiLayerNetwork, SecurePartyContext, DataSetIterator, Path)} of a graph. */
    public static Path save(ComputationGraph net, SecurePartyContext ctx, DataSetIterator sharedIterator, Path dir) {
        return saveGraph(net, ctx, sharedIterator, dir);
    }

    /** {@link #save(ComputationGraph, SecurePartyContext, DataSetIterator, Path)} of a run on ctx.sharedMultiIterator. */
    public static Path save(ComputationGraph net, SecurePartyContext ctx, MultiDataSetIterator sharedIterator,
            Path dir) {
        return saveGraph(net, ctx, sharedIterator, dir);
    }

    private static Path saveGraph(ComputationGraph net, SecurePartyContext ctx, Object sharedIterator, Path dir) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        return save(ctx, sharedIterator, dir, conf.getIterationCount(), conf.getEpochCount(), conf.toJson(),
                () -> SecureNetworks.exportState(net));
    }

    private static Path save(SecurePartyContext ctx, Object sharedIterator, Path dir, int iteration,
            int epoch, String confJson, Supplier<SecureNetworkState> state) {
        if (!(sharedIterator instanceof SharedBatchPosition it)) {
            throw new IllegalArgumentException("checkpoint: pass the shared iterator fit runs on (ctx.sharedIterator "
                    + "or ctx.sharedMultiIterator)");
        }
        if (ctx.role() == null) {
            throw new IllegalArgumentException("checkpoint: the insecure single-process reference has no party role");
        }
        SecureCheckpoint c = new SecureCheckpoint(null, ctx.role(), iteration, epoch, it.batchesThisEpoch(), confJson,
                state.get());
        return new CheckpointDirectory(dir).write(c);
    }

    /**
     * A listener that writes a checkpoint after every {@code everyN}-th completed iteration (step % everyN == 0).
     * Both parties must use the same {@code everyN}.
     */
    public static TrainingListener listener(SecurePartyContext ctx, DataSetIterator sharedIterator, Path dir,
            int everyN) {
        return listenerOn(ctx, sharedIterator, dir, everyN);
    }

    /** {@link #listener(SecurePartyContext, DataSetIterator, Path, int)} of a graph run on ctx.sharedMultiIterator. */
    public static TrainingListener listener(SecurePartyContext ctx, MultiDataSetIterator sharedIterator, Path dir,
            int everyN) {
        return listenerOn(ctx, sharedIterator, dir, everyN);
    }

    private static TrainingListener listenerOn(SecurePartyContext ctx, Object sharedIterator, Path dir, int everyN) {
        if (everyN < 1) {
            throw new IllegalArgumentException("checkpoint interval must be >= 1, got " + everyN);
        }
        if (!(sharedIterator instanceof SharedBatchPosition)) {
            throw new IllegalArgumentException("checkpoint listener: pass the shared iterator fit runs on");
        }
        return new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                // DL4J passes the index of the iteration just completed; its count is incremented after this call
                long step = iteration + 1L;
                if (step % everyN == 0) {
                    Counters counters = Counters.of(model);
                    int before = counters.iteration();
                    counters.setIteration((int) step);
                    try {
                        if (model instanceof ComputationGraph g) {
                            saveGraph(g, ctx, sharedIterator, dir);
                        } else {
                            save((MultiLayerNetwork) model, ctx, (DataSetIterator) sharedIterator, dir);
                        }
                    } finally {
                        counters.setIteration(before);
                    }
                }
            }
        };
    }

    /**
     * Both parties call this after a crash, with new sessions: agrees with the peer on the newest common step
     * ({@link CommonStep}), loads this party's checkpoint of that step into a new secure network and
     * positions a new shared iterator at the checkpoint's batch. The data owner passes its data iterator (the
     * same data in the same order), the model owner null.
     *
     * @throws CheckpointException naming the file (the chosen step's checkpoint unreadable or damaged, another
     *         party's or configuration's checkpoint) or both parties' steps (no common step); an unusable older
     *         checkpoint is only a warning, the file is left in place
     */
    public static ResumedTraining resume(MultiLayerConfiguration conf, SecurePartyContext ctx, Path dir,
            DataSetIterator dataOwnersIteratorOrNull) {
        return resume(SecureConfigurations.hash(conf, ctx.fracBits()), ctx, dir,
                () -> ctx.sharedIterator(dataOwnersIteratorOrNull), state -> {
            MultiLayerNetwork net = SecureNetworks.attach(conf, ctx, null);
            SecureNetworks.reattach(net, ctx, state);
            return net;
        });
    }

    /** {@link #resume(MultiLayerConfiguration, SecurePartyContext, Path, DataSetIterator)} of a graph's run. */
    public static ResumedTraining resume(ComputationGraphConfiguration conf, SecurePartyContext ctx, Path dir,
            DataSetIterator dataOwnersIteratorOrNull) {
        return resumeGraph(conf, ctx, dir, () -> ctx.sharedIterator(dataOwnersIteratorOrNull));
    }

    /**
     * {@link #resume(ComputationGraphConfiguration, SecurePartyContext, Path, DataSetIterator)} of a graph run on
     * ctx.sharedMultiIterator: the data owner passes its MultiDataSetIterator (the same data in the same order). (Its
     * own name: the model owner's {@code null} must stay unambiguous.)
     */
    public static ResumedTraining resumeMulti(ComputationGraphConfiguration conf, SecurePartyContext ctx, Path dir,
            MultiDataSetIterator dataOwnersIteratorOrNull) {
        return resumeGraph(conf, ctx, dir, () -> ctx.sharedMultiIterator(dataOwnersIteratorOrNull));
    }

    private static ResumedTraining resumeGraph(ComputationGraphConfiguration conf, SecurePartyContext ctx, Path dir,
            Supplier<Object> sharedIterator) {
        return resume(SecureGraphConfigurations.hash(conf, ctx.fracBits()), ctx, dir, sharedIterator, state -> {
            ComputationGraph net = SecureNetworks.attach(conf, ctx, null);
            SecureNetworks.reattach(net, ctx, state);
            return net;
        });
    }

    private static ResumedTraining resume(byte[] hash, SecurePartyContext ctx, Path dir,
            Supplier<Object> sharedIterator, Function<SecureNetworkState, Model> restore) {
        Session session = ctx.session();
        if (session == null) {
            throw new IllegalArgumentException("resume needs a two-party context with a session");
        }
        List<CheckpointDirectory.Found> mine;
        try {
            // only the checkpoint of the step both parties choose must be usable (CommonStep)
            mine = new CheckpointDirectory(dir).survey(ctx.role(), hash);
        } catch (RuntimeException e) {
            // the message names local paths: the peer learns only the kind of problem
            session.abort(AbortReason.of("checkpoint resume", unusableKind(e)));
            throw e;
        }
        SecureCheckpoint chosen = CommonStep.agree(session, ctx.role(), hash, mine, dir);
        Model net = restore.apply(chosen.state());
        Counters counters = Counters.of(net);
        counters.setIteration((int) chosen.step());
        int epoch = chosen.epoch();
        SharedBatchPosition it = (SharedBatchPosition) sharedIterator.get();
        if (it.skipForResume(chosen.batchInEpoch())) {
            epoch++; // the checkpoint was taken after the epoch's last batch: the epoch is complete
        }
        counters.setEpoch(epoch);
        return new ResumedTraining(net, it, chosen, epoch);
    }

    /** DL4J's iteration and epoch counters, which live in the configuration of either network kind. */
    private record Counters(IntSupplier iterationGetter, IntConsumer iterationSetter, IntConsumer epochSetter) {
        static Counters of(Model m) {
            if (m instanceof ComputationGraph g) {
                ComputationGraphConfiguration c = g.getConfiguration();
                return new Counters(c::getIterationCount, c::setIterationCount, c::setEpochCount);
            }
            MultiLayerConfiguration c = ((MultiLayerNetwork) m).getLayerWiseConfigurations();
            return new Counters(c::getIterationCount, c::setIterationCount, c::setEpochCount);
        }

        int iteration() {
            return iterationGetter.getAsInt();
        }

        void setIteration(int i) {
            iterationSetter.accept(i);
        }

        void setEpoch(int e) {
            epochSetter.accept(e);
        }
    }

    /** What the peer is told when this party's checkpoints cannot be used (a kind, never a path). */
    private static String unusableKind(RuntimeException e) {
        CheckpointException.Reason r = e instanceof CheckpointException c ? c.reason() : null;
        if (r == CheckpointException.Reason.OTHER_PARTY) {
            return "cannot resume from checkpoints of the other party";
        }
        if (r == CheckpointException.Reason.OTHER_CONFIGURATION) {
            return "cannot resume from checkpoints of another configuration";
        }
        return "cannot resume from unusable checkpoints";
    }
}
