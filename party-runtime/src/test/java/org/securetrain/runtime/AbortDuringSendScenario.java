package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A party is in the middle of sending a long message when the peer aborts the session with a reason: the
 * sender must get {@link PeerAbortedException} with that reason, whichever layer (session core or transport)
 * notices first. Run over any transport (in-memory and TLS).
 */
public final class AbortDuringSendScenario {
    private AbortDuringSendScenario() {
    }

    /** {@code sender} streams 8 MiB messages until it fails; {@code aborter} aborts once the first arrived. */
    public static void senderGetsThePeersReason(Session sender, Session aborter) throws Exception {
        CompletableFuture<Throwable> sending = CompletableFuture.supplyAsync(() -> {
            Channel c = sender.channel("bulk");
            long[] big = new long[1 << 20];
            try {
                for (int i = 0; i < 10_000; i++) {
                    c.sendLongs(big);
                }
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        aborter.channel("bulk").receiveLongs(); // the sender is streaming now
        // a structured reason crosses (free text given to abort(String) stays in the aborting party's log)
        aborter.abort(AbortReason.of("abort-during-send test", "stopped by the test"));
        Throwable t = sending.get(60, TimeUnit.SECONDS);
        PeerAbortedException e = assertInstanceOf(PeerAbortedException.class, t,
                "the sender must learn why: " + t);
        assertTrue(e.getMessage().contains("abort-during-send test: stopped by the test"), e.getMessage());
    }
}
