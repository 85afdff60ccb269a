package org.securetrain.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.securetrain.dl4j.CheckpointException;
import org.securetrain.dl4j.Checkpoints;
import org.securetrain.dl4j.SecureCheckpoint;
import org.securetrain.runtime.Hex;
import org.securetrain.runtime.Role;

/**
 * One party's checkpoint directory as the launcher uses it: the local checks before a fresh or resumed run,
 * the run description written beside the checkpoints, and setting aside (never deleting) checkpoints that a
 * resume rolls back over.
 *
 * <p>A problem is reported twice: in full to this party (with paths), and as a peer-safe sentence (no local
 * paths) that {@link RunAgreement} sends to the peer, so both parties stop naming the cause.
 */
final class CheckpointDirectory {
    /** Written at a fresh start: what the resumed run must repeat so the data order and shares match. */
    static final String RUN_FILE = "securetrain-run.properties";
    /** Where checkpoints newer than the step a resume rolls back to are moved. */
    static final String SUPERSEDED = "superseded";

    private CheckpointDirectory() {
    }

    /** A local problem: the full message for this party and a sentence without local paths for the peer. */
    record Problem(String local, String forPeer) {
    }

    /**
     * What the run that wrote the checkpoints was, as far as the resumed run must match it. {@code trainDigest}
     * (SHA-256 of the data owner's training features and labels, hex; empty at the model owner) catches other
     * data of the same size, which would silently change the minibatches a resume skips and continues with.
     */
    record RunDescription(Role role, byte[] configHash, int batch, int trainExamples, String trainDigest) {
    }

    /** SHA-256 over the training set's features and labels (hex), or "" without one (the model owner). */
    static String digest(org.nd4j.linalg.dataset.DataSet trainOrNull) {
        if (trainOrNull == null) {
            return "";
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (org.nd4j.linalg.api.ndarray.INDArray a : new org.nd4j.linalg.api.ndarray.INDArray[] {
                    trainOrNull.getFeatures(), trainOrNull.getLabels()}) {
                // the buffer as it is in memory (no copy) unless the array is a view of a larger one
                org.nd4j.linalg.api.ndarray.INDArray c = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
                md.update(c.data().asNio());
                md.update(java.util.Arrays.toString(c.shape()).getBytes(StandardCharsets.UTF_8));
            }
            return Hex.of(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks {@code dir} before training. A fresh run needs a directory without checkpoints (created if missing):
     * checkpoints of an earlier run are never overwritten or mixed with new ones. A resumed run needs readable
     * checkpoints of this party, of this configuration, written with the same batch size and data size.
     *
     * @return null if the run can go ahead
     */
    static Problem check(Path dir, boolean resume, RunDescription now) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return new Problem("checkpoint directory " + dir + " is a file, not a directory",
                    "its checkpoint directory is not a directory");
        }
        if (!resume) {
            List<Path> old;
            try {
                old = Checkpoints.list(dir);
            } catch (CheckpointException e) {
                return new Problem(e.getMessage(), "its checkpoint directory is unreadable");
            }
            if (!old.isEmpty()) {
                return new Problem("checkpoint directory " + dir + " already holds checkpoints of an earlier run ("
                        + names(old) + "): give --resume to continue that run, or an empty or new directory",
                        "its checkpoint directory already holds checkpoints of an earlier run, and it was not given --resume");
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                return new Problem("cannot create checkpoint directory " + dir + ": " + e, "it cannot create its "
                        + "checkpoint directory");
            }
            if (!Files.isWritable(dir)) {
                return new Problem("checkpoint directory " + dir + " is not writable", "its checkpoint directory is "
                        + "not writable");
            }
            return null;
        }
        if (!Files.isDirectory(dir)) {
            return new Problem("--resume: checkpoint directory " + dir + " does not exist",
                    "it was given --resume but its checkpoint directory does not exist");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            return new Problem("--resume: checkpoint directory " + dir + " is not readable",
                    "it was given --resume but its checkpoint directory is not readable");
        }
        List<Path> files;
        try {
            files = Checkpoints.list(dir);
        } catch (CheckpointException e) {
            return new Problem("--resume: " + e.getMessage(), "its checkpoint directory is unreadable");
        }
        if (files.isEmpty()) {
            return new Problem("--resume: checkpoint directory " + dir + " holds no checkpoint (checkpoint-<step>.zip)",
                    "it was given --resume but its checkpoint directory holds no checkpoint");
        }
        for (Path f : files) {
            SecureCheckpoint c;
            try {
                c = SecureCheckpoint.read(f);
            } catch (CheckpointException e) {
                return new Problem("--resume: " + e.getMessage(), "one of its checkpoints is unreadable or damaged");
            }
            if (c.role() != now.role()) {
                return new Problem("--resume: checkpoint " + f + " holds the " + c.role() + "'s shares, but this party is "
                        + "the " + now.role() + " (wrong --checkpoint-dir?)", "its checkpoint directory holds the "
                        + c.role() + "'s checkpoints");
            }
            if (!MessageDigest.isEqual(c.configHash(), now.configHash())) {
                return new Problem("--resume: checkpoint " + f + " was written for another model or --frac-bits "
                        + "(configuration hash mismatch): resume with the --model, --lr and --frac-bits of the run that "
                        + "wrote it", "its checkpoints were written for another model or precision");
            }
        }
        RunDescription then;
        try {
            then = readRun(dir);
        } catch (IOException | RuntimeException e) {
            return new Problem("--resume: cannot read " + dir.resolve(RUN_FILE) + ": " + e.getMessage(),
                    "its run description (" + RUN_FILE + ") is unreadable");
        }
        if (then != null && then.role() != now.role()) {
            return new Problem("--resume: " + dir.resolve(RUN_FILE) + " describes the " + then.role() + "'s run, but this "
                    + "party is the " + now.role() + " (wrong --checkpoint-dir?)", "its checkpoint directory holds the "
                    + then.role() + "'s checkpoints");
        }
        if (then != null && now.role() == Role.DATA_OWNER
                && (then.batch() != now.batch() || then.trainExamples() != now.trainExamples())) {
            return new Problem("--resume: the checkpoints were written with --batch " + then.batch() + " on "
                    + then.trainExamples() + " training images, this run has --batch " + now.batch() + " on "
                    + now.trainExamples() + ": resume with the same batch size and data (the same minibatches in the "
                    + "same order)", "the data owner's batch size or training data differ from the run that wrote "
                    + "the checkpoints");
        }
        if (then != null && now.role() == Role.DATA_OWNER && !then.trainDigest().equals(now.trainDigest())) {
            return new Problem("--resume: the training data differ from those the checkpoints were written with (same "
                    + "size, different images or labels; SHA-256 " + shortHex(then.trainDigest()) + "... then, "
                    + shortHex(now.trainDigest()) + "... now): resume with the same --data and --limit",
                    "the data owner's training data differ from the run that wrote the checkpoints");
        }
        return null;
    }

    /** Records the run beside its checkpoints (a fresh start); replaced atomically. */
    static void writeRun(Path dir, RunDescription run) {
        Properties p = new Properties();
        p.setProperty("role", run.role().name());
        p.setProperty("configHash", Hex.of(run.configHash()));
        p.setProperty("batch", Integer.toString(run.batch()));
        p.setProperty("trainExamples", Integer.toString(run.trainExamples()));
        p.setProperty("trainDigest", run.trainDigest());
        Path tmp = dir.resolve(RUN_FILE + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "SecureTrain launcher: the run these checkpoints belong to (checked by --resume)");
            }
            Files.move(tmp, dir.resolve(RUN_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + dir.resolve(RUN_FILE) + ": " + e, e);
        }
    }

