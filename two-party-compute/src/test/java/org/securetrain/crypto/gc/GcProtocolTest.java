package org.securetrain.crypto.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Await;
import org.securetrain.runtime.testing.Failures;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.ot.OtTestPair;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.AgreementException;
import org.securetrain.runtime.PeerAbortedException;
import org.securetrain.runtime.ProtocolId;

/** Two parties in one JVM over the in-memory transport, evaluator labels by real IKNP block COT. */
class GcProtocolTest {
    private static OtTestPair ot;

    @BeforeAll
    static void setUp() {
        ot = OtTestPair.open(OtEngine.DEFAULT_CHUNK);
    }

    @AfterAll
    static void tearDown() {
        ot.close();
    }

    private static GeneratorCases.Case named(String name) {
        return GeneratorCases.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Runs c over n elements with the given garbler party; returns the evaluator's output planes. */
    private static long[] run2pc(GeneratorCases.Case c, long[][] in, int n, String purpose, int garblerParty,
            int maxChunk) {
        var r = ot.run(e -> {
            GcProtocol gc = GcProtocol.open(e.session(), e, id(purpose), garblerParty, maxChunk);
            return gc.run(c.circuit(), n, gc.isGarbler() ? in[0] : in[1]);
        }, e -> {
            GcProtocol gc = GcProtocol.open(e.session(), e, id(purpose), garblerParty, maxChunk);
            return gc.run(c.circuit(), n, gc.isGarbler() ? in[0] : in[1]);
        });
        return garblerParty == 0 ? r.party1() : r.party0();
    }

    @Test
    void protocolOutputsMatchThePlaintextCircuit() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (String name : List.of("add", "compare", "mux", "max4", "garbler-only", "constants", "relu16", "relu40")) {
            GeneratorCases.Case c = named(name);
            for (int n : new int[] {1, 7, 4096 + 3}) {
                long[][] in = c.inputs(rnd, n);
                long[] got = run2pc(c, in, n, "t." + name, 0, 1024);
                assertArrayEquals(c.expected(in[2], in[3], n), got, name + " n=" + n);
            }
        }
    }

    @Test
    void partyOneCanGarble() {
        SplittableRandom rnd = new SplittableRandom(22);
        GeneratorCases.Case c = named("relu16");
        int n = 2000;
        long[][] in = c.inputs(rnd, n);
        assertArrayEquals(c.expected(in[2], in[3], n), run2pc(c, in, n, "t.p1", 1, GcProtocol.DEFAULT_MAX_CHUNK));
    }

    @Test
    void repeatedRunsOnOneInstanceAndEmptyRuns() {
        SplittableRandom rnd = new SplittableRandom(23);
        GeneratorCases.Case add = named("add");
        GeneratorCases.Case max = named("max3");
        long[][] a = add.inputs(rnd, 500);
        long[][] m = max.inputs(rnd, 300);
        var r = ot.run(e -> {
            GcProtocol gc = GcProtocol.open(e.session(), e, id("t.repeat"));
            gc.run(add.circuit(), 500, a[0]);
            gc.run(max.circuit(), 0, new long[0]);
            gc.run(max.circuit(), 300, m[0]);
            return gc.run(add.circuit(), 500, a[0]);
        }, e -> {
            GcProtocol gc = GcProtocol.open(e.session(), e, id("t.repeat"));
            long[] x = gc.run(add.circuit(), 500, a[1]);
            long[] empty = gc.run(max.circuit(), 0, new long[0]);
            long[] y = gc.run(max.circuit(), 300, m[1]);
            long[] z = gc.run(add.circuit(), 500, a[1]);
            return new long[][] {x, empty, y, z};
        });
        assertEquals(0, r.party0().length);
        assertArrayEquals(add.expected(a[2], a[3], 500), r.party1()[0]);
        assertEquals(0, r.party1()[1].length);
        assertArrayEquals(max.expected(m[2], m[3], 300), r.party1()[2]);
        assertArrayEquals(add.expected(a[2], a[3], 500), r.party1()[3]);
    }

