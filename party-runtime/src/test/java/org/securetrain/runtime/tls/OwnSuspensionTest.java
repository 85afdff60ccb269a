package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.PeerTimeoutException;
import org.securetrain.runtime.Role;

/**
 * Issue 19, case 7: a party that was itself stopped (SIGSTOP here; a long GC pause alike) must not report on
 * waking that its peer is stalled. It compares its own monotonic clock: a liveness tick that comes far too
 * late means this process did not run.
 */
@Timeout(90)
class OwnSuspensionTest {
    private static final long IDLE_MS = 1000;

    @TempDir
    static Path dir;

    @BeforeAll
    static void saveIdentity() throws Exception {
        BOB.save(dir.resolve("bob.key.pem"), dir.resolve("bob.crt.pem"));
    }

    @Test
    void aPartyThatWasStoppedDoesNotBlameItsPeer() throws Exception {
        try (TlsListener l = alice(opts(Role.MODEL_OWNER).idleTimeout(Duration.ofMillis(IDLE_MS)).build())
                .acceptTimeout(Duration.ofSeconds(40)).listen(ANY_LOCAL);
             ChildJvm child = new ChildJvm("256m", PeerProcessMain.class, "receive", Integer.toString(l.port()),
                     dir.resolve("bob.key.pem").toString(), dir.resolve("bob.crt.pem").toString(), ALICE.fingerprint(),
                     Long.toString(IDLE_MS))) {
            try (TlsSession a = l.accept()) {
                child.line("READY", 30_000);
                CompletableFuture<byte[]> rx = CompletableFuture.supplyAsync(() -> a.channel("x").receive());
                child.signal("STOP");
                // this side rightly sees a stalled peer
                ExecutionException e = assertThrows(ExecutionException.class, () -> rx.get(20, TimeUnit.SECONDS));
                assertInstanceOf(PeerTimeoutException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("the peer process is stalled"), e.getCause().getMessage());
                Thread.sleep(4 * IDLE_MS);
                child.signal("CONT");
                String ended = child.line("peer ended", 30_000);
                System.out.println("the stopped party says: " + ended);
                assertTrue(ended.contains("this party itself was suspended for"), ended);
                assertFalse(ended.contains("stalled"), ended);
            }
        }
    }
}
