package org.securetrain.launcher;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.launcher.SecureTrainCliTest.inProcess;
import static org.securetrain.launcher.SecureTrainCliTest.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Await;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.dl4j.checkpoint.CheckpointDirectory;
import org.securetrain.launcher.SecureTrainCliTest.Run;

/**
 * Checkpoint and resume through the launcher: two real processes checkpoint every 2 steps, the data owner's
 * process is killed after both wrote step 4, the model owner exits non-zero naming the lost connection, and both
 * restarted with {@code --resume} finish at the step count of an uninterrupted run. Then every misuse of the
 * checkpoint options stops both parties naming the cause, without touching the checkpoints.
 */
@Timeout(900) // a guard against hangs only: two JVMs train twice; every wait inside is for an event
class SecureTrainCliResumeTest {
    /** 384 images in minibatches of 32: 12 steps in the one epoch. */
    static final int LIMIT = 384;
    static final int BATCH = 32;
    static final int STEPS = LIMIT / BATCH;
    static final int EVERY = 2;

    @TempDir
    static Path dir;
    static LauncherParties parties;
    static Path smallMlp;

    @BeforeAll
    static void identitiesAndModel() throws IOException {
        parties = LauncherParties.save(dir);
        // a small MLP (784-16-10) keeps a step around half a second on two cores
        smallMlp = dir.resolve("mlp16.json");
        Files.writeString(smallMlp, Models.mlp(16, 0.01, 42).toJson());
    }

