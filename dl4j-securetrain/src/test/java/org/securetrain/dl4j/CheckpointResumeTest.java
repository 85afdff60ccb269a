package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.dl4j.checkpoint.CheckpointDirectory;
import org.securetrain.dl4j.checkpoint.CheckpointException;
import org.securetrain.dl4j.checkpoint.Checkpoints;
import org.securetrain.dl4j.checkpoint.ResumedTraining;
import org.securetrain.dl4j.checkpoint.SecureCheckpoint;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Checkpoint and resume with both parties in one JVM on the real two-party backend: a run that crashes after
 * step 9 and resumes from the step-8 checkpoints in new sessions ends where an uninterrupted run ends; the
 * common-step rule; damaged, foreign and mismatched checkpoints fail with messages naming the cause.
 */
@Timeout(120)
class CheckpointResumeTest {
    static final int F = 24;
    static final int BATCH = 16;
    static final int EPOCHS = 2;          // 6 batches per epoch: 12 steps
    static final int EVERY = 4;           // checkpoints at steps 4 and 8 (and 12)
    static final int CRASH_AFTER = 9;     // both processes "die" after step 9: one step past the newest checkpoint
    static final ToyBlobs DATA = new ToyBlobs(96, 16, 3, 11, 4.0);
    static final MultiLayerConfiguration CONF = TestConfs.mlp(new Nesterovs(0.02, 0.9), 5);

    @TempDir
    static Path tmp;

    static List<Double> fullScores;
    static INDArray fullWeights;
    static Path[] crashedDirs;

