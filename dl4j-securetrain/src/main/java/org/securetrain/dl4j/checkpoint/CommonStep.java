package org.securetrain.dl4j.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.securetrain.runtime.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TrafficStats;

/**
 * The resume exchange: both parties send the configuration hash and (step, epoch, batch position) of each
 * checkpoint they hold, then both pick the newest step both hold. A crash can interrupt at most one party's
 * write of one checkpoint, so the parties' newest checkpoints differ by at most one interval, and keeping
 * {@link CheckpointDirectory#KEEP} = 2 per party always leaves a common step (one party has 40 and 30, the
 * other only 30 and 20: both roll back to 30). No common step, differing hashes, or a common step at a
 * different epoch/batch position fail at both parties naming both views.
 *
 * <p>Only the checkpoint of the chosen step must be usable: a file that is unreadable or damaged is listed with
 * epoch and batch -1, so both parties still choose the same step; if it is the chosen one, both fail (this
 * party naming the file, the peer naming the party and the step), otherwise it is left in place with a warning.
 */
final class CommonStep {
    private static final Logger LOG = LoggerFactory.getLogger(CommonStep.class);
    /** Epoch and batch sent for a checkpoint file this party cannot read. */
    private static final long UNREADABLE = -1;
    /** The session channel of the exchange. */
    static final String CHANNEL = "securetrain.checkpoint";

    private CommonStep() {
    }

    /**
     * @param mine this party's checkpoint files, oldest first, usable or damaged (possibly none: the exchange then
     *             fails naming both parties' steps)
     * @return this party's checkpoint of the newest common step
     */
    static SecureCheckpoint agree(Session session, Role me, byte[] hash, List<CheckpointDirectory.Found> mine,
            Path dir) {
        long[] myList = describe(hash, mine);
        Channel ch = session.channel(CHANNEL);
        long[] theirs;
        try (TrafficStats.Scope s = ch.step("dl4j.checkpoint")) {
            ch.sendLongs(myList);
            theirs = ch.receiveLongs();
        }
        String peer = me.peer().toString();
        if (theirs.length < 5 || (theirs.length - 5) % 3 != 0 || theirs[4] != (theirs.length - 5) / 3) {
            throw notAgreed("malformed checkpoint list from the " + peer);
        }
        if (!Arrays.equals(Arrays.copyOf(theirs, 4), Arrays.copyOf(myList, 4))) {
            throw notAgreed("the " + peer + " resumes a different configuration (configuration hash mismatch): both "
                    + "parties must resume with the configuration the checkpoints were written with");
        }
        for (int i = mine.size() - 1; i >= 0; i--) {
            CheckpointDirectory.Found f = mine.get(i);
            for (int j = 0; j < theirs[4]; j++) {
                if (theirs[5 + 3 * j] != f.step()) {
                    continue;
                }
                long step = f.step();
                if (!f.usable()) {
                    throw new CheckpointException(CheckpointException.Reason.DAMAGED, f.file(), "checkpoint " + f.file()
                            + " of step " + step + ", the newest step both parties hold, is unusable: "
                            + f.damage().getMessage() + olderCommon(mine, theirs, i));
                }
                if (theirs[6 + 3 * j] == UNREADABLE) {
                    throw notAgreed("the " + peer + " cannot resume: its checkpoint of step " + step + ", the newest "
                            + "step both parties hold, is unreadable or damaged" + olderCommon(mine, theirs, i));
                }
                SecureCheckpoint c = f.checkpoint();
                if (theirs[6 + 3 * j] != c.epoch() || theirs[7 + 3 * j] != c.batchInEpoch()) {
                    throw notAgreed("step " + c.step() + ": this party (" + me + ") is at epoch " + c.epoch()
                            + " batch " + c.batchInEpoch() + ", the " + peer + " at epoch " + theirs[6 + 3 * j]
                            + " batch " + theirs[7 + 3 * j] + ": the checkpoints come from different runs");
                }
                for (CheckpointDirectory.Found other : mine) {
                    if (!other.usable() && other.step() < step) {
                        LOG.warn("{}; resuming from step {} does not need it, so it is left in place",
                                other.damage().getMessage(), step);
                    }
                }
                return c;
            }
        }
        throw notAgreed("no common checkpoint step: this party (" + me + ") has steps " + steps(myList)
                + (mine.isEmpty() ? " (no checkpoint in " + dir + ")" : "") + ", the " + peer + " has steps "
                + steps(theirs) + " (both parties must checkpoint at the same interval; each keeps the last "
                + CheckpointDirectory.KEEP + ")");
    }

    /** "; ... step N is the newest older step both hold", if there is one: the way out of a damaged newest file. */
    private static String olderCommon(List<CheckpointDirectory.Found> mine, long[] theirs, int below) {
        for (int i = below - 1; i >= 0; i--) {
            for (int j = 0; j < theirs[4]; j++) {
                if (theirs[5 + 3 * j] == mine.get(i).step()) {
                    return " (to resume from step " + mine.get(i).step() + ", the older step both hold, both parties"
                            + " move their checkpoints of step " + mine.get(below).step() + " aside)";
                }
            }
        }
        return "";
    }

    /** [hash as 4 longs, count, (step, epoch, batch)...]; epoch and batch -1 for an unusable file. */
    private static long[] describe(byte[] hash, List<CheckpointDirectory.Found> cs) {
        long[] m = new long[5 + 3 * cs.size()];
        ByteBuffer.wrap(hash).asLongBuffer().get(m, 0, 4);
        m[4] = cs.size();
        for (int i = 0; i < cs.size(); i++) {
            CheckpointDirectory.Found f = cs.get(i);
            m[5 + 3 * i] = f.step();
            m[6 + 3 * i] = f.usable() ? f.checkpoint().epoch() : UNREADABLE;
            m[7 + 3 * i] = f.usable() ? f.checkpoint().batchInEpoch() : UNREADABLE;
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

    private static CheckpointException notAgreed(String message) {
        return new CheckpointException(CheckpointException.Reason.NOT_AGREED, null, message);
    }
}
