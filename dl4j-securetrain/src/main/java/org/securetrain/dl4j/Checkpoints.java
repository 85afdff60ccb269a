package org.securetrain.dl4j;

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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TrafficStats;

/**
 * Checkpoint and resume of two-party training (DESIGN.md 4.7).
 *
 * <p><b>Writing.</b> Each party writes its own checkpoints into its own directory as
 * {@code checkpoint-<step>.zip} (see {@link SecureCheckpoint} for the content), at the same steps as the peer
 * (both use the same {@code everyN}). A file is written to a temporary name, forced to disk and renamed
 * atomically, so a crash mid-write leaves the previous checkpoints intact; the newest {@link #KEEP} are kept.
 *
 * <p><b>Resuming: the common-step rule.</b> The parties exchange the steps (and configuration hashes) of the
 * checkpoints they hold and both load the <em>newest step that both hold</em>. A crash can interrupt at most
 * one party's write of one checkpoint, so the parties' newest checkpoints differ by at most one interval, and
 * keeping two per party always leaves a common step (one party has 40 and 30, the other only 30 and 20: both
 * roll back to 30). If there is none (different intervals, deleted files), resume fails naming both parties'
 * steps. Differing configuration hashes, or a common step with a different epoch/batch position, fail too.
 *
 * <p><b>Data order.</b> The data owner's iterator is rewound to the checkpoint's batch position by drawing and
 * discarding the epoch's first batches, so it must yield the same batches in the same order as in the run
 * that wrote the checkpoint: no shuffling, or a shuffle seeded per epoch. The model owner passes null, as
 * always.
 */
