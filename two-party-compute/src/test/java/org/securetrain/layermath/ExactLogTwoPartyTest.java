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
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * ln on the two-party backend (OT engine, silent COTs) equals the plaintext reference bit for bit on random shares of
 * inputs over the whole range below 2^inputBits (400 random and all edges, zero and negative inputs included, per
 * configuration), so {@link ExactLogTest}'s bound holds for the protocol's outputs. Configurations: 2f into f at
 * inputBits 62 (the mantissa floor outside the range guard), a softmax row sum at f (inputBits 34, no mantissa floor)
 * and odd scales 25 into 23 at inputBits 40.
 */
@Timeout(300)
class ExactLogTwoPartyTest {
    static final int N = 400;
    static final ExactLogTest.Config[] CONFIGS = {
        new ExactLogTest.Config(48, 24, 62), new ExactLogTest.Config(24, 24, 34), new ExactLogTest.Config(25, 23, 40),
    };

    @Test
    void bitExactWithThePlaintextReference() {
        FixedPoint fp = FixedPoint.of(24);
        ExactLog plain = new ExactLog(new InsecurePlaintextBackend(fp));
        Random r = new Random(93);
        long[][] x = new long[CONFIGS.length][];
        long[][][] shares = new long[x.length][][];
        for (int c = 0; c < CONFIGS.length; c++) {
            int bits = CONFIGS[c].bits();
            long[] edges = ExactLogTest.edges(bits);
            long[] v = java.util.Arrays.copyOf(ExactLogTest.randomInputs(bits, N, r), N + edges.length);
            System.arraycopy(edges, 0, v, N, edges.length);
            x[c] = v;
            shares[c] = TestShares.split(v, r);
        }
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build())) {
            TwoPartyRunner.Results<long[][], long[][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> all(TwoPartyBackend.open(s, fp), shares, 0, s),
                    pair.party(1), s -> all(TwoPartyBackend.open(s, fp), shares, 1, null));
            for (int c = 0; c < CONFIGS.length; c++) {
                long[] expected = ExactLogTest.compute(plain, x[c], CONFIGS[c]);
                assertArrayEquals(expected, TestShares.join(res.party0()[c], res.party1()[c]),
                        "log " + CONFIGS[c] + ": two parties vs the plaintext reference");
                ExactLogTest.check(CONFIGS[c], x[c], TestShares.join(res.party0()[c], res.party1()[c]));
            }
        }
    }

    /** Runs every configuration; with a session, prints its traffic (bytes both ways, flights). */
    private static long[][] all(Backend be, long[][][] shares, int party, Session s) {
        ExactLog el = new ExactLog(be);
        long[][] out = new long[shares.length][];
        for (int c = 0; c < CONFIGS.length; c++) {
            var before = s == null ? null : s.traffic().snapshot();
            long cpu = s == null ? 0 : s.threads().cpuNanos();
            out[c] = ExactLogTest.compute(el, shares[c][party], CONFIGS[c]);
            if (s != null) {
                var t = s.traffic().snapshot().minus(before).total();
                int n = shares[c][party].length;
                System.out.printf("log %s two-party, n=%d: %.0f bytes/element (party 0 sent %.0f, received %.0f),"
                        + " %d flights of party 0, party 0 CPU %.1f us/element%n", CONFIGS[c], n,
                        t.bytesTotal() / (double) n, t.bytesSent() / (double) n,
                        t.bytesReceived() / (double) n, t.rounds(), (s.threads().cpuNanos() - cpu) / 1e3 / n);
            }
        }
        return out;
    }
}
