package org.securetrain.dl4j.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.securetrain.runtime.Role;

/**
 * One party's checkpoint directory, the one model of its layout used by the plugin and the launcher:
 * <ul>
 *   <li>{@code checkpoint-<step>.zip}: a {@link SecureCheckpoint}, the step zero-padded to 12 digits so names
 *   sort by step; the newest {@link #KEEP} are kept;</li>
 *   <li>{@code checkpoint-<step>.zip.tmp}: a write in progress (or torn by a crash); never read;</li>
 *   <li>{@value #SUPERSEDED}/: checkpoints a resume rolled back over, set aside rather than deleted.</li>
 * </ul>
 * Other files (e.g. the launcher's run description) are left alone.
 *
 * <p>A checkpoint is written to its temporary name, forced to disk and renamed atomically, so a crash
 * mid-write leaves the previous checkpoints intact.
 */
public final class CheckpointDirectory {
    /** Checkpoints kept per party: two, so that a common step survives a crash during a write. */
    public static final int KEEP = 2;
    /** The sub-directory that receives the checkpoints a resume rolls back over. */
    public static final String SUPERSEDED = "superseded";

    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,19})\\.zip");

    private final Path path;

    public CheckpointDirectory(Path path) {
        this.path = Objects.requireNonNull(path, "checkpoint directory");
    }

    public Path path() {
        return path;
    }

    /** The file name of the checkpoint of {@code step}. */
    public Path fileFor(long step) {
        return path.resolve(String.format("checkpoint-%012d.zip", step));
    }

    /** The step in a checkpoint file's name. */
    public static long stepOf(Path checkpointFile) {
        Matcher m = NAME.matcher(checkpointFile.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpointFile + " is not named checkpoint-<step>.zip");
        }
        return Long.parseLong(m.group(1));
    }

    /** The checkpoint files, oldest step first (names only; nothing is read or verified); none if no directory. */
    public List<Path> list() {
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(path)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointDirectory::stepOf)).toList();
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Reason.IO, null,
                    "cannot list checkpoint directory " + path + ": " + e, e);
        }
    }

    /**
     * Writes {@code c} atomically as the checkpoint of its step (replacing one of the same step), then deletes
     * all but the newest {@link #KEEP}.
     *
     * @return the file written
     */
    public Path write(SecureCheckpoint c) {
        Path target = fileFor(c.step());
        Path tmp = path.resolve(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(path);
            try (FileChannel fc = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(fc);
                c.writeTo(out);
                out.flush();
                fc.force(true); // on disk before the rename makes it the checkpoint
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new CheckpointException(CheckpointException.Reason.IO, target, "checkpoint directory " + path
                        + " does not support atomic rename; a crash could destroy a checkpoint, so it is refused", e);
            }
            List<Path> all = list();
            for (int i = 0; i + KEEP < all.size(); i++) {
                Files.deleteIfExists(all.get(i));
            }
            return target;
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Reason.IO, target,
                    "cannot write checkpoint " + target + ": " + e, e);
        }
    }

    /**
     * One checkpoint file as a resume finds it: read and checked ({@code checkpoint} set), or unreadable or damaged
     * ({@code damage} set). A damaged file matters only if it is the one the resume needs.
     */
    public record Found(Path file, long step, SecureCheckpoint checkpoint, CheckpointException damage) {
        public boolean usable() {
            return checkpoint != null;
        }
    }

    /**
     * This party's checkpoints, oldest first, each read: a file that cannot be read, is damaged or holds another
     * step than its name says is reported as {@link Found#damage()}, not thrown, so that a resume fails only if it
     * needs that file. A readable file of another party or configuration means a wrong directory or model and
     * is thrown.
     *
     * @throws CheckpointException for a file holding the other party's shares or another configuration's
     */
    public List<Found> survey(Role role, byte[] configHash) {
        List<Found> out = new ArrayList<>();
        for (Path p : list()) {
            SecureCheckpoint c;
            try {
                c = SecureCheckpoint.read(p);
            } catch (CheckpointException e) {
                out.add(new Found(p, stepOf(p), null, e));
                continue;
            }
            checkOwner(p, c, role, configHash);
            if (c.step() != stepOf(p)) {
                out.add(new Found(p, stepOf(p), null, new CheckpointException(CheckpointException.Reason.DAMAGED, p,
                        "checkpoint " + p + " holds step " + c.step() + ", not the step in its name")));
                continue;
            }
            out.add(new Found(p, c.step(), c, null));
        }
        return out;
    }

    private static void checkOwner(Path p, SecureCheckpoint c, Role role, byte[] configHash) {
        if (c.role() != role) {
            throw new CheckpointException(CheckpointException.Reason.OTHER_PARTY, p, "checkpoint " + p
                    + " holds the " + c.role() + "'s shares, but this party is the " + role);
        }
        if (!MessageDigest.isEqual(c.configHash(), configHash)) {
            throw new CheckpointException(CheckpointException.Reason.OTHER_CONFIGURATION, p, "checkpoint " + p
                    + " was written for another configuration or precision (f = " + c.fracBits()
                    + "): configuration hash mismatch");
        }
    }

    /**
     * This party's checkpoints, oldest first, each fully read and checked: readable and undamaged, holding
     * {@code role}'s shares, of the configuration with hash {@code configHash}, and of the step in its name.
     * Possibly empty.
     *
     * @throws CheckpointException naming the first file that fails, with the reason
     */
    public List<SecureCheckpoint> readAll(Role role, byte[] configHash) {
        List<SecureCheckpoint> out = new ArrayList<>();
        for (Path p : list()) {
            SecureCheckpoint c = SecureCheckpoint.read(p);
            checkOwner(p, c, role, configHash);
            if (c.step() != stepOf(p)) {
                throw new CheckpointException(CheckpointException.Reason.DAMAGED, p, "checkpoint " + p + " holds step "
                        + c.step() + ", not the step in its name");
            }
            out.add(c);
        }
        return out;
    }

    /**
     * After a resume from {@code step}: moves the checkpoints of later steps (the peer lacks them, so they
     * belong to the abandoned timeline) into {@value #SUPERSEDED}/, so that a later resume cannot pair them
     * with the peer's new checkpoints of the same step. They are kept, not deleted.
     *
     * @return the files' new paths
     */
    public List<Path> setAsideNewerThan(long step) {
        List<Path> moved = new ArrayList<>();
        for (Path f : list()) {
            if (stepOf(f) > step) {
                try {
                    Path aside = Files.createDirectories(path.resolve(SUPERSEDED));
                    Path target = aside.resolve(f.getFileName() + "." + System.currentTimeMillis());
                    Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
                    moved.add(target);
                } catch (IOException e) {
                    throw new CheckpointException(CheckpointException.Reason.IO, f,
                            "cannot move the superseded checkpoint " + f + " aside: " + e, e);
                }
            }
        }
        return moved;
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
