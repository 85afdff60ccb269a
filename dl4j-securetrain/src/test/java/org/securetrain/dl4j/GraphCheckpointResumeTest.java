package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.securetrain.dl4j.checkpoint.CheckpointDirectory;
import org.securetrain.dl4j.checkpoint.Checkpoints;
import org.securetrain.dl4j.checkpoint.ResumedTraining;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Checkpoint and resume of a ComputationGraph run, both parties in one JVM on the real two-party backend: a residual
 * block's run crashes after step 3 with checkpoints at step 2; new sessions resume from step 2 and finish; steps 3-4
 * and the revealed weights match plaintext DL4J's uninterrupted ComputationGraph (bounds of
 * {@link SecureTrainTwoPartyTest} and {@link CheckpointResumeTest}); the same for a two-input graph on
 * {@code ctx.sharedMultiIterator} ({@code SecureTrain.resumeMulti}, slow).
 */
@Timeout(240)
class GraphCheckpointResumeTest {
    static final int F = 24;
    static final int BATCH = 16;
    static final int EPOCHS = 2; // 2 batches per epoch: 4 steps
    static final ToyBlobs DATA = new ToyBlobs(32, 16, 3, 11, 4.0);
    static final ComputationGraphConfiguration CONF = GraphReferenceTest.denseResidual(5);

    @TempDir
    Path tmp;

    record PartyOut(List<Double> scores, ComputationGraph revealed) {
    }

