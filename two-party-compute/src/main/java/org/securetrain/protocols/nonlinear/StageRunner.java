package org.securetrain.protocols.nonlinear;

import java.util.List;
import org.securetrain.ring.PackedReader;
import org.securetrain.ring.PackedWriter;
import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolViolationException;
import org.securetrain.runtime.SessionException;

/**
 * Runs a list of {@link Stage}s between the two parties with as few flights as the dependencies allow:
 * a party writes every part it can, sends them as one message, and on receipt reads the peer's parts
 * one by one, completing stages and writing the next parts as it goes. Two stages in a row that both
 * parties write thus travel "ping-pong" (each message carries one party's part of stage s and of
 * stage s + 1), so D dependent stages cost about D/2 flights per party and D one-way delays in all.
 *
 * <p>Message: a header word (number of parts; the first message of each party per run also carries
 * the run's 64-bit tag, which the peer checks, so parties running different protocols or shapes fail
 * at once with both descriptions), then the parts, packed. No extra header round.
 */
public final class StageRunner {
    private static final long MAGIC = 0x4E4CL << 48; // "NL"

    private final List<Stage> stages;
    private final int me;
    private final int peer;
    private final int total;
    private int written;
    private int read;
    private int completed;
    private PackedWriter out = new PackedWriter();
    private int parts;

    private StageRunner(List<Stage> stages, int me) {
        this.stages = stages;
        this.me = me;
        this.peer = 1 - me;
        this.total = stages.size();
    }

    /**
     * Runs {@code stages} over {@code ch.channel()}. {@code tag} describes the run (protocol, shape and
     * parameters); {@code step} names the traffic.
     */
    public static void run(CotChannel ch, String step, RunTag tag, List<Stage> stages) {
        new StageRunner(stages, ch.party()).drive(ch.channel(), step, tag);
    }

    /** Completes and writes as far as the parts in hand allow. */
    private void progress() {
        while (true) {
            while (read < total && !stages.get(read).writtenBy(peer)) {
                read++;
            }
            if (completed < written && completed < read) {
                stages.get(completed++).complete();
            } else if (written == completed && written < total) {
                Stage s = stages.get(written++);
                if (s.writtenBy(me)) {
                    s.write(out);
                    parts++;
                }
            } else {
                return;
            }
        }
    }

    private void drive(Channel c, String step, RunTag tag) {
        boolean sentOnce = false;
        boolean receivedOnce = false;
        try (var st = c.step(step)) {
            while (true) {
                progress();
                if (parts > 0) {
                    long[] body = out.toArray();
                    int header = sentOnce ? 1 : 2;
                    long[] msg = new long[header + body.length];
                    msg[0] = MAGIC | parts;
                    if (!sentOnce) {
                        msg[1] = tag.value();
                    }
                    System.arraycopy(body, 0, msg, header, body.length);
                    c.sendLongs(msg);
                    sentOnce = true;
                    out = new PackedWriter();
                    parts = 0;
                }
                if (completed == total) {
                    return;
                }
                long[] msg = c.receiveLongs();
                int header = receivedOnce ? 1 : 2;
                if (msg.length < header || (msg[0] & ~0xFFFFL) != MAGIC) {
                    throw new ProtocolViolationException(tag + ": the peer's message is not a stage message"
                            + " (the parties run different protocols)");
                }
                if (!receivedOnce) {
                    tag.check(msg[1]);
                    receivedOnce = true;
                }
                int k = (int) (msg[0] & 0xFFFF);
                long[] body = new long[msg.length - header];
                System.arraycopy(msg, header, body, 0, body.length);
                PackedReader in = new PackedReader(body, tag.toString());
                for (int j = 0; j < k; j++) {
                    while (read < total && !stages.get(read).writtenBy(peer)) {
                        read++;
                    }
                    if (read == total || read >= written) {
                        throw new ProtocolViolationException(tag + ": the peer sent a part of stage " + read
                                + " of " + total + " out of order (the parties run different protocols)");
                    }
                    stages.get(read++).read(in);
                    progress();
                }
                in.finish();
            }
        } catch (RuntimeException e) {
            if (!(e instanceof SessionException) || e instanceof ProtocolViolationException) {
                try {
                    // the peer learns the stream and the exception's class; a run-tag mismatch's message too
                    // (AgreementException: only the two parties' tags), any other message stays local
                    c.session().abort(AbortReason.failure("nl " + c.name(), e));
                } catch (RuntimeException ignored) {
                    // the session has failed already
                }
            }
            throw e;
        }
    }
}
