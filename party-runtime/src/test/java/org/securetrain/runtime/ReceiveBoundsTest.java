package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Issue 19, case 2 (in-process part): receives are bounded by a minute in interactive exchanges and by the
 * longer compute bound inside a computation, and the timeout message names the stream and the bound.
 */
@Timeout(60)
class ReceiveBoundsTest {

    @Test
    void defaultsBoundInteractiveReceivesByAMinuteAndComputationsByTenMinutes() {
        SessionOptions o = SessionOptions.builder(Role.MODEL_OWNER).build();
        assertTrue(o.receiveTimeout().compareTo(Duration.ofSeconds(60)) <= 0, o.receiveTimeout().toString());
        assertEquals(Duration.ofMinutes(10), o.computeTimeout());
    }

    @Test
    void timeoutMessageNamesTheStreamAndTheBound() {
        InMemoryTransport.Pair p = InMemoryTransport.pair(
                InMemorySessionTest.opts(Role.MODEL_OWNER).receiveTimeout(Duration.ofMillis(300)).build(),
                InMemorySessionTest.opts(Role.DATA_OWNER).build());
        PeerTimeoutException e = assertThrows(PeerTimeoutException.class, () -> p.get(0).channel("quiet").receive());
        assertEquals("no message from peer on stream 'quiet' within 300 ms (receiveTimeout)", e.getMessage());
        assertFalse(e.getMessage().contains("  "), e.getMessage());
    }

    @Test
    void insideAComputationTheComputeBoundApplies() throws Exception {
        SessionOptions a = InMemorySessionTest.opts(Role.MODEL_OWNER).receiveTimeout(Duration.ofMillis(300))
                .computeTimeout(Duration.ofSeconds(20)).build();
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(a, InMemorySessionTest.opts(Role.DATA_OWNER).build())) {
            CompletableFuture<Void> slowPeer = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1000); // computing, longer than the interactive bound
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                p.get(1).channel("result").sendLong(42);
            });
            try (Session.Computation c = p.get(0).computing()) {
                assertEquals(42, p.get(0).channel("result").receiveLong());
            }
            slowPeer.get(10, TimeUnit.SECONDS);
            // outside the computation the interactive bound is back
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class, () -> p.get(0).channel("plan").receive());
            assertTrue(e.getMessage().endsWith("within 300 ms (receiveTimeout)"), e.getMessage());
        }
    }

    /** A wait slice that overran by far (this process did not run) extends the deadline instead of expiring it. */
    @Test
    void ownSuspensionDoesNotCountAgainstTheDeadline() {
        Deadline d = new Deadline(TimeUnit.SECONDS.toNanos(2));
        long asked = d.nextSlice();
        long start = System.nanoTime() - TimeUnit.SECONDS.toNanos(60); // as if suspended for a minute
        d.sliceEnded(start, asked);
        assertTrue(d.nextSlice() > 0, "the suspended minute must not use up the 2 s bound");
        assertTrue(d.suspendedNanos() > TimeUnit.SECONDS.toNanos(59));
        assertTrue(d.suspensionNote().matches(".*this party itself was suspended for 5\\d\\.\\d s meanwhile.*"), d.suspensionNote());
    }
}