    /** Both parties of a run of {@code conf}, in new in-memory sessions. */
    private static TwoPartyRunner.Results<PartyOut, PartyOut> runBoth(ComputationGraphConfiguration conf,
            Function<Session, PartyOut> p0, Function<Session, PartyOut> p1) {
        byte[] hash = TwoPartyHarness.terms(F).configHash(conf);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).configHash(hash).build(),
                SessionOptions.builder(Role.DATA_OWNER).configHash(hash).build())) {
            return TwoPartyRunner.run(pair.party(0), p0, pair.party(1), p1);
        }
    }

    private static SecurePartyContext context(Session s) {
        return TwoPartyHarness.terms(F).session(s).backend(TwoPartyHarness.backendFactory(F)).build();
    }

    /** Fails the run after step 3, as a crash would (after the step-2 checkpoint). */
    private static BaseTrainingListener crashAfterStep3() {
        return new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                if (iteration + 1 == 3) {
                    throw new IllegalStateException("simulated crash after step 3");
                }
            }
        };
    }

    /** Runs a crashing run ({@code p0}, {@code p1}) and checks that it ended in the simulated crash. */
    private static void assertCrashes(ComputationGraphConfiguration conf, Function<Session, PartyOut> p0,
            Function<Session, PartyOut> p1) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> runBoth(conf, p0, p1));
        assertTrue(CheckpointResumeTest.rootMessage(e).contains("simulated crash"), CheckpointResumeTest.rootMessage(e));
    }

    /** Steps 3-4 and the revealed weights of the resumed run against plaintext DL4J's uninterrupted run. */
    private static void assertMatchesPlain(String what, ComputationGraph plain, List<Double> plainScores,
            TwoPartyRunner.Results<PartyOut, PartyOut> r) {
        double rel = SecureTrainTwoPartyTest.maxRel(r.party1().scores(), plainScores.subList(2, 4));
        double dw = plain.params().sub(r.party0().revealed().params()).amaxNumber().doubleValue();
        System.out.printf("%s resume from step 2: loss steps 3-4 max relative difference vs plaintext %.3e, final "
                + "weights max difference %.2e (%.1f ulp at f=%d)%n", what, rel, dw, Math.scalb(dw, F), F);
        assertTrue(rel < 1e-4, "loss after resume differs from plaintext DL4J by " + rel);
        assertTrue(Math.scalb(dw, F) <= 512, "final weights differ by " + Math.scalb(dw, F) + " ulp");
    }

    private static PartyOut crashAfterStep3(Session s, Path dir) {
        SecurePartyContext ctx = context(s);
        ComputationGraph net = SecureTrain.attach(CONF, ctx);
        DataSetIterator it = ctx.sharedIterator(s.party() == 1 ? DATA.iterator(BATCH) : null);
        net.setListeners(Checkpoints.listener(ctx, it, dir, 2), crashAfterStep3());
        net.fit(it, EPOCHS);
        return null;
    }

    private static PartyOut resumeAndFinish(Session s, Path dir) {
        SecurePartyContext ctx = context(s);
        ResumedTraining r = SecureTrain.resume(CONF, ctx, dir, s.party() == 1 ? DATA.iterator(BATCH) : null);
        assertEquals(2, r.step());
        assertThrows(IllegalStateException.class, r::network, "a graph's run has no MultiLayerNetwork");
        ComputationGraph net = r.graph();
        ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
        net.setListeners(scores);
        net.fit(r.sharedIterator(), r.remainingEpochs(EPOCHS));
        assertEquals(EPOCHS, net.getConfiguration().getEpochCount());
        assertEquals(4, net.getConfiguration().getIterationCount());
        return new PartyOut(scores.scores, SecureTrain.reveal(net, ctx));
    }

    @Test
    void resumedGraphRunMatchesUninterruptedPlaintextDl4j() throws Exception {
        ComputationGraph plain = new ComputationGraph(CONF.clone());
        plain.init();
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        plain.setListeners(plainScores);
        plain.fit(DATA.iterator(BATCH), EPOCHS);
        assertEquals(4, plainScores.scores.size());

        Path[] dirs = {Files.createDirectories(tmp.resolve("mo")), Files.createDirectories(tmp.resolve("do"))};
        assertCrashes(CONF, s -> crashAfterStep3(s, dirs[0]), s -> crashAfterStep3(s, dirs[1]));
        for (Path d : dirs) {
            assertEquals(List.of("checkpoint-000000000002.zip"),
                    new CheckpointDirectory(d).list().stream().map(p -> p.getFileName().toString()).toList());
        }

        assertMatchesPlain("graph", plain, plainScores.scores,
                runBoth(CONF, s -> resumeAndFinish(s, dirs[0]), s -> resumeAndFinish(s, dirs[1])));
    }

    // ------------------------------------------------------------------ several inputs: ctx.sharedMultiIterator

    static final MultiBlobs MULTI = new MultiBlobs(new ToyBlobs(32, 16, 3, 11, 4.0), 2, false);
    static final ComputationGraphConfiguration MULTI_CONF = GraphMultiInputOutputTest.twoInputMerge(5);

    private static PartyOut multiCrashAfterStep3(Session s, Path dir) {
        SecurePartyContext ctx = context(s);
        ComputationGraph net = SecureTrain.attach(MULTI_CONF, ctx);
        var it = ctx.sharedMultiIterator(s.party() == 1 ? MULTI.iterator(BATCH) : null);
        net.setListeners(Checkpoints.listener(ctx, it, dir, 2), crashAfterStep3());
        net.fit(it, EPOCHS);
        return null;
    }

    private static PartyOut multiResumeAndFinish(Session s, Path dir) {
        SecurePartyContext ctx = context(s);
        ResumedTraining r = SecureTrain.resumeMulti(MULTI_CONF, ctx, dir, s.party() == 1 ? MULTI.iterator(BATCH) : null);
        assertEquals(2, r.step());
        assertThrows(IllegalStateException.class, r::sharedIterator, "a MultiDataSetIterator run");
        ComputationGraph net = r.graph();
        ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
        net.setListeners(scores);
        net.fit(r.sharedMultiIterator(), r.remainingEpochs(EPOCHS));
        assertEquals(4, net.getConfiguration().getIterationCount());
        return new PartyOut(scores.scores, SecureTrain.reveal(net, ctx));
    }

    /** Slow (two more two-party runs, about 20 s on the loaded 2-core machine): run with -Pslow. */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void resumedTwoInputRunMatchesUninterruptedPlaintextDl4j() throws Exception {
        ComputationGraph plain = new ComputationGraph(MULTI_CONF.clone());
        plain.init();
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        plain.setListeners(plainScores);
        plain.fit(MULTI.iterator(BATCH), EPOCHS);
        Path[] dirs = {Files.createDirectories(tmp.resolve("multi-mo")), Files.createDirectories(tmp.resolve("multi-do"))};
        assertCrashes(MULTI_CONF, s -> multiCrashAfterStep3(s, dirs[0]), s -> multiCrashAfterStep3(s, dirs[1]));
        assertMatchesPlain("two-input graph", plain, plainScores.scores,
                runBoth(MULTI_CONF, s -> multiResumeAndFinish(s, dirs[0]), s -> multiResumeAndFinish(s, dirs[1])));
    }
}
