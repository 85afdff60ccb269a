package org.securetrain.launcher;

import org.securetrain.dl4j.LabelOwnerLeakage;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.data.FashionMnist;
import org.securetrain.dl4j.checkpoint.CheckpointDirectory;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * {@link PartyTraining.Spec#checkpoints}/{@link PartyTraining.Spec#resume} with both parties in this JVM: a run
 * that crashes after step 5, where the data owner lost its newest checkpoint (it died writing it), resumes from
 * the older common step, sets the model owner's newer checkpoint aside instead of deleting it, and ends with the
 * step count and (up to fixed-point rounding) the weights of an uninterrupted run. Resuming a finished run
 * trains nothing more.
 */
@Timeout(120)
class PartyTrainingResumeTest {
    static final int F = 24;
    static final int BATCH = 16;
    static final int STEPS = 8; // 128 images
    static final MultiLayerConfiguration CONF = Models.mlp(8, 0.01, 42);
    static final DataSet TRAIN = FashionMnist.bundled(FashionMnist.Split.TRAIN, BATCH * STEPS);

    @TempDir
    Path tmp;

    static TwoPartyRunner.Results<PartyTraining.Result, PartyTraining.Result> both(Path[] dirs, boolean resume,
            int crashAfter) {
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(PartyTraining.sessionOptions(Role.MODEL_OWNER, CONF, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS),
                PartyTraining.sessionOptions(Role.DATA_OWNER, CONF, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS))) {
            return TwoPartyRunner.run(
                    pair.party(0), s -> spec(dirs == null ? null : dirs[0], resume, crashAfter).run(s),
                    pair.party(1), s -> spec(dirs == null ? null : dirs[1], resume, crashAfter).train(TRAIN).run(s));
        }
    }

    static PartyTraining.Spec spec(Path dir, boolean resume, int crashAfter) {
        PartyTraining.Spec spec = PartyTraining.spec(CONF).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).fracBits(F).batch(BATCH).epochs(1);
        if (dir != null) {
            spec.checkpoints(dir, 2).resume(resume);
        }
        if (crashAfter > 0) {
            spec.listener(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    if (iteration + 1 == crashAfter) {
                        throw new IllegalStateException("simulated crash after step " + crashAfter);
                    }
                }
            });
        }
        return spec;
    }

    @Test
    void resumeFromTheOlderCommonStepSetsTheNewerOneAsideAndEndsLikeAnUninterruptedRun() throws IOException {
        var full = both(null, false, -1);
        assertEquals(STEPS, full.party1().steps());
        assertEquals(-1, full.party1().resumedFromStep());

        Path[] dirs = {tmp.resolve("mo"), tmp.resolve("do")};
        RuntimeException crash = assertThrows(RuntimeException.class, () -> both(dirs, false, 5));
        assertTrue(String.valueOf(crash.getMessage()).contains("simulated crash")
                || String.valueOf(crash.getCause()).contains("simulated crash"), crash.toString());
        List<String> step2And4 = List.of("checkpoint-000000000002.zip", "checkpoint-000000000004.zip");
        assertEquals(step2And4, names(dirs[0]));
        assertEquals(step2And4, names(dirs[1]));
        assertTrue(Files.exists(dirs[1].resolve(RunDescription.FILE)));
        // the data owner "died while writing" step 4: only the model owner has it
        Files.delete(dirs[1].resolve("checkpoint-000000000004.zip"));
        byte[] moStep4 = Files.readAllBytes(dirs[0].resolve("checkpoint-000000000004.zip"));

        var resumed = both(dirs, true, -1);
        for (PartyTraining.Result r : List.of(resumed.party0(), resumed.party1())) {
            assertEquals(2, r.resumedFromStep(), r.summary());
            assertEquals(STEPS, r.steps(), r.summary());
            assertTrue(r.summary().contains(STEPS + " steps (resumed from checkpoint step 2: 6 steps in this run)"),
                    r.summary());
        }
        // the model owner's step 4 belongs to the abandoned run: set aside, byte for byte, not deleted
        Path aside = dirs[0].resolve(CheckpointDirectory.SUPERSEDED);
        try (var files = Files.list(aside)) {
            List<Path> kept = files.toList();
            assertEquals(1, kept.size(), kept.toString());
            assertTrue(kept.get(0).getFileName().toString().startsWith("checkpoint-000000000004.zip."));
            assertArrayEquals(moStep4, Files.readAllBytes(kept.get(0)));
        }
        List<String> step6And8 = List.of("checkpoint-000000000006.zip", "checkpoint-000000000008.zip");
        assertEquals(step6And8, names(dirs[0]));
        assertEquals(step6And8, names(dirs[1]));

        // same weights as the uninterrupted run up to fixed-point rounding (fresh randomness in the new session
        // rounds truncations differently; CheckpointResumeTest measures a few ulp per step)
        double w = resumed.party0().revealedOrNull().params().sub(full.party0().revealedOrNull().params()).amaxNumber()
                .doubleValue();
        System.out.printf("resumed from step 2 of %d: max weight difference to the uninterrupted run %.2e (%.0f ulp)%n",
                STEPS, w, Math.scalb(w, F));
        assertTrue(Math.scalb(w, F) <= 512, "weights differ by " + Math.scalb(w, F) + " ulp");

        // resuming the finished run: the checkpoint of the last step leaves nothing to train
        var again = both(dirs, true, -1);
        assertEquals(STEPS, again.party1().resumedFromStep());
        assertEquals(STEPS, again.party1().steps());
        assertTrue(again.party1().summary().contains("0 steps in this run"), again.party1().summary());

        // other images of the same number: the minibatches skipped and continued with would differ; both stop
        DataSet other = FashionMnist.bundled(FashionMnist.Split.TEST, BATCH * STEPS);
        RuntimeException[] seen = new RuntimeException[2];
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(PartyTraining.sessionOptions(Role.MODEL_OWNER, CONF, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS),
                PartyTraining.sessionOptions(Role.DATA_OWNER, CONF, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS))) {
            assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                    pair.party(0), s -> failing(seen, 0, () -> spec(dirs[0], true, -1).run(s)),
                    pair.party(1), s -> failing(seen, 1, () -> spec(dirs[1], true, -1).train(other).run(s))));
        }
        assertTrue(seen[1].getMessage().contains("the training data differ from those the checkpoints were written "
                + "with"), seen[1].getMessage());
        assertTrue(seen[0].getMessage().contains("the DATA_OWNER cannot start: the data owner's training data differ"),
                seen[0].getMessage());
        assertEquals(step6And8, names(dirs[1]), "a refused resume leaves the checkpoints alone");
    }

    /**
     * Issue 19, case 4: a damaged OLDER checkpoint at one party used to stop --resume in the launcher's checks,
     * although the newest checkpoint, intact at both parties, is the one needed. Now only that one is judged.
     */
    @Test
    void aDamagedOlderCheckpointDoesNotBlockTheResume() throws IOException {
        Path[] dirs = {tmp.resolve("mo"), tmp.resolve("do")};
        assertThrows(RuntimeException.class, () -> both(dirs, false, 5));
        Path two = dirs[1].resolve("checkpoint-000000000002.zip");
        Files.write(two, "damaged by a disk error".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        var resumed = both(dirs, true, -1);
        assertEquals(4, resumed.party1().resumedFromStep(), resumed.party1().summary());
        assertEquals(STEPS, resumed.party0().steps(), resumed.party0().summary());
    }

    private static PartyTraining.Result failing(RuntimeException[] seen, int party,
            java.util.function.Supplier<PartyTraining.Result> run) {
        try {
            return run.get();
        } catch (RuntimeException e) {
            seen[party] = e;
            throw e;
        }
    }

    @Test
    void specRejectsABadIntervalAndResumeWithoutADirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PartyTraining.spec(CONF).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).checkpoints(tmp, 0));
        assertTrue(e.getMessage().contains("at least 1 step, got 0"), e.getMessage());
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(PartyTraining.sessionOptions(Role.MODEL_OWNER, CONF, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS),
                PartyTraining.sessionOptions(Role.DATA_OWNER, CONF, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS))) {
            e = assertThrows(IllegalArgumentException.class, () -> PartyTraining.spec(CONF).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).fracBits(F).resume(true)
                    .run(pair.party(0)));
            assertTrue(e.getMessage().contains("resume needs the checkpoint directory"), e.getMessage());
        }
    }

    static List<String> names(Path dir) {
        return new CheckpointDirectory(dir).list().stream().map(p -> p.getFileName().toString()).toList();
    }
}