    static List<String> party(String role, String endpoint, Path checkpoints, String... extra) {
        List<String> a = parties.args(role, endpoint, "--model", smallMlp.toString(), "--timeout", "120");
        if (checkpoints != null) {
            a.addAll(List.of("--checkpoint-dir", checkpoints.toString()));
        }
        if (role.equals("data-owner")) {
            a.addAll(List.of("--limit", Integer.toString(LIMIT), "--batch", Integer.toString(BATCH), "--test-limit", "100"));
        }
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void killedRunResumesWhereItStoppedAndMisuseStopsBothParties() throws Exception {
        Path ck0 = dir.resolve("ck-model-owner");
        Path ck1 = dir.resolve("ck-data-owner");
        long t0 = System.nanoTime();

        // 1. a fresh run, checkpoint every 2 steps; the data owner's process dies once both hold step 4
        // (the model owner binds port 0 and prints it; every wait below is for an event, not for a time)
        Process p0 = launch(party("model-owner", "l 127.0.0.1:0", ck0, "--checkpoint-every", "" + EVERY),
                dir.resolve("a0.log"));
        String port = "127.0.0.1:" + ListeningPort.of(dir.resolve("a0.log"), p0);
        Process p1 = launch(party("data-owner", "c " + port, ck1, "--checkpoint-every", "" + EVERY), dir.resolve("a1.log"));
        Path step4 = Path.of(String.format("checkpoint-%012d.zip", 4));
        Process first0 = p0;
        Process first1 = p1;
        Await.until("both step-4 checkpoints (or a party's end)", () -> (Files.exists(ck0.resolve(step4))
                && Files.exists(ck1.resolve(step4))) || !first1.isAlive() || !first0.isAlive());
        boolean aliveAtKill = p1.isAlive();
        p1.destroyForcibly();
        boolean moExited;
        try {
            Await.exit(p0); // the model owner notices the dead peer and ends
            moExited = true;
        } catch (AssertionError e) {
            moExited = false;
            p0.destroyForcibly();
        }
        Await.exit(p1);
        String a0 = Files.readString(dir.resolve("a0.log"), StandardCharsets.UTF_8);
        String a1 = Files.readString(dir.resolve("a1.log"), StandardCharsets.UTF_8);
        assertTrue(aliveAtKill, "the data owner ended before it was killed:\n" + a1);
        assertTrue(Files.exists(ck0.resolve(step4)) && Files.exists(ck1.resolve(step4)),
                "no step-4 checkpoint at both parties:\n" + a0 + "\n---\n" + a1);
        assertTrue(moExited, "the model owner did not notice the dead peer:\n" + a0);
        assertNotEquals(0, p0.exitValue(), a0);
        Matcher lost = Pattern.compile("error: [^\\n]*(connection to peer|peer closed)[^\\n]*").matcher(a0);
        assertTrue(lost.find(), "no disconnect message:\n" + a0);
        assertFalse(a0.contains(" " + STEPS + " steps"), "the first run must not have finished");
        System.out.println("killed the data owner after step 4 was checkpointed; model owner says: " + lost.group());
        List<String> before0 = names(ck0);
        List<String> before1 = names(ck1);
        double killedAt = (System.nanoTime() - t0) / 1e9;

        // 2. both restart with --resume: they agree on the newest common step and finish the epoch
        p0 = launch(party("model-owner", "l 127.0.0.1:0", ck0, "--checkpoint-every", "" + EVERY, "--resume",
                "--out", dir.resolve("resumed.zip").toString()), dir.resolve("b0.log"));
        port = "127.0.0.1:" + ListeningPort.of(dir.resolve("b0.log"), p0);
        p1 = launch(party("data-owner", "c " + port, ck1, "--checkpoint-every", "" + EVERY, "--resume"),
                dir.resolve("b1.log"));
        int exit0;
        int exit1;
        try {
            exit1 = Await.exit(p1);
            exit0 = Await.exit(p0);
        } finally {
            p0.destroyForcibly();
            p1.destroyForcibly();
        }
        String b0 = Files.readString(dir.resolve("b0.log"), StandardCharsets.UTF_8);
        String b1 = Files.readString(dir.resolve("b1.log"), StandardCharsets.UTF_8);
        assertEquals(0, exit0, b0);
        assertEquals(0, exit1, b1);
        Matcher resumed = Pattern.compile("resumed from checkpoint step (\\d+); training finished at step (\\d+)").matcher(b1);
        assertTrue(resumed.find(), b1);
        long from = Long.parseLong(resumed.group(1));
        // the newest step both held when the data owner died: step 4 or a later one that both had written
        assertTrue(from >= 4 && from % EVERY == 0 && from < STEPS, "resumed from " + from);
        assertTrue(before0.contains(String.format("checkpoint-%012d.zip", from))
                && before1.contains(String.format("checkpoint-%012d.zip", from)), before0 + " " + before1);
        // an uninterrupted run of 1 epoch over 384 images in batches of 32 has 12 steps; so does the resumed one
        assertEquals(STEPS, Integer.parseInt(resumed.group(2)), b1);
        assertTrue(b1.contains("DATA_OWNER: " + STEPS + " steps (resumed from checkpoint step " + from + ": "
                + (STEPS - from) + " steps in this run)"), b1);
        assertTrue(b0.contains("resumed from checkpoint step " + from + "; training finished at step " + STEPS), b0);
        assertTrue(b1.contains("test accuracy of the secure model on 100 images"), b1);
        assertTrue(b0.contains("saved to " + dir.resolve("resumed.zip")), b0);
        // the data owner's progress continues the epoch's step count where the checkpoint left it
        assertTrue(b1.contains("epoch 1 step " + (from + 1) + "/" + STEPS), b1);
        assertTrue(b1.contains("epoch 1 step " + STEPS + "/" + STEPS), b1);
        assertEquals(List.of(String.format("checkpoint-%012d.zip", STEPS - EVERY), String.format("checkpoint-%012d.zip",
                STEPS)), names(ck0), "the resumed run goes on checkpointing at the same steps");
        assertEquals(names(ck0), names(ck1));
        double resumedAt = (System.nanoTime() - t0) / 1e9;
        System.out.printf("resume: killed after %.1f s, resumed from step %d, finished after %.1f s in all%n", killedAt,
                from, resumedAt);

        // 3. misuse after connecting: both parties stop, each naming the cause; the checkpoints stay as they are
        Map<Path, byte[]> kept = snapshot(ck0, ck1);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path fresh0 = dir.resolve("fresh0");
        Path fresh1 = dir.resolve("fresh1");

        Run[] r = pair(party("model-owner", "l ", ck0, "--resume"), party("data-owner", "c ", fresh1));
        bothFail(r, "the MODEL_OWNER resumes from its checkpoints (--resume) but the DATA_OWNER starts a fresh run");

        r = pair(party("model-owner", "l ", fresh0, "--checkpoint-every", "2"),
                party("data-owner", "c ", fresh1, "--checkpoint-every", "3"));
        bothFail(r, "the parties checkpoint at different intervals");
        r = pair(party("model-owner", "l ", fresh0), party("data-owner", "c ", null));
        bothFail(r, "the parties checkpoint at different intervals");
        assertTrue(r[0].err().contains("never (no --checkpoint-dir)"), r[0].err());

        r = pair(party("model-owner", "l ", ck0, "--resume"), party("data-owner", "c ", empty, "--resume"));
        assertTrue(r[1].err().contains("checkpoint directory " + empty + " holds no checkpoint"), r[1].err());
        assertTrue(r[0].err().contains("the DATA_OWNER cannot start: it was given --resume but its checkpoint "
                + "directory holds no checkpoint"), r[0].err());
        Path missing = dir.resolve("missing");
        r = pair(party("model-owner", "l ", ck0, "--resume"), party("data-owner", "c ", missing, "--resume"));
        assertTrue(r[1].err().contains("checkpoint directory " + missing + " does not exist"), r[1].err());
        assertTrue(r[0].err().contains("the DATA_OWNER cannot start: it was given --resume but its checkpoint "
                + "directory does not exist"), r[0].err());

        // the model owner's directory given to the data owner
        r = pair(party("model-owner", "l ", ck0, "--resume"), party("data-owner", "c ", ck0, "--resume"));
        assertTrue(r[1].err().contains("holds the MODEL_OWNER's shares, but this party is the DATA_OWNER"), r[1].err());
        assertTrue(r[0].err().contains("its checkpoint directory holds the MODEL_OWNER's checkpoints"), r[0].err());

        // another model at both parties (the handshake passes: they agree with each other, not with the checkpoints)
        Path other = dir.resolve("mlp20.json");
        Files.writeString(other, Models.mlp(20, 0.01, 42).toJson());
        List<String> m = party("model-owner", "l ", ck0, "--resume");
        List<String> d = party("data-owner", "c ", ck1, "--resume");
        m.set(m.indexOf(smallMlp.toString()), other.toString());
        d.set(d.indexOf(smallMlp.toString()), other.toString());
        r = pair(m, d);
        assertTrue(r[0].err().contains("was written for another model or --frac-bits"), r[0].err());
        assertTrue(r[1].err().contains("was written for another model or --frac-bits"), r[1].err());

        // the data owner resumes with another batch size: its minibatches would not be the ones checkpointed
        d = party("data-owner", "c ", ck1, "--resume");
        d.set(d.indexOf(Integer.toString(BATCH)), "64");
        r = pair(party("model-owner", "l ", ck0, "--resume"), d);
        assertTrue(r[1].err().contains("written with --batch 32 on 384 training images, this run has --batch 64"),
                r[1].err());
        assertTrue(r[0].err().contains("the DATA_OWNER cannot start: the data owner's batch size or training data "
                + "differ"), r[0].err());

        // a fresh run into directories that hold checkpoints is refused rather than mixing or deleting them
        r = pair(party("model-owner", "l ", ck0), party("data-owner", "c ", ck1));
        assertTrue(r[0].err().contains("already holds checkpoints of an earlier run"), r[0].err());
        assertTrue(r[0].err().contains("give --resume to continue that run"), r[0].err());

        assertEquals(kept.keySet(), snapshot(ck0, ck1).keySet(), "no checkpoint was added or removed");
        for (Map.Entry<Path, byte[]> e : snapshot(ck0, ck1).entrySet()) {
            assertArrayEquals(kept.get(e.getKey()), e.getValue(), e.getKey() + " changed");
        }
    }

    @Test
    void checkpointOptionMisuseIsReportedWithExitCodeTwo() throws IOException {
        Run r = inProcess(party("data-owner", "c 127.0.0.1:1", null, "--resume"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--resume needs --checkpoint-dir"), r.err());

        r = inProcess(party("model-owner", "l 127.0.0.1:0", null, "--checkpoint-every", "5"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--checkpoint-every needs --checkpoint-dir"), r.err());

        r = inProcess(party("model-owner", "l 127.0.0.1:0", dir.resolve("ck-x"), "--checkpoint-every", "0"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--checkpoint-every must be at least 1, got 0"), r.err());

        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        r = inProcess(party("data-owner", "c 127.0.0.1:1", file, "--resume"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--checkpoint-dir " + file + " is a file, not a directory"), r.err());
    }

    /**
     * Both parties in this JVM (in-process launchers): the model owner listens on the port it binds (0, read back
     * from what it prints), the data owner connects there.
     */
    static Run[] pair(List<String> modelOwner, List<String> dataOwner) throws Exception {
        SecureTrainCliTest.Started mo = SecureTrainCliTest.start(withPort(modelOwner, "127.0.0.1:0"));
        String port = "127.0.0.1:" + mo.port();
        List<String> d = withPort(dataOwner, port);
        Run dr = inProcess(d);
        Run mr = mo.result();
        System.out.println("model owner: " + mr.err().strip() + "\n  data owner: " + dr.err().strip());
        // every case here fails after connecting: a failed run, exit code 1, at both parties
        assertEquals(1, mr.code(), "model owner: " + mr.err() + mr.out());
        assertEquals(1, dr.code(), "data owner: " + dr.err() + dr.out());
        return new Run[] {mr, dr};
    }

    private static List<String> withPort(List<String> args, String port) {
        List<String> a = new ArrayList<>(args);
        for (int i = 0; i < a.size(); i++) {
            if ((a.get(i).equals("--listen") || a.get(i).equals("--connect")) && a.get(i + 1).isEmpty()) {
                a.set(i + 1, port);
            }
        }
        return a;
    }

    static void bothFail(Run[] r, String message) {
        for (Run x : r) {
            assertEquals(1, x.code(), x.err());
            assertTrue(x.err().contains(message), x.err());
        }
    }

    static List<String> names(Path d) {
        return new CheckpointDirectory(d).list().stream().map(p -> p.getFileName().toString()).toList();
    }

    static Map<Path, byte[]> snapshot(Path... dirs) throws IOException {
        Map<Path, byte[]> m = new HashMap<>();
        for (Path d : dirs) {
            for (Path p : new CheckpointDirectory(d).list()) {
                m.put(p, Files.readAllBytes(p));
            }
        }
        return m;
    }
}
