package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.TrafficStats;

/** Further instances on their own streams, opened and driven concurrently from several threads. */
@Timeout(120)
class SilentOtServiceTest {

    @Test
    void independentInstancesPerThreadInBothDirections() {
        FerretParams p = FerretParams.insecureForTests(48, 11, 7);
        try (SilentOtPair tp = SilentOtPair.open(p)) {
            ProtocolId[] ids = {ProtocolId.of("thread", "a"), ProtocolId.of("thread", "b"),
                ProtocolId.of("thread", "c")};
            boolean[] p0sends = {true, false, true};
            int n = 3 * p.outputsPerIteration() + 11;
            // party 1 opens in the opposite order: opening is interactive and must not deadlock
            ExecutorService threads = Executors.newFixedThreadPool(6); // one per instance end: they block
            try {
                tp.run(a -> {
                    CompletableFuture<?>[] f = new CompletableFuture<?>[3];
                    for (int i = 0; i < 3; i++) {
                        int k = i;
                        f[i] = CompletableFuture.runAsync(() -> drive(a, ids[k], p0sends[k], n), threads);
                    }
                    CompletableFuture.allOf(f).join();
                    return 0;
                }, b -> {
                    CompletableFuture<?>[] f = new CompletableFuture<?>[3];
                    for (int i = 2; i >= 0; i--) {
                        int k = i;
                        f[i] = CompletableFuture.runAsync(() -> drive(b, ids[k], !p0sends[k], n), threads);
                    }
                    CompletableFuture.allOf(f).join();
                    return 0;
                });
            } finally {
                threads.shutdownNow();
            }
            TrafficStats.Snapshot snap = tp.pair.party(0).traffic().snapshot();
            for (ProtocolId id : ids) {
                assertTrue(snap.streams().containsKey(SilentOtChannels.ferret(id)), "own stream for " + id);
            }
            assertTrue(snap.steps().containsKey(SilentOtChannels.STEP_EXTEND));
            assertTrue(snap.steps().containsKey(SilentOtChannels.STEP_SETUP));
            assertNotEquals(((FerretSender) tp.s0.sender()).channelName(),
                    ((FerretReceiver) tp.s0.receiver()).channelName());
        }
    }

    static final java.util.Map<ProtocolId, long[][]> RESULTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Runs one end of instance {@code id}; the second end to finish checks the correlation. */
    static void drive(SilentOt s, ProtocolId id, boolean send, int n) {
        long[] blocks = new long[2 * n];
        long[] bits = new long[(n + 63) / 64];
        long[] delta = null;
        if (send) {
            RandomCotSender snd = s.openSender(id);
            snd.next(n, blocks);
            delta = new long[] {snd.deltaLo(), snd.deltaHi()};
        } else {
            RandomCotReceiver rcv = s.openReceiver(id);
            rcv.next(n, bits, blocks);
        }
        long[][] mine = send ? new long[][] {blocks, delta} : new long[][] {blocks, bits};
        long[][] other;
        synchronized (RESULTS) {
            other = RESULTS.remove(id);
            if (other == null) {
                RESULTS.put(id, mine);
                return;
            }
        }
        long[][] snd = send ? mine : other;
        long[][] rcv = send ? other : mine;
        for (int i = 0; i < n; i++) {
            long b = rcv[1][i >>> 6] >>> (i & 63) & 1;
            if (rcv[0][2 * i] != (snd[0][2 * i] ^ (b == 1 ? snd[1][0] : 0))
                    || rcv[0][2 * i + 1] != (snd[0][2 * i + 1] ^ (b == 1 ? snd[1][1] : 0))) {
                fail(id + ": t != q ^ b*delta at COT " + i);
            }
        }
    }
}
