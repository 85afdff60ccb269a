package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * exp, sigmoid and tanh on the two-party backend (OT engine, silent COTs) equal the plaintext reference bit for bit
 * on 10^4 random shares of inputs over the whole range (edges included), so the plaintext test's error bound holds
 * for the protocol's outputs.
 */
@Timeout(300)
class ExactFunctionsTwoPartyTest {
    static final int F = 24;
    static final int N = 10_000;

    @Test
    void bitExactWithThePlaintextReference() {
        FixedPoint fp = FixedPoint.of(F);
        InsecurePlaintextBackend ref = new InsecurePlaintextBackend(fp);
        ExactFunctions plain = new ExactFunctions(ref);
        Random r = new Random(77);
        long[][] x = new long[3][];
        long[][][] shares = new long[3][][];
        for (ExactFunctionsTest.Fn fn : ExactFunctionsTest.Fn.values()) {
            x[fn.ordinal()] = ExactFunctionsTest.inputs(fn, F, N, plain, r);
            shares[fn.ordinal()] = TestShares.split(x[fn.ordinal()], r);
        }
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build())) {
            TwoPartyRunner.Results<long[][], long[][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> all(TwoPartyBackend.open(s, fp), shares, 0),
                    pair.party(1), s -> all(TwoPartyBackend.open(s, fp), shares, 1));
            for (ExactFunctionsTest.Fn fn : ExactFunctionsTest.Fn.values()) {
                int k = fn.ordinal();
                long[] expected = ExactFunctionsTest.compute(fn, plain, x[k]);
                assertArrayEquals(expected, TestShares.join(res.party0()[k], res.party1()[k]),
                        fn + ": two parties vs the plaintext reference");
            }
        }
    }

    private static long[][] all(Backend be, long[][][] shares, int party) {
        ExactFunctions ef = new ExactFunctions(be);
        long[][] out = new long[3][];
        out[0] = ef.exp(shares[0][party], ProtocolId.of("exp"));
        out[1] = ef.sigmoid(shares[1][party], ProtocolId.of("sigmoid"));
        out[2] = ef.tanh(shares[2][party], ProtocolId.of("tanh"));
        return out;
    }
}
