package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Await;
import org.securetrain.runtime.testing.Failures;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.runtime.AgreementException;
import org.securetrain.runtime.PeerAbortedException;
import org.securetrain.runtime.PeerDisconnectedException;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** Bad input and misbehaving peers: clear errors naming the cause, never a hang or wrong outputs. */
@Timeout(120)
class FerretRobustnessTest {
    static final FerretParams SMALL = FerretParams.insecureForTests(24, 10, 7); // 1880 COTs per iteration

    @Test
    void mismatchedParametersFailOnBothSides() {
        InMemoryTransport.Pair p = OtTestPair.sessions();
        try (p) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                    p.party(0), s -> SilentOt.setup(OtEngine.setup(s, new SecureRandom()), new SecureRandom(), SMALL),
                    p.party(1), s -> SilentOt.setup(OtEngine.setup(s, new SecureRandom()), new SecureRandom(),
                            FerretParams.insecureForTests(24, 10, 8))));
            assertTrue(e.getMessage().contains("different Ferret parameters"), e.getMessage());
        }
    }

    @Test
    void bothPartiesOpeningTheSenderSideFailAtOnce() {
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> tp.run(a -> a.openSender(ProtocolId.of("x")), b -> b.openSender(ProtocolId.of("x"))));
            assertTrue(e instanceof AgreementException || e.getMessage().contains("both parties act as COT sender"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("both parties act as COT sender"), e.getMessage());
            Failures.assertNotATimeout(e, "both senders");
        }
    }

    @Test
    void oneRolePerIdAndSessionIdsAreReserved() {
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            ProtocolId y = ProtocolId.of("y");
            var r = tp.run(a -> a.openSender(y), b -> b.openReceiver(y));
            assertSame(r.party0(), tp.s0.openSender(ProtocolId.parse("y")), "same id, same instance");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tp.s0.openReceiver(y));
            assertTrue(e.getMessage().contains("one role per protocol id"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tp.s0.openSender(ProtocolId.of("session", "p0send")));
            assertThrows(NullPointerException.class, () -> tp.s0.openSender(null));
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> SilentOt.setup(tp.e0, new SecureRandom(), SMALL));
            assertTrue(twice.getMessage().contains("already called on this session"), twice.getMessage());
        }
    }

    @Test
    void zeroCountIsFreeAndBadArgumentsAreNamed() {
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            Traffic before = tp.pair.party(0).traffic().total();
            tp.run(a -> { a.sender().next(0, new long[0]); return 0; },
                    b -> { b.receiver().next(0, new long[0], new long[0]); return 0; });
            assertEquals(before, tp.pair.party(0).traffic().total(), "n = 0 sends nothing");
            assertEquals(0, ((FerretSender) tp.s0.sender()).iterations(), "n = 0 starts no iteration");

            RandomCotSender s = tp.s0.sender();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.next(-1, new long[0]));
            assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
            IllegalStateException later = assertThrows(IllegalStateException.class, () -> s.next(1, new long[2]));
            assertTrue(later.getMessage().contains("unusable after an earlier failure"), later.getMessage());
        }
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            RandomCotReceiver r = tp.s1.receiver();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> r.next(100, new long[1], new long[200]));
            assertTrue(e.getMessage().contains("choice-bit array holds 1 words"), e.getMessage());
        }
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tp.s0.sender().next(Integer.MAX_VALUE, new long[2]));
            assertTrue(e.getMessage().contains("split the call"), e.getMessage());
        }
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tp.s1.receiver().next(10, null, new long[20]));
            assertTrue(e.getMessage().contains("choice-bit array is null"), e.getMessage());
        }
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tp.s0.sender().next(10, new long[19]));
            assertTrue(e.getMessage().contains("10 COTs need 20"), e.getMessage());
        }
    }

    @Test
    void aSenderThatAbortsMidStreamFailsTheWaitingReceiverAtOnce() throws Exception {
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            int n = SMALL.outputsPerIteration() + 5; // two iterations
            tp.run(a -> { a.sender().next(n, new long[2 * n]); return 0; },
                    b -> { b.receiver().next(n, new long[(n + 63) / 64], new long[2 * n]); return 0; });
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    tp.s1.receiver().next(2 * n, new long[(2 * n + 63) / 64], new long[4 * n]); // needs new iterations
                    return null;
                } catch (Throwable x) {
                    return x;
                }
            });
            Thread.sleep(200);
            tp.pair.party(0).abort(org.securetrain.runtime.AbortReason.of("test", "the COT sender gives up in the middle"));
            Throwable x = Await.get(waiting);
            // at once: the abort itself, not a receive timeout
            assertInstanceOf(PeerAbortedException.class, x);
            assertTrue(x.getMessage().contains("gives up in the middle"), x.getMessage());
        }
    }

    @Test
    void aVanishedSenderFailsTheWaitingReceiver() throws Exception {
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            int n = SMALL.outputsPerIteration() + 10; // iteration 1's corrections came with the set-up, 2's never do
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    tp.s1.receiver().next(n, new long[(n + 63) / 64], new long[2 * n]);
                    return null;
                } catch (Throwable x) {
                    return x;
                }
            });
            Thread.sleep(200);
            tp.pair.kill(0);
            Throwable x = Await.get(waiting);
            assertInstanceOf(SessionException.class, x);
            assertTrue(x instanceof PeerDisconnectedException || x.getMessage().contains("closed"), x.toString());
        }
    }

    @Test
    void theReceiverFindsEachIterationsCorrectionsAlreadySent() {
        // One thread drives both ends in turn (same calls, receiver first): a blocking receive would hang.
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            int n = SMALL.outputsPerIteration();
            long[] t1 = new long[2 * n];
            tp.s1.receiver().next(n, new long[(n + 63) / 64], t1); // iteration 1: its corrections came with the set-up
            long[] q1 = new long[2 * n];
            tp.s0.sender().next(n, q1); // iteration 1; sends iteration 2's corrections ahead
            long[] t2 = new long[2];
            long[] b2 = new long[1];
            tp.s1.receiver().next(1, b2, t2); // iteration 2: already there
            long[] q2 = new long[2];
            tp.s0.sender().next(1, q2);
            RandomCotSender s = tp.s0.sender();
            assertEquals(q2[0] ^ ((b2[0] & 1) == 1 ? s.deltaLo() : 0), t2[0], "correlated across the interleaving");
            assertEquals(q1[2 * (n - 1)] ^ (t1[2 * (n - 1)] & 1) * s.deltaLo(), t1[2 * (n - 1)]);
            assertEquals(2, ((FerretSender) s).iterations());
        }
    }

    @Test
    void drawingDifferentCallSequencesIsDetectedAtTheNextIteration() {
        try (SilentOtPair tp = SilentOtPair.open(SMALL)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> tp.run(a -> {
                a.sender().next(100, new long[200]);
                a.sender().next(5000, new long[10000]);
                return 0;
            }, b -> {
                b.receiver().next(5100, new long[80], new long[10200]);
                return 0;
            }));
            assertTrue(e.getMessage().contains("next(n) calls differ"), e.getMessage());
        }
    }

    @Test
    void hugeCallsSpanIterationsWithBoundedBuffers() {
        FerretParams p = FerretParams.B10;
        try (SilentOtPair tp = SilentOtPair.open(p)) {
            int n = 2 * p.outputsPerIteration() + (1 << 18) + 1; // spans three iterations in one call
            long[] q = new long[2 * n];
            long[] t = new long[2 * n];
            long[] bits = new long[(n + 63) / 64];
            FerretSender s = (FerretSender) tp.s0.sender();
            int batchLongs = s.batchBuf.length;
            tp.run(a -> { a.sender().next(n, q); return 0; }, b -> { b.receiver().next(n, bits, t); return 0; });
            assertEquals(3, s.iterations());
            assertEquals(batchLongs, s.batchBuf.length, "the pool's buffers do not grow with n");
            long dLo = s.deltaLo();
            long dHi = s.deltaHi();
            for (int i = 0; i < n; i++) {
                long b = bits[i >>> 6] >>> (i & 63) & 1;
                if (t[2 * i] != (q[2 * i] ^ (b == 1 ? dLo : 0))
                        || t[2 * i + 1] != (q[2 * i + 1] ^ (b == 1 ? dHi : 0))) {
                    fail("correlation broken at COT " + i);
                }
            }
        }
    }
}