    /** Uninterrupted reference run, and a run that crashes after step 9 leaving checkpoints 4 and 8. */
    @BeforeAll
    static void trainUninterruptedAndCrashed() throws IOException {
        RunResult full = runBoth(CONF, s -> fitFromScratch(s, null, -1), s -> fitFromScratch(s, null, -1));
        fullScores = full.dataOwnerScores;
        fullWeights = full.revealed;
        assertEquals(EPOCHS * 6, fullScores.size());

        crashedDirs = new Path[] {Files.createDirectories(tmp.resolve("crash/model-owner")),
                Files.createDirectories(tmp.resolve("crash/data-owner"))};
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(CONF, CONF, F)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                    pair.party(0), s -> fitFromScratch(s, crashedDirs[0], CRASH_AFTER),
                    pair.party(1), s -> fitFromScratch(s, crashedDirs[1], CRASH_AFTER)));
            assertTrue(rootMessage(e).contains("simulated crash"), rootMessage(e));
        } // sessions closed, networks dropped
        for (Path d : crashedDirs) {
            assertEquals(List.of("checkpoint-000000000004.zip", "checkpoint-000000000008.zip"),
                    new CheckpointDirectory(d).list().stream().map(p -> p.getFileName().toString()).toList(),
                    "the last two checkpoints are kept, no temporary file is left");
            assertEquals(2, Files.list(d).count());
        }
    }

    @Test
    void resumedRunEndsWhereTheUninterruptedRunEnds() throws IOException {
        Path[] dirs = copyOf(crashedDirs, "resume-equal");
        RunResult r = runBoth(CONF, s -> resumeAndFinish(s, dirs[0], 8), s -> resumeAndFinish(s, dirs[1], 8));
        // steps 9..12 of the resumed run against the same steps of the uninterrupted run
        List<Double> expected = fullScores.subList(8, 12);
        assertEquals(4, r.dataOwnerScores.size());
        double rel = SecureTrainTwoPartyTest.maxRel(r.dataOwnerScores, expected);
        double w = r.revealed.sub(fullWeights).amaxNumber().doubleValue();
        System.out.println("losses, uninterrupted " + expected + ", resumed " + r.dataOwnerScores);
        System.out.printf("resume from step 8: loss steps 9-12 max relative difference %.3e, final weights max "
                + "difference %.3e (%.1f ulp at f=%d)%n", rel, w, Math.scalb(w, F), F);
        // Not bit-exact, and cannot be: the faithful truncations (SGD step, ReLU is exact) round each element
        // up or down by one ulp depending on a carry out of the parties' random shares, and the resumed run
        // uses fresh randomness in new sessions. Two uninterrupted runs differ in the same way. The per-step
        // error is <= 1 ulp per truncation, so over a handful of steps the weights agree to a few ulp.
        // measured 4e-6..7e-6 over several runs (losses ~0.5); bound with margin against flakiness
        assertTrue(rel < 3e-5, "loss trajectory after resume differs by " + rel);
        assertTrue(Math.scalb(w, F) <= 512, "final weights differ by " + Math.scalb(w, F) + " ulp");
        // the resumed run goes on writing checkpoints at the same interval
        assertEquals(List.of("checkpoint-000000000008.zip", "checkpoint-000000000012.zip"),
                new CheckpointDirectory(dirs[0]).list().stream().map(p -> p.getFileName().toString()).toList());

        // step 12 was the last batch of epoch 1: resuming from it starts epoch 2 with a full, reset epoch
        RunResult more = runBoth(CONF, s -> resumeAtEpochEnd(s, dirs[0]), s -> resumeAtEpochEnd(s, dirs[1]));
        assertEquals(6, more.dataOwnerScores.size(), "one more full epoch");
    }

    static PartyOut resumeAtEpochEnd(Session s, Path dir) {
        SecurePartyContext ctx = context(s);
        ResumedTraining r = SecureTrain.resume(CONF, ctx, dir, s.party() == 1 ? DATA.iterator(BATCH) : null);
        assertEquals(12, r.step());
        assertEquals(6, r.checkpoint().batchInEpoch());
        assertEquals(2, r.epoch(), "the checkpointed epoch was complete");
        assertEquals(0, r.remainingEpochs(2));
        ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
        r.network().setListeners(scores);
        r.network().fit(r.sharedIterator(), r.remainingEpochs(3));
        assertEquals(3, r.network().getLayerWiseConfigurations().getEpochCount());
        assertEquals(18, r.network().getLayerWiseConfigurations().getIterationCount());
        return new PartyOut(scores.scores, SecureTrain.reveal(r.network(), ctx));
    }

    @Test
    void partiesAtDifferentStepsResumeFromTheNewestCommonOne() throws IOException {
        // the data owner crashed while writing checkpoint 8: it has only 4 (and a stale temporary file)
        Path[] dirs = copyOf(crashedDirs, "resume-common");
        Path torn = dirs[1].resolve("checkpoint-000000000008.zip.tmp");
        Files.move(dirs[1].resolve("checkpoint-000000000008.zip"), torn);
        Files.write(torn, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        RunResult r = runBoth(CONF, s -> resumeAndFinish(s, dirs[0], 4), s -> resumeAndFinish(s, dirs[1], 4));
        assertEquals(8, r.dataOwnerScores.size(), "steps 5..12 retrained");
        double rel = SecureTrainTwoPartyTest.maxRel(r.dataOwnerScores, fullScores.subList(4, 12));
        System.out.printf("resume from common step 4: loss max relative difference %.3e%n", rel);
        assertTrue(rel < 3e-5, "loss after resume from the common step differs by " + rel);
    }

    @Test
    void noCommonStepFailsNamingBothPartiesSteps() throws IOException {
        Path[] dirs = copyOf(crashedDirs, "resume-none");
        Files.delete(dirs[0].resolve("checkpoint-000000000004.zip")); // model owner: [8]
        Files.delete(dirs[1].resolve("checkpoint-000000000008.zip")); // data owner: [4]
        RuntimeException[] seen = failingResume(CONF, dirs);
        for (RuntimeException e : seen) {
            assertInstanceOf(CheckpointException.class, e);
            assertTrue(e.getMessage().contains("no common checkpoint step") && e.getMessage().contains("[8]")
                    && e.getMessage().contains("[4]"), e.getMessage());
        }
        // a party without any checkpoint (e.g. a wrong directory): same rule, same message
        Path empty = Files.createDirectories(tmp.resolve("resume-none/empty"));
        RuntimeException[] none = failingResume(CONF, new Path[] {dirs[0], empty});
        assertTrue(none[0].getMessage().contains("has steps [8], the DATA_OWNER has steps []"), none[0].getMessage());
        assertTrue(none[1].getMessage().contains("has steps [] (no checkpoint in " + empty), none[1].getMessage());
    }

    @Test
    void truncatedCheckpointFailsNamingTheFile() throws IOException {
        Path[] dirs = copyOf(crashedDirs, "resume-truncated");
        Path f = dirs[0].resolve("checkpoint-000000000008.zip");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        CheckpointException direct = assertThrows(CheckpointException.class, () -> SecureCheckpoint.read(f));
        assertTrue(direct.getMessage().contains(f.toString()), direct.getMessage());

        // a flipped byte inside the shares is caught by the entry's CRC
        Path g = copyOf(crashedDirs, "flipped")[1].resolve("checkpoint-000000000008.zip");
        byte[] b = Files.readAllBytes(g);
        b[b.length / 2] ^= 0x10;
        Files.write(g, b);
        CheckpointException flipped = assertThrows(CheckpointException.class, () -> SecureCheckpoint.read(g));
        assertTrue(flipped.getMessage().contains(g.toString()), flipped.getMessage());

        RuntimeException[] seen = failingResume(CONF, dirs);
        assertInstanceOf(CheckpointException.class, seen[0]);
        assertTrue(seen[0].getMessage().contains(f.toString()), seen[0].getMessage());
        assertTrue(seen[0].getMessage().contains("move their checkpoints of step 8 aside"), seen[0].getMessage());
        // the peer stops at once too: the damaged file is marked in the exchanged list, so it knows which party
        // cannot resume from which step (and waits for nothing)
        assertInstanceOf(CheckpointException.class, seen[1]);
        assertTrue(seen[1].getMessage().contains("MODEL_OWNER cannot resume: its checkpoint of step 8"),
                seen[1].getMessage());
        assertFalse(seen[1].getMessage().contains(f.toString()), "local paths stay local");
    }

    /**
     * Issue 19, case 4: a damaged OLDER checkpoint used to block the resume although the newest one, intact at
     * both parties, is the one needed. Only the checkpoint of the chosen step must be usable; the damaged older
     * file is a warning and stays in place, untouched.
     */
    @Test
    void damagedOlderCheckpointDoesNotBlockResumingFromTheNewestCommonStep() throws IOException {
        Path[] dirs = copyOf(crashedDirs, "resume-damaged-older");
        Path four = dirs[1].resolve("checkpoint-000000000004.zip");
        byte[] all = Files.readAllBytes(four);
        byte[] damaged = java.util.Arrays.copyOf(all, all.length / 3);
        Files.write(four, damaged);
        Runnable leftInPlace = () -> {
            try {
                assertArrayEquals(damaged, Files.readAllBytes(four), "the damaged older checkpoint is left as it was");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        RunResult r = runBoth(CONF, s -> resumeAndFinish(s, dirs[0], 8, () -> { }),
                s -> resumeAndFinish(s, dirs[1], 8, leftInPlace));
        assertEquals(4, r.dataOwnerScores.size());
        // the run then goes on as usual: its checkpoint of step 12 rotates the oldest file out
        assertEquals(List.of("checkpoint-000000000008.zip", "checkpoint-000000000012.zip"),
                new CheckpointDirectory(dirs[1]).list().stream().map(p -> p.getFileName().toString()).toList());
    }

    /** A write that fails half-way (here: the temporary file cannot be created) never touches the existing files. */
    @Test
    void failedWriteLeavesThePreviousCheckpointsIntact() throws IOException {
        Path[] dirs = copyOf(crashedDirs, "failed-write");
        Path eight = dirs[0].resolve("checkpoint-000000000008.zip");
        byte[] before = Files.readAllBytes(eight);
        SecureCheckpoint c = SecureCheckpoint.read(eight);
        Files.createDirectories(dirs[0].resolve("checkpoint-000000000008.zip.tmp/blocker"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> new CheckpointDirectory(dirs[0]).write(c));
        assertTrue(e.getMessage().contains(eight.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(eight));
        assertEquals(2, new CheckpointDirectory(dirs[0]).list().size());
        // and a successful rewrite produces an identical, readable file
        Path other = Files.createDirectories(tmp.resolve("failed-write/rewrite"));
        new CheckpointDirectory(other).write(c);
        SecureCheckpoint again = SecureCheckpoint.read(other.resolve(eight.getFileName()));
        assertEquals(c.step(), again.step());
        assertEquals(c.batchInEpoch(), again.batchInEpoch());
        assertArrayEquals(c.state().layer(0).get("W"), again.state().layer(0).get("W"));
        assertArrayEquals(c.state().layer(0).get("W.velocity"), again.state().layer(0).get("W.velocity"),
                "momentum state is checkpointed");
    }

    @Test
    void checkpointOfAnotherConfigurationIsRefused() throws IOException {
        Path[] dirs = copyOf(crashedDirs, "resume-otherconf");
        MultiLayerConfiguration other = TestConfs.mlp(new Sgd(0.02), 5);
        // both parties detect it locally; whichever is first aborts the session, so the other may see that instead
        CheckpointException e = firstCheckpointException(failingResume(other, dirs));
        assertTrue(e.getMessage().contains("configuration hash mismatch")
                && e.getMessage().contains("checkpoint-000000000004.zip"), e.getMessage());
        // a party's checkpoint directory swapped with the peer's
        Path[] swapped = copyOf(crashedDirs, "resume-swapped");
        CheckpointException e2 = firstCheckpointException(failingResume(CONF, new Path[] {swapped[1], swapped[0]}));
        assertTrue(e2.getMessage().contains("OWNER's shares, but this party is the"), e2.getMessage());
    }

    private static CheckpointException firstCheckpointException(RuntimeException[] seen) {
        for (RuntimeException e : seen) {
            if (e instanceof CheckpointException c) {
                return c;
            }
            assertInstanceOf(SessionException.class, e);
        }
        return fail("no party reported a CheckpointException: " + java.util.Arrays.toString(seen));
    }

    // ------------------------------------------------------------------ the parties' programs

    record RunResult(List<Double> dataOwnerScores, INDArray revealed) {
    }

    record PartyOut(List<Double> scores, MultiLayerNetwork revealed) {
    }

    static RunResult runBoth(MultiLayerConfiguration conf, java.util.function.Function<Session, PartyOut> p0,
            java.util.function.Function<Session, PartyOut> p1) {
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, F)) {
            TwoPartyRunner.Results<PartyOut, PartyOut> r = TwoPartyRunner.run(pair.party(0), p0, pair.party(1), p1);
            return new RunResult(r.party1().scores(), r.party0().revealed().params());
        }
    }

    static SecurePartyContext context(Session s) {
        return TwoPartyHarness.terms(F).session(s).backend(TwoPartyHarness.backendFactory(F)).build();
    }

    static PartyOut fitFromScratch(Session s, Path dir, int crashAfter) {
        return fitFromScratch(s, CONF, EPOCHS, dir, crashAfter);
    }

    /**
     * Trains {@code conf} on {@link #DATA} for {@code epochs} from scratch, checkpointing every {@link #EVERY} steps into
     * {@code dir} (null: none) and crashing after step {@code crashAfter} (-1: never).
     */
    static PartyOut fitFromScratch(Session s, MultiLayerConfiguration conf, int epochs, Path dir, int crashAfter) {
        SecurePartyContext ctx = context(s);
        MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
        DataSetIterator it = ctx.sharedIterator(s.party() == 1 ? DATA.iterator(BATCH) : null);
        ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
        List<org.deeplearning4j.optimize.api.TrainingListener> ls = new ArrayList<>();
        ls.add(scores);
        if (dir != null) {
            ls.add(Checkpoints.listener(ctx, it, dir, EVERY));
        }
        if (crashAfter > 0) {
            ls.add(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    if (iteration + 1 == crashAfter) {
                        throw new IllegalStateException("simulated crash after step " + crashAfter);
                    }
                }
            });
        }
        net.setListeners(ls);
        net.fit(it, epochs);
        return new PartyOut(scores.scores, SecureTrain.reveal(net, ctx));
    }

    static PartyOut resumeAndFinish(Session s, Path dir, long expectedStep) {
        return resumeAndFinish(s, dir, expectedStep, () -> { });
    }

    /** As above; {@code afterResume} runs between the resume and the training that continues it. */
    static PartyOut resumeAndFinish(Session s, Path dir, long expectedStep, Runnable afterResume) {
        SecurePartyContext ctx = context(s);
        ResumedTraining r = SecureTrain.resume(CONF, ctx, dir, s.party() == 1 ? DATA.iterator(BATCH) : null);
        assertEquals(expectedStep, r.step());
        afterResume.run();
        MultiLayerNetwork net = r.network();
        ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
        net.setListeners(scores, Checkpoints.listener(ctx, r.sharedIterator(), dir, EVERY));
        net.fit(r.sharedIterator(), r.remainingEpochs(EPOCHS));
        assertEquals(EPOCHS, net.getLayerWiseConfigurations().getEpochCount());
        assertEquals(EPOCHS * 6, net.getLayerWiseConfigurations().getIterationCount());
        return new PartyOut(scores.scores, SecureTrain.reveal(net, ctx));
    }

    static RuntimeException[] failingResume(MultiLayerConfiguration conf, Path[] dirs) {
        RuntimeException[] seen = new RuntimeException[2];
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, F)) {
            assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                    pair.party(0), s -> tryResume(s, conf, dirs[0], seen),
                    pair.party(1), s -> tryResume(s, conf, dirs[1], seen)));
        }
        assertNotNull(seen[0]);
        assertNotNull(seen[1]);
        return seen;
    }

    private static Void tryResume(Session s, MultiLayerConfiguration conf, Path dir, RuntimeException[] seen) {
        try {
            SecureTrain.resume(conf, context(s), dir, s.party() == 1 ? DATA.iterator(BATCH) : null);
            return null;
        } catch (RuntimeException e) {
            seen[s.party()] = e;
            throw e;
        }
    }

    static Path[] copyOf(Path[] dirs, String name) throws IOException {
        Path[] out = new Path[2];
        for (int i = 0; i < 2; i++) {
            out[i] = Files.createDirectories(tmp.resolve(name + "/" + i));
            try (var files = Files.list(dirs[i])) {
                for (Path p : files.toList()) {
                    Files.copy(p, out[i].resolve(p.getFileName()));
                }
            }
        }
        return out;
    }

    static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append(" / ");
        }
        return sb.toString();
    }
}