public final class Checkpoints {
    /** Checkpoints kept per party: two, so that a common step survives a crash during a write. */
    public static final int KEEP = 2;
    /** The session channel on which the parties agree on the step to resume from. */
    public static final String CHANNEL = "securetrain.checkpoint";

    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,19})\\.zip");

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
        if (!(sharedIterator instanceof SharedDataSetIterator it)) {
            throw new IllegalArgumentException("checkpoint: pass the shared iterator fit runs on (ctx.sharedIterator)");
        }
        if (ctx.role() == null) {
            throw new IllegalArgumentException("checkpoint: the insecure single-process reference has no party role");
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        SecureCheckpoint c = new SecureCheckpoint(null, ctx.role(), conf.getIterationCount(), conf.getEpochCount(),
                it.batchesThisEpoch(), conf.toJson(), SecureTrain.exportState(net));
        return write(c, dir);
    }

    static Path write(SecureCheckpoint c, Path dir) {
        Path target = dir.resolve(String.format("checkpoint-%012d.zip", c.step()));
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
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
                throw new CheckpointException("checkpoint directory " + dir + " does not support atomic rename; "
                        + "a crash could destroy a checkpoint, so it is refused", e);
            }
            List<Path> all = list(dir);
            for (int i = 0; i + KEEP < all.size(); i++) {
                Files.deleteIfExists(all.get(i));
            }
            return target;
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + target + ": " + e, e);
        }
    }

    /** The checkpoint files in {@code dir}, oldest step first (names only; nothing is read or verified). */
    public static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
        } catch (IOException e) {
            throw new CheckpointException("cannot list checkpoint directory " + dir + ": " + e, e);
        }
    }

    private static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(p.toString());
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * A listener that writes a checkpoint after every {@code everyN}-th completed iteration (step % everyN == 0).
     * Both parties must use the same {@code everyN}.
     */
    public static TrainingListener listener(SecurePartyContext ctx, DataSetIterator sharedIterator, Path dir,
            int everyN) {
        if (everyN < 1) {
            throw new IllegalArgumentException("checkpoint interval must be >= 1, got " + everyN);
        }
        if (!(sharedIterator instanceof SharedDataSetIterator)) {
            throw new IllegalArgumentException("checkpoint listener: pass the shared iterator fit runs on");
        }
        return new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                // DL4J passes the index of the iteration just completed; its count is incremented after this call
                long step = iteration + 1L;
                if (step % everyN == 0) {
                    MultiLayerNetwork net = (MultiLayerNetwork) model;
                    int before = net.getLayerWiseConfigurations().getIterationCount();
                    net.getLayerWiseConfigurations().setIterationCount((int) step);
                    try {
                        save(net, ctx, sharedIterator, dir);
                    } finally {
                        net.getLayerWiseConfigurations().setIterationCount(before);
                    }
                }
            }
        };
    }

    /**
     * Both parties call this after a crash, with new sessions: agrees with the peer on the newest common step
     * (see the class comment), loads this party's checkpoint of that step into a new secure network and
     * positions a new shared iterator at the checkpoint's batch. The data owner passes its data iterator (the
     * same data in the same order), the model owner null.
     *
     * @throws CheckpointException naming the file (unreadable/damaged checkpoint, another party's or
     *         configuration's checkpoint) or both parties' steps (no common step)
     */
    public static ResumedTraining resume(MultiLayerConfiguration conf, SecurePartyContext ctx, Path dir,
            DataSetIterator dataOwnersIteratorOrNull) {
        Session session = ctx.session();
        if (session == null) {
            throw new IllegalArgumentException("resume needs a two-party context with a session");
        }
        byte[] hash = SecureTrain.configHash(conf, ctx.fracBits());
        List<SecureCheckpoint> mine;
        try {
            mine = readAll(dir, ctx.role(), hash);
        } catch (RuntimeException e) {
            // the message may name local paths: the peer learns only that this party cannot resume
            session.abort("party " + ctx.role() + " cannot resume: its checkpoints are unusable ("
                    + e.getClass().getSimpleName() + ")");
            throw e;
        }
        long[] myList = describe(hash, mine);
        Channel ch = session.channel(CHANNEL);
        long[] theirs;
        try (TrafficStats.Scope s = ch.step("dl4j.checkpoint")) {
            ch.sendLongs(myList);
            theirs = ch.receiveLongs();
        }
        String peer = ctx.role().peer().toString();
        if (theirs.length < 5 || (theirs.length - 5) % 3 != 0 || theirs[4] != (theirs.length - 5) / 3) {
            throw new CheckpointException("malformed checkpoint list from the " + peer);
        }
        long[] theirHash = Arrays.copyOf(theirs, 4);
        if (!Arrays.equals(theirHash, Arrays.copyOf(myList, 4))) {
            throw new CheckpointException("the " + peer + " resumes a different configuration (configuration hash "
                    + "mismatch): both parties must resume with the configuration the checkpoints were written with");
        }
        SecureCheckpoint chosen = null;
        for (int i = mine.size() - 1; i >= 0 && chosen == null; i--) {
            SecureCheckpoint c = mine.get(i);
            for (int j = 0; j < theirs[4]; j++) {
                if (theirs[5 + 3 * j] == c.step()) {
                    if (theirs[6 + 3 * j] != c.epoch() || theirs[7 + 3 * j] != c.batchInEpoch()) {
                        throw new CheckpointException("step " + c.step() + ": this party (" + ctx.role() + ") is at "
                                + "epoch " + c.epoch() + " batch " + c.batchInEpoch() + ", the " + peer + " at epoch "
                                + theirs[6 + 3 * j] + " batch " + theirs[7 + 3 * j]
                                + ": the checkpoints come from different runs");
                    }
                    chosen = c;
                    break;
                }
            }
        }
        if (chosen == null) {
            throw new CheckpointException("no common checkpoint step: this party (" + ctx.role() + ") has steps "
                    + steps(myList) + (mine.isEmpty() ? " (no checkpoint in " + dir + ")" : "") + ", the " + peer + " has steps " + steps(theirs)
                    + " (both parties must checkpoint at the same interval; each keeps the last " + KEEP + ")");
        }
        MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
        SecureTrain.reattach(net, ctx, chosen.state());
        net.getLayerWiseConfigurations().setIterationCount((int) chosen.step());
        int epoch = chosen.epoch();
        SharedDataSetIterator it = (SharedDataSetIterator) ctx.sharedIterator(dataOwnersIteratorOrNull);
        boolean exhausted = it.skipForResume(chosen.batchInEpoch());
        if (exhausted) {
            epoch++; // the checkpoint was taken after the epoch's last batch: the epoch is complete
        }
        net.getLayerWiseConfigurations().setEpochCount(epoch);
        return new ResumedTraining(net, it, chosen, epoch);
    }

    /** This party's checkpoints, oldest first, each fully read and checked against role and configuration. */
    private static List<SecureCheckpoint> readAll(Path dir, Role role, byte[] hash) {
        List<SecureCheckpoint> out = new ArrayList<>();
        for (Path p : list(dir)) {
            SecureCheckpoint c = SecureCheckpoint.read(p);
            if (c.role() != role) {
                throw new CheckpointException("checkpoint " + p + " holds the " + c.role() + "'s shares, but this "
                        + "party is the " + role);
            }
            if (!MessageDigest.isEqual(c.configHash(), hash)) {
                throw new CheckpointException("checkpoint " + p + " was written for another configuration or "
                        + "precision (f = " + c.fracBits() + "): configuration hash mismatch");
            }
            if (c.step() != stepOf(p)) {
                throw new CheckpointException("checkpoint " + p + " holds step " + c.step() + ", not the step in its name");
            }
            out.add(c);
        }
        return out; // possibly empty: the exchange then fails naming both parties' steps
    }

    /** [hash as 4 longs, count, (step, epoch, batch)...]. */
    private static long[] describe(byte[] hash, List<SecureCheckpoint> cs) {
        long[] m = new long[5 + 3 * cs.size()];
        java.nio.ByteBuffer.wrap(hash).asLongBuffer().get(m, 0, 4);
        m[4] = cs.size();
        for (int i = 0; i < cs.size(); i++) {
            m[5 + 3 * i] = cs.get(i).step();
            m[6 + 3 * i] = cs.get(i).epoch();
            m[7 + 3 * i] = cs.get(i).batchInEpoch();
        }
        return m;
    }

    private static String steps(long[] list) {
        List<Long> s = new ArrayList<>();
        for (int j = 0; j < list[4]; j++) {
            s.add(list[5 + 3 * j]);
        }
        return s.toString();
    }
}
