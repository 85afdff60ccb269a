package org.securetrain.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The range guard's two operations on both engines against the plaintext oracle, and {@link RangeCheckedBackend}
 * on them: values in range pass, one value out of range stops both parties at {@code verify}.
 */
@Timeout(300)
class RangeGuardBackendTest {
    static final FixedPoint FP = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
    static final Backend REF = new InsecurePlaintextBackend(FP);
    static final long B = 1L << RangeCheckedBackend.SAFE_BITS;

    interface Body<T> {
        T run(Backend be, int party);
    }

    /** Runs {@code body} at both parties over fresh backends of {@code engine}. */
    static <T> TwoPartyRunner.Results<T, T> both(NonlinearEngine engine, Body<T> body) {
        InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(60)).build());
        try {
            return TwoPartyRunner.run(pair.party(0), s -> body.run(TwoPartyBackend.open(s, FP, engine), 0),
                    pair.party(1), s -> body.run(TwoPartyBackend.open(s, FP, engine), 1));
        } finally {
            pair.close();
        }
    }

    static long[][] split(long[] x, Random r) {
        long[] a = new long[x.length];
        long[] b = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = i % 3 == 0 ? x[i] : i % 3 == 1 ? 0 : r.nextLong();
            b[i] = x[i] - a[i];
        }
        return new long[][] {a, b};
    }

    static long[] join(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    @Test
    void countAndVerdictMatchThePlaintextOracleOnBothEngines() {
        Random r = new Random(7);
        long[] x = new long[10_000];
        long[] edges = {0, 1, -1, B, -B, B - 1, -B - 1, B + 1, 1L << 62, Long.MIN_VALUE, Long.MAX_VALUE};
        for (int i = 0; i < x.length; i++) {
            x[i] = i < 3 * edges.length ? edges[i / 3] : r.nextLong() >> (i % 64);
        }
        long[][] s = split(x, r);
        long[] inRange = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            inRange[i] = x[i] >> 3;
        }
        long[][] t = split(inRange, r);
        long want = REF.countOutsideRange(x, 61, 32, ProtocolId.parse("ref"));
        assertEquals(0, REF.countOutsideRange(inRange, 61, 32, ProtocolId.parse("ref")));
        assertTrue(want > 100 && want < x.length, "the test data has both kinds: " + want);
        for (NonlinearEngine engine : NonlinearEngine.values()) {
            var res = both(engine, (be, p) -> {
                long c = be.countOutsideRange(s[p], 61, 32, ProtocolId.parse("range.a"));
                long z = be.countOutsideRange(t[p], 61, 32, ProtocolId.parse("range.b"));
                boolean any = be.revealNonZero(c, 32, ProtocolId.parse("range.any"));
                boolean none = be.revealNonZero(z, 32, ProtocolId.parse("range.none"));
                return new Object[] {c, z, any, none};
            });
            assertEquals(want, ((Long) res.party0()[0] + (Long) res.party1()[0]) & 0xFFFF_FFFFL, engine + " count");
            assertEquals(0, ((Long) res.party0()[1] + (Long) res.party1()[1]) & 0xFFFF_FFFFL, engine + " zero count");
            for (Object[] o : new Object[][] {res.party0(), res.party1()}) {
                assertEquals(true, o[2], engine + ": both parties learn that some value left the range");
                assertEquals(false, o[3], engine + ": both parties learn that none did");
            }
        }
    }

    @Test
    void theOracleCountsTheHalfOpenRangeAndChecksItsArguments() {
        ProtocolId id = ProtocolId.parse("ref");
        assertEquals(4, REF.countOutsideRange(new long[] {B, -B - 1, Long.MIN_VALUE, Long.MAX_VALUE, -B, B - 1, 0}, 61,
                32, id));
        assertEquals(1, REF.countOutsideRange(new long[] {B}, 61, 1 + 1, id));
        assertTrue(REF.revealNonZero(1L << 40 | 1, 32, id));
        assertFalse(REF.revealNonZero(1L << 40, 32, id), "only the low count bits count");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> REF.countOutsideRange(new long[1], 40, 32, id)).getMessage().contains("[57, 62]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> REF.countOutsideRange(new long[4], 61, 2, id)).getMessage().contains("mod 2^2"));
    }

    @Test
    void theGuardPassesValuesInRangeAndStopsBothPartiesOnOneOutside() {
        Random r = new Random(3);
        long[] ok = new long[2000];
        for (int i = 0; i < ok.length; i++) {
            ok[i] = r.nextLong() >> 4;
        }
        ok[0] = -B;
        ok[1] = B - 1;
        long[] bad = ok.clone();
        bad[1234] = B; // the first value outside [-2^61, 2^61)
        long[][] a = split(ok, r);
        long[][] b = split(bad, r);
        for (NonlinearEngine engine : NonlinearEngine.values()) {
            var res = both(engine, (be, p) -> {
                RangeCheckedBackend g = new RangeCheckedBackend(be);
                long[] t = g.truncate(a[p], 16, ProtocolId.parse("t1"));
                Backend.ReluOutput y = g.reluTruncate(a[p], ProtocolId.parse("t2"));
                g.verify(ProtocolId.parse("v1"), "step 1");
                assertFalse(g.hasPendingChecks());
                g.truncate(a[p], 16, ProtocolId.parse("t3"));
                g.truncate(b[p], 16, ProtocolId.parse("t4"));
                RuntimeException e = assertThrows(RangeCheckedBackend.RangeOverflowException.class,
                        () -> g.verify(ProtocolId.parse("v2"), "step 2"));
                return new Object[] {e, t, y};
            });
            for (Object[] o : new Object[][] {res.party0(), res.party1()}) {
                RuntimeException e = (RuntimeException) o[0];
                assertInstanceOf(RangeCheckedBackend.RangeOverflowException.class, e);
                assertTrue(e.getMessage().contains("step 2") && e.getMessage().contains("[-2^61, 2^61)"),
                        e.getMessage());
            }
            // the checked operations' own results are those of the unchecked ones
            long[] t = join((long[]) res.party0()[1], (long[]) res.party1()[1]);
            Backend.ReluOutput y0 = (Backend.ReluOutput) res.party0()[2];
            Backend.ReluOutput y1 = (Backend.ReluOutput) res.party1()[2];
            long[] y = join(y0.y(), y1.y());
            Backend.ReluOutput want = REF.reluTruncate(ok, ProtocolId.parse("ref"));
            for (int i = 0; i < ok.length; i++) {
                long err = (ok[i] >> 16) - t[i];
                assertTrue(err == 0 || err == 1, engine + ": truncation of element " + i + " off by " + err);
                assertEquals(want.y()[i], y[i], engine + ": ReLU of element " + i);
                assertEquals(Bits.get(want.bits(), i), Bits.get(y0.bits(), i) ^ Bits.get(y1.bits(), i),
                        engine + ": ReLU derivative bit " + i);
            }
        }
    }
}
