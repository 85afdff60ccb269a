package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * exp, sigmoid and tanh on the two-party backend (OT engine, silent COTs) equal the plaintext reference bit for bit
 * on random shares of inputs over the whole range (edges included), so the plaintext test's error bound holds for the
 * protocol's outputs: 10^4 inputs in all in the default suite, 10^4 per function with {@code -Pslow}.
 */
@Timeout(300)
class ExactFunctionsTwoPartyTest {
    static final int F = 24;
    /** Inputs per function in the default suite; {@link #bitExactOnTenThousandInputsPerFunction} runs 10^4 each. */
    static final int N_DEFAULT = 3_334;

    @Test
    void bitExactWithThePlaintextReference() {
        bitExact(N_DEFAULT);
    }

    @Test
    @Tag("slow")
    void bitExactOnTenThousandInputsPerFunction() {
        bitExact(10_000);
    }

    static void bitExact(int n) {
        FixedPoint fp = FixedPoint.of(F);
        InsecurePlaintextBackend ref = new InsecurePlaintextBackend(fp);
        ExactFunctions plain = new ExactFunctions(ref);
        Random r = new Random(77);
        long[][] x = new long[3][];
        long[][][] shares = new long[3][][];
        for (ExactFunctionsTest.Fn fn : ExactFunctionsTest.Fn.values()) {
            x[fn.ordinal()] = ExactFunctionsTest.inputs(fn, F, n, plain, r);
            shares[fn.ordinal()] = TestShares.split(x[fn.ordinal()], r);
        }
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build())) {
            TwoPartyRunner.Results<long[][], long[][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> all(TwoPartyBackend.open(s, fp), shares, 0, s),
                    pair.party(1), s -> all(TwoPartyBackend.open(s, fp), shares, 1, null));
            for (ExactFunctionsTest.Fn fn : ExactFunctionsTest.Fn.values()) {
                int k = fn.ordinal();
                long[] expected = ExactFunctionsTest.compute(fn, plain, x[k]);
                assertArrayEquals(expected, TestShares.join(res.party0()[k], res.party1()[k]),
                        fn + ": two parties vs the plaintext reference");
            }
        }
    }

    /** Runs the three functions; with a session, prints its traffic per function (bytes both ways, flights). */
    private static long[][] all(Backend be, long[][][] shares, int party, Session s) {
        ExactFunctions ef = new ExactFunctions(be);
        long[][] out = new long[3][];
        for (ExactFunctionsTest.Fn fn : ExactFunctionsTest.Fn.values()) {
            int k = fn.ordinal();
            var before = s == null ? null : s.traffic().snapshot();
            long cpu = s == null ? 0 : s.threads().cpuNanos();
            ProtocolId id = ProtocolId.of(fn.name().toLowerCase(java.util.Locale.ROOT));
            out[k] = switch (fn) {
                case EXP -> ef.exp(shares[k][party], id);
                case SIGMOID -> ef.sigmoid(shares[k][party], id);
                case TANH -> ef.tanh(shares[k][party], id);
            };
            if (s != null) {
                if (be instanceof TwoPartyBackend tpb) {
                    System.out.printf("%s wall seconds per kernel kind (cumulative): %s%n", fn, tpb.timings().seconds());
                }
                var t = s.traffic().snapshot().minus(before).total();
                int n = shares[k][party].length;
                System.out.printf("%s two-party, n=%d: %.0f bytes/element (party 0 sent %.0f, received %.0f),"
                        + " %d flights of party 0, party 0 CPU %.1f us/element%n", fn, n,
                        t.bytesTotal() / (double) n, t.bytesSent() / (double) n, t.bytesReceived() / (double) n,
                        t.rounds(), (s.threads().cpuNanos() - cpu) / 1e3 / n);
            }
        }
        return out;
    }
}