    /** The garbler receives nothing on the GC stream but the evaluator's run headers. */
    @Test
    void garblerReceivesOnlyHeadersAndTrafficIsTheGarbledTables() {
        SplittableRandom rnd = new SplittableRandom(24);
        GeneratorCases.Case c = named("relu16");
        int n = 5000;
        long[][] in = c.inputs(rnd, n);
        var before0 = ot.pair.party(0).traffic().snapshot();
        var before1 = ot.pair.party(1).traffic().snapshot();
        run2pc(c, in, n, "t.traffic", 0, GcProtocol.DEFAULT_MAX_CHUNK);
        var d0 = ot.pair.party(0).traffic().snapshot().minus(before0);
        var d1 = ot.pair.party(1).traffic().snapshot().minus(before1);
        Traffic g = d0.streams().get("gc.t.traffic");
        assertTrue(g.bytesReceived() < 1024, "garbler received " + g.bytesReceived() + " bytes on the GC stream");
        long tables = (long) c.circuit().garbledBytesPerElement() * n;
        assertTrue(g.bytesSent() >= tables && g.bytesSent() < tables * 1.01 + 4096,
                "GC bytes " + g.bytesSent() + " vs tables " + tables);
        assertEquals(g.bytesSent(), d1.streams().get("gc.t.traffic").bytesReceived());
        Traffic otTraffic = d1.streams().get(OtEngine.channelName(GcProtocol.otId(id("t.traffic"), 0)));
        // IKNP: 16 bytes of u columns per evaluator input bit, plus headers.
        assertTrue(otTraffic.bytesSent() >= 16L * 64 * n && otTraffic.bytesSent() < 16L * 64 * n * 1.01 + 4096,
                "OT bytes " + otTraffic.bytesSent());
    }

