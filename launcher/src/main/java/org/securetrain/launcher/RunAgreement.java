package org.securetrain.launcher;

import java.nio.charset.StandardCharsets;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TrafficStats;

/**
 * The first exchange of a training session: both parties send what they are about to do (epochs, checkpoint
 * interval, fresh start or resume, minibatch size) and any local problem (e.g. an empty checkpoint directory, no
 * training data), then both compare.
 * A mismatch fails at both parties with the same message naming both values, before any secure computation; the
 * configuration itself is already bound by the session's configuration hash.
 *
 * <p>Why explicit: checkpoints at different intervals leave no common step to resume from, and one party resuming
 * while the other starts fresh would otherwise wait on messages the other never sends.
 */
final class RunAgreement {
    static final String CHANNEL = "securetrain.cli.plan";
    private static final long MAGIC = 0x5354504c414e0002L; // "STPLAN", version 2

    private RunAgreement() {
    }

    /**
     * What one party intends: {@code checkpointEvery} 0 means no checkpoints; {@code batch} is the data owner's
     * minibatch size, or at the model owner the size it expects (0: no expectation, it takes the data owner's).
     */
    record Plan(int epochs, int checkpointEvery, boolean resume, int batch) {
    }

    /**
     * Sends this party's plan and problem (null if none; sent without local paths) and checks the peer's.
     *
     * @throws IllegalStateException naming the cause at both parties: a problem at either, or differing plans
     */
    static void agree(Session s, Plan mine, CheckpointPreflight.Problem problemOrNull) {
        Channel ch = s.channel(CHANNEL);
        long[] theirs;
        byte[] theirProblem;
        try (TrafficStats.Scope scope = ch.step("cli.plan")) {
            ch.sendLongs(new long[] {MAGIC, mine.epochs(), mine.checkpointEvery(), mine.resume() ? 1 : 0,
                    mine.batch()});
            ch.send(problemOrNull == null ? new byte[0] : problemOrNull.forPeer().getBytes(StandardCharsets.UTF_8));
            theirs = ch.receiveLongs();
            theirProblem = ch.receive();
        }
        Role me = s.role();
        String peer = me.peer().toString();
        if (theirs.length != 5 || theirs[0] != MAGIC || (theirs[3] & ~1L) != 0 || theirs[4] < 0) {
            throw new IllegalStateException("the " + peer + " runs an incompatible launcher version (malformed run plan)");
        }
        boolean theyResume = theirs[3] == 1;
        if (theyResume != mine.resume()) {
            Role resuming = mine.resume() ? me : me.peer();
            throw new IllegalStateException("the " + resuming + " resumes from its checkpoints (--resume) but the "
                    + resuming.peer() + " starts a fresh run: give --resume to both parties, or to neither");
        }
        if (theirs[2] != mine.checkpointEvery()) {
            throw new IllegalStateException("the parties checkpoint at different intervals: " + me + " "
                    + every(mine.checkpointEvery()) + ", " + peer + " " + every(theirs[2]) + " (--checkpoint-dir and "
                    + "--checkpoint-every must be given to both with the same interval, or to neither)");
        }
        if (theirs[1] != mine.epochs()) {
            throw new IllegalStateException("the parties train for different numbers of epochs: " + me + " "
                    + mine.epochs() + ", " + peer + " " + theirs[1] + " (--epochs must be the same)");
        }
        long expected = me == Role.MODEL_OWNER ? mine.batch() : theirs[4];
        long actual = me == Role.MODEL_OWNER ? theirs[4] : mine.batch();
        if (expected != 0 && expected != actual) {
            throw new IllegalStateException("the model owner expects minibatches of " + expected + " (its --batch) but "
                    + "the data owner trains with --batch " + actual + " (give both the same --batch, or none to the "
                    + "model owner)");
        }
        // differing plans first (the usual misuse, and the same message at both), then each party's own problem
        if (problemOrNull != null) {
            throw new IllegalStateException(problemOrNull.local());
        }
        if (theirProblem.length > 0) {
            throw new IllegalStateException("the " + peer + " cannot start: " + printable(theirProblem));
        }
    }

    /** The peer's sentence, shortened and without control characters: it is shown to this party's user. */
    private static String printable(byte[] text) {
        String t = new String(text, 0, Math.min(text.length, 400), StandardCharsets.UTF_8);
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static String every(long n) {
        return n == 0 ? "never (no --checkpoint-dir)" : "every " + n + " steps";
    }
}
