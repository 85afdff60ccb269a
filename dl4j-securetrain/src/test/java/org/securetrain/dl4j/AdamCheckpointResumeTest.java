package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.Adam;
import org.securetrain.dl4j.checkpoint.CheckpointDirectory;
import org.securetrain.dl4j.checkpoint.ResumedTraining;
import org.securetrain.dl4j.checkpoint.SecureCheckpoint;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Checkpoint and resume of an adaptive updater's state (Adam's m and v shares per parameter, "W.M", "W.V", ...;
 * AdaDelta's "W.msg", "W.msdx", ...) on the real two-party backend: the checkpoint holds the state, and a run that crashes after step 5 and resumes from the step-4 checkpoints
 * ends where an uninterrupted run ends (within the bound of {@link CheckpointResumeTest}: fresh randomness changes the
 * faithful truncations' last bits).
 */
@Timeout(600)
@Tag("slow") // three two-party runs of an Adam MLP: minutes on a loaded 2-core machine
class AdamCheckpointResumeTest {
    static final int F = CheckpointResumeTest.F;
    static final int BATCH = CheckpointResumeTest.BATCH;
    static final int CRASH_AFTER = 5;
    static final ToyBlobs DATA = CheckpointResumeTest.DATA; // 6 batches: one epoch
    static MultiLayerConfiguration conf(String updater) {
        return TestConfs.mlp(updater.equals("Adam") ? new Adam(5e-3) : new AdaDelta(), 5);
    }

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"Adam", "AdaDelta"})
    void stateIsCheckpointedAndTheResumedRunEndsWhereTheUninterruptedRunEnds(String updater) throws IOException {
        MultiLayerConfiguration conf = conf(updater);
        String[] names = updater.equals("Adam") ? new String[] {"M", "V"} : new String[] {"msg", "msdx"};
        CheckpointResumeTest.RunResult full = run(conf, s -> fit(s, conf, null, -1), s -> fit(s, conf, null, -1));
        assertEquals(6, full.dataOwnerScores().size());

        Path[] dirs = {Files.createDirectories(tmp.resolve("model-owner")),
                Files.createDirectories(tmp.resolve("data-owner"))};
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, F)) {
            assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(pair.party(0),
                    s -> fit(s, conf, dirs[0], CRASH_AFTER), pair.party(1), s -> fit(s, conf, dirs[1], CRASH_AFTER)));
        }
        for (Path d : dirs) {
            SecureCheckpoint c = SecureCheckpoint.read(new CheckpointDirectory(d).list().get(0));
            assertEquals(4, c.step());
            for (int layer = 0; layer < 2; layer++) {
                Map<String, long[]> shares = c.state().layer(layer);
                assertTrue(shares.keySet().containsAll(List.of("W", "W." + names[0], "W." + names[1], "b",
                        "b." + names[0], "b." + names[1])), "layer " + layer + " checkpoint holds " + shares.keySet());
                for (String name : names) {
                    assertTrue(java.util.Arrays.stream(shares.get("W." + name)).anyMatch(v -> v != 0),
                            name + " is kept");
                }
            }
        }

        CheckpointResumeTest.RunResult resumed = run(conf, s -> resume(s, conf, dirs[0]),
                s -> resume(s, conf, dirs[1]));
        List<Double> expected = full.dataOwnerScores().subList(4, 6);
        double rel = SecureTrainTwoPartyTest.maxRel(resumed.dataOwnerScores(), expected);
        double w = resumed.revealed().sub(full.revealed()).amaxNumber().doubleValue();
        System.out.printf(updater + " resume from step 4: losses %s vs %s, max relative difference %.3e, final weights max "
                + "difference %.3e (%.1f ulp at f=%d)%n", resumed.dataOwnerScores(), expected, rel, w, Math.scalb(w, F),
                F);
        // the bounds of CheckpointResumeTest (Nesterov): a few ulps per step from the faithful truncations
        assertTrue(rel < 3e-5, "loss trajectory after resume differs by " + rel);
        assertTrue(Math.scalb(w, F) <= 512, "final weights differ by " + Math.scalb(w, F) + " ulp");
    }

    static CheckpointResumeTest.RunResult run(MultiLayerConfiguration conf,
            java.util.function.Function<Session, CheckpointResumeTest.PartyOut> p0,
            java.util.function.Function<Session, CheckpointResumeTest.PartyOut> p1) {
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, F)) {
            TwoPartyRunner.Results<CheckpointResumeTest.PartyOut, CheckpointResumeTest.PartyOut> r =
                    TwoPartyRunner.run(pair.party(0), p0, pair.party(1), p1);
            return new CheckpointResumeTest.RunResult(r.party1().scores(), r.party0().revealed().params());
        }
    }

    static CheckpointResumeTest.PartyOut fit(Session s, MultiLayerConfiguration conf, Path dir, int crashAfter) {
        return CheckpointResumeTest.fitFromScratch(s, conf, 1, dir, crashAfter);
    }

    static CheckpointResumeTest.PartyOut resume(Session s, MultiLayerConfiguration conf, Path dir) {
        SecurePartyContext ctx = CheckpointResumeTest.context(s);
        ResumedTraining r = SecureTrain.resume(conf, ctx, dir, s.party() == 1 ? DATA.iterator(BATCH) : null);
        assertEquals(4, r.step());
        MultiLayerNetwork net = r.network();
        ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
        net.setListeners(scores);
        net.fit(r.sharedIterator(), r.remainingEpochs(1));
        return new CheckpointResumeTest.PartyOut(scores.scores, SecureTrain.reveal(net, ctx));
    }
}
