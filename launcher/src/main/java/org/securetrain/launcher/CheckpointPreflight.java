package org.securetrain.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.securetrain.dl4j.checkpoint.CheckpointDirectory;
import org.securetrain.dl4j.checkpoint.CheckpointException;
import org.securetrain.runtime.Role;

/**
 * The launcher's checks of one party's checkpoint directory before a fresh or resumed run, worded in terms of
 * its options. The directory itself (file names, listing, verified reading) is {@link CheckpointDirectory}'s.
 *
 * <p>A problem is reported twice: in full to this party (with paths), and as a peer-safe sentence (no local
 * paths) that {@link RunAgreement} sends to the peer, so both parties stop naming the cause.
 */
final class CheckpointPreflight {
    private CheckpointPreflight() {
    }

    /** A local problem: the full message for this party and a sentence without local paths for the peer. */
    record Problem(String local, String forPeer) {
    }

    /**
     * Checks {@code dir} before training. A fresh run needs a directory without checkpoints (created if missing):
     * checkpoints of an earlier run are never overwritten or mixed with new ones. A resumed run needs readable
     * checkpoints of this party, of this configuration, written with the same batch size and data size. Whether
     * a checkpoint file is damaged matters only for the one the resume will use, which the parties choose
     * together ({@link org.securetrain.dl4j.checkpoint.Checkpoints#resume}): a damaged file is not a problem here.
     *
     * @return null if the run can go ahead
     */
    static Problem check(Path dir, boolean resume, RunDescription now) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return new Problem("checkpoint directory " + dir + " is a file, not a directory",
                    "its checkpoint directory is not a directory");
        }
        return resume ? checkResume(new CheckpointDirectory(dir), now) : checkFresh(new CheckpointDirectory(dir));
    }

    private static Problem checkFresh(CheckpointDirectory dir) {
        List<Path> old;
        try {
            old = dir.list();
        } catch (CheckpointException e) {
            return new Problem(e.getMessage(), "its checkpoint directory is unreadable");
        }
        if (!old.isEmpty()) {
            return new Problem("checkpoint directory " + dir + " already holds checkpoints of an earlier run ("
                    + names(old) + "): give --resume to continue that run, or an empty or new directory",
                    "its checkpoint directory already holds checkpoints of an earlier run, and it was not given "
                            + "--resume");
        }
        try {
            Files.createDirectories(dir.path());
        } catch (IOException e) {
            return new Problem("cannot create checkpoint directory " + dir + ": " + e, "it cannot create its "
                    + "checkpoint directory");
        }
        if (!Files.isWritable(dir.path())) {
            return new Problem("checkpoint directory " + dir + " is not writable", "its checkpoint directory is "
                    + "not writable");
        }
        return null;
    }

    private static Problem checkResume(CheckpointDirectory dir, RunDescription now) {
        if (!Files.isDirectory(dir.path())) {
            return new Problem("--resume: checkpoint directory " + dir + " does not exist",
                    "it was given --resume but its checkpoint directory does not exist");
        }
        if (!Files.isReadable(dir.path()) || !Files.isExecutable(dir.path())) {
            return new Problem("--resume: checkpoint directory " + dir + " is not readable",
                    "it was given --resume but its checkpoint directory is not readable");
        }
        try {
            if (dir.list().isEmpty()) {
                return new Problem("--resume: checkpoint directory " + dir + " holds no checkpoint "
                        + "(checkpoint-<step>.zip)", "it was given --resume but its checkpoint directory holds no "
                        + "checkpoint");
            }
            dir.survey(now.role(), now.configHash()); // a foreign file is a problem; a damaged one is judged later
        } catch (CheckpointException e) {
            return unusable(e, now.role());
        }
        RunDescription then;
        try {
            then = RunDescription.readFrom(dir.path());
        } catch (IOException | RuntimeException e) {
            return new Problem("--resume: cannot read " + dir.path().resolve(RunDescription.FILE) + ": "
                    + e.getMessage(), "its run description (" + RunDescription.FILE + ") is unreadable");
        }
        if (then == null) {
            return null;
        }
        if (then.role() != now.role()) {
            return new Problem("--resume: " + dir.path().resolve(RunDescription.FILE) + " describes the " + then.role()
                    + "'s run, but this party is the " + now.role() + " (wrong --checkpoint-dir?)", "its checkpoint "
                    + "directory holds the " + then.role() + "'s checkpoints");
        }
        if (now.role() == Role.DATA_OWNER
                && (then.batch() != now.batch() || then.trainExamples() != now.trainExamples())) {
            return new Problem("--resume: the checkpoints were written with --batch " + then.batch() + " on "
                    + then.trainExamples() + " training images, this run has --batch " + now.batch() + " on "
                    + now.trainExamples() + ": resume with the same batch size and data (the same minibatches in the "
                    + "same order)", "the data owner's batch size or training data differ from the run that wrote "
                    + "the checkpoints");
        }
        if (now.role() == Role.DATA_OWNER && !then.trainDigest().equals(now.trainDigest())) {
            return new Problem("--resume: the training data differ from those the checkpoints were written with (same "
                    + "size, different images or labels; SHA-256 " + shortHex(then.trainDigest()) + "... then, "
                    + shortHex(now.trainDigest()) + "... now): resume with the same --data and --limit",
                    "the data owner's training data differ from the run that wrote the checkpoints");
        }
        return null;
    }

    /** A checkpoint that cannot be resumed from, in the launcher's terms. */
    private static Problem unusable(CheckpointException e, Role me) {
        return switch (e.reason()) {
            case OTHER_PARTY -> new Problem("--resume: " + e.getMessage() + " (wrong --checkpoint-dir?)",
                    "its checkpoint directory holds the " + me.peer() + "'s checkpoints");
            case OTHER_CONFIGURATION -> new Problem("--resume: checkpoint " + e.file() + " was written for another "
                    + "model or --frac-bits (configuration hash mismatch): resume with the --model, --lr and "
                    + "--frac-bits of the run that wrote it", "its checkpoints were written for another model or "
                    + "precision");
            case IO -> new Problem("--resume: " + e.getMessage(), "its checkpoint directory is unreadable");
            default -> new Problem("--resume: " + e.getMessage(), "one of its checkpoints is unreadable or damaged");
        };
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