    private static Object attempt(Supplier<Object> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Both parties' run of one GC instance each on a fresh pair (a disagreement ends the session). */
    private static Object[] runs(GcRun r0, GcRun r1) {
        try (OtTestPair p = OtTestPair.forMismatch()) {
            return p.outcomes(e -> r0.run(e), e -> r1.run(e));
        }
    }

    private interface GcRun {
        Object run(OtEngine e);
    }

    @Test
    void disagreementsFailBothPartiesNamingBothViews() {
        SplittableRandom rnd = new SplittableRandom(25);
        GeneratorCases.Case add = named("add");
        GeneratorCases.Case sub = named("sub");
        long[][] a = add.inputs(rnd, 100);
        long[][] a2 = add.inputs(rnd, 101);
        Object[] n = runs(e -> GcProtocol.open(e.session(), e, id("t.n")).run(add.circuit(), 100, a[0]),
                e -> GcProtocol.open(e.session(), e, id("t.n")).run(add.circuit(), 101, a2[1]));
        OtTestPair.assertBothFailNamingBothViews(n, "evaluates '" + add.circuit().name(), "evaluates '"
                + add.circuit().name());
        assertTrue(n[0].toString().contains("over 100 elements") && n[0].toString().contains("over 101 elements"),
                n[0].toString());
        Object[] circuit = runs(e -> GcProtocol.open(e.session(), e, id("t.c")).run(add.circuit(), 100, a[0]),
                e -> GcProtocol.open(e.session(), e, id("t.c")).run(sub.circuit(), 100, a[1]));
        OtTestPair.assertBothFailNamingBothViews(circuit, "evaluates '" + add.circuit().name() + "'",
                "evaluates '" + sub.circuit().name() + "'");
    }

    @Test
    void invalidArgumentsAtOnePartyEndTheSessionWithTheReason() {
        GeneratorCases.Case add = named("add");
        long[][] a = add.inputs(new SplittableRandom(24), 100);
        Object[] r = runs(e -> GcProtocol.open(e.session(), e, id("t.bad")).run(add.circuit(), 100, new long[3]),
                e -> GcProtocol.open(e.session(), e, id("t.bad")).run(add.circuit(), 100, a[1]));
        IllegalArgumentException own = assertInstanceOf(IllegalArgumentException.class, r[0]);
        assertTrue(own.getMessage().contains("input planes hold 3 longs"), own.getMessage());
        PeerAbortedException peer = assertInstanceOf(PeerAbortedException.class, r[1]);
        assertTrue(peer.getMessage().contains("rejected") && peer.getMessage().contains("input planes hold 3 longs"),
                peer.getMessage());
    }

    @Test
    void roleAndChunkDisagreementsFailBothParties() {
        GeneratorCases.Case add = named("add");
        long[][] a = add.inputs(new SplittableRandom(26), 5000);
        long t0 = System.nanoTime();
        Object[] roles = runs(e -> GcProtocol.open(e.session(), e, id("t.roles0"), 0).run(add.circuit(), 10,
                        BitPlanes.fromLongs(new long[10], 64)),
                e -> GcProtocol.open(e.session(), e, id("t.roles0"), 1).run(add.circuit(), 10,
                        BitPlanes.fromLongs(new long[10], 64)));
        // both garble, so both wait for the other's OT: the probe finds it
        for (Object o : roles) {
            assertTrue(o instanceof AgreementException && o.toString().contains("party 0 garbling")
                    && o.toString().contains("party 1 garbling"), String.valueOf(o));
        }
        assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "through the probe, not the receive timeout");
        Object[] chunks = runs(e -> GcProtocol.open(e.session(), e, id("t.chunks"), 0, 1024)
                        .run(add.circuit(), 5000, a[0]),
                e -> GcProtocol.open(e.session(), e, id("t.chunks"), 0, 2048).run(add.circuit(), 5000, a[1]));
        for (Object o : chunks) {
            assertTrue(o instanceof AgreementException && o.toString().contains("maxChunk 1024")
                    && o.toString().contains("maxChunk 2048"), String.valueOf(o));
        }
    }

    /** A party dying in the middle of a run makes the other fail promptly (no wait for the receive timeout). */
    @Test
    void peerFailureMidRunFailsFast() throws Exception {
        GeneratorCases.Case c = named("relu16");
        int n = 200_000;
        long[][] in = c.inputs(new SplittableRandom(27), n);
        try (OtTestPair local = OtTestPair.open(OtEngine.DEFAULT_CHUNK)) {
            // killed once the run is under way (the evaluator has received tables), whatever the machine's load
            Thread killer = new Thread(() -> {
                Await.until("garbled tables arriving", () -> local.pair.party(1).traffic().total().bytesReceived()
                        > (1 << 20));
                local.pair.kill(0);
            });
            killer.start();
            ProtocolId kill = id("t.kill");
            var r = local.run(e -> attempt(() -> GcProtocol.open(e.session(), e, kill).run(c.circuit(), n, in[0])),
                    e -> attempt(() -> GcProtocol.open(e.session(), e, kill).run(c.circuit(), n, in[1])));
            killer.join();
            assertInstanceOf(RuntimeException.class, r.party0());
            assertInstanceOf(RuntimeException.class, r.party1());
            // promptly: a disconnect, not a wait for the receive timeout
            Failures.assertNotATimeout((Throwable) r.party0(), "the killed party");
            Failures.assertNotATimeout((Throwable) r.party1(), "its peer");
        }
    }

    @Test
    void sessionsAreCheckedBeforeUse() {
        var r = TwoPartyRunner.run(ot.pair.party(0), s -> attempt(() -> GcProtocol.open(s, ot.e1, id("x"))),
                ot.pair.party(1), s -> "ok");
        assertInstanceOf(IllegalArgumentException.class, r.party0());
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
