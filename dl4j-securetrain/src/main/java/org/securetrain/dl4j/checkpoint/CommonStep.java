package org.securetrain.dl4j.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.securetrain.runtime.Channel;
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
 */
final class CommonStep {
    /** The session channel of the exchange. */
    static final String CHANNEL = "securetrain.checkpoint";

    private CommonStep() {
    }

    /**
     * @param mine this party's verified checkpoints, oldest first (possibly none: the exchange then fails
     *             naming both parties' steps)
     * @return this party's checkpoint of the newest common step
     */
    static SecureCheckpoint agree(Session session, Role me, byte[] hash, List<SecureCheckpoint> mine, Path dir) {
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
            SecureCheckpoint c = mine.get(i);
            for (int j = 0; j < theirs[4]; j++) {
                if (theirs[5 + 3 * j] == c.step()) {
                    if (theirs[6 + 3 * j] != c.epoch() || theirs[7 + 3 * j] != c.batchInEpoch()) {
                        throw notAgreed("step " + c.step() + ": this party (" + me + ") is at epoch " + c.epoch()
                                + " batch " + c.batchInEpoch() + ", the " + peer + " at epoch " + theirs[6 + 3 * j]
                                + " batch " + theirs[7 + 3 * j] + ": the checkpoints come from different runs");
                    }
                    return c;
                }
            }
        }
        throw notAgreed("no common checkpoint step: this party (" + me + ") has steps " + steps(myList)
                + (mine.isEmpty() ? " (no checkpoint in " + dir + ")" : "") + ", the " + peer + " has steps "
                + steps(theirs) + " (both parties must checkpoint at the same interval; each keeps the last "
                + CheckpointDirectory.KEEP + ")");
    }

    /** [hash as 4 longs, count, (step, epoch, batch)...]. */
    private static long[] describe(byte[] hash, List<SecureCheckpoint> cs) {
        long[] m = new long[5 + 3 * cs.size()];
        ByteBuffer.wrap(hash).asLongBuffer().get(m, 0, 4);
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

    private static CheckpointException notAgreed(String message) {
        return new CheckpointException(CheckpointException.Reason.NOT_AGREED, null, message);
    }
}