    /** The run description in {@code dir}, or null if there is none (checkpoints written by the API directly). */
    static RunDescription readRun(Path dir) throws IOException {
        Path f = dir.resolve(RUN_FILE);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return new RunDescription(Role.valueOf(p.getProperty("role")), Hex.parse(p.getProperty("configHash")),
                    Integer.parseInt(p.getProperty("batch")), Integer.parseInt(p.getProperty("trainExamples")),
                    p.getProperty("trainDigest", ""));
        } catch (RuntimeException e) {
            throw new IOException("malformed " + RUN_FILE + " (" + e + ")", e);
        }
    }

    /**
     * After a resume from {@code step}: moves this party's checkpoints of later steps (the peer lacks them, so
     * they belong to the abandoned timeline) into {@value #SUPERSEDED}/, so that a later resume cannot pair them
     * with the peer's new checkpoints of the same step. They are kept, not deleted.
     *
     * @return the files moved
     */
    static List<Path> setAsideNewerThan(Path dir, long step) {
        List<Path> moved = new ArrayList<>();
        for (Path f : Checkpoints.list(dir)) {
            if (stepOf(f) > step) {
                try {
                    Path aside = Files.createDirectories(dir.resolve(SUPERSEDED));
                    Path target = aside.resolve(f.getFileName() + "." + System.currentTimeMillis());
                    Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
                    moved.add(target);
                } catch (IOException e) {
                    throw new CheckpointException("cannot move the superseded checkpoint " + f + " aside: " + e, e);
                }
            }
        }
        return moved;
    }

    static long stepOf(Path checkpointFile) {
        String n = checkpointFile.getFileName().toString();
        return Long.parseLong(n.substring("checkpoint-".length(), n.length() - ".zip".length()));
    }

    private static String shortHex(String hex) {
        return hex.length() <= 12 ? hex : hex.substring(0, 12);
    }

    private static String names(List<Path> files) {
        List<String> s = new ArrayList<>();
        for (Path f : files) {
            s.add(f.getFileName().toString());
        }
        return String.join(", ", s);
    }
}
