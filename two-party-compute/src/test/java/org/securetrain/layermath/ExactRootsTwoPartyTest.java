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
 * reciprocal, sqrt and rsqrt on the two-party backend (OT engine, silent COTs) equal the plaintext reference bit for
 * bit on random shares of inputs over the whole range below 2^inputBits (400 random and all edges, zero and negative
 * inputs included, per function and configuration), so
 * {@link ExactRootsTest}'s bound holds for the protocol's outputs. Four configurations: scale 48 into 24 (inputBits
 * 62), 25 into 24 (inputBits 40, an odd input scale: the roots' other parity), Adam's sqrt(v) at its state scale
 * 56 into 56 (inputBits 61: the square root's results reach 2^58.5, both of its corrections run; the reciprocal's
 * second refinement with M0's remainder term) and 30 into 30 (inputBits 40: the reciprocal's second refinement without
 * it).
 */
@Timeout(300)
class ExactRootsTwoPartyTest {
    static final int N = 400;
    static final ExactRootsTest.Config[] CONFIGS = {
        new ExactRootsTest.Config(48, 24, 62), new ExactRootsTest.Config(25, 24, 40),
        new ExactRootsTest.Config(56, 56, 61), new ExactRootsTest.Config(30, 30, 40),
    };

    @Test
    void bitExactWithThePlaintextReference() {
        FixedPoint fp = FixedPoint.of(24);
        ExactRoots plain = new ExactRoots(new InsecurePlaintextBackend(fp));
        Random r = new Random(91);
        int fns = ExactRoots.Kind.values().length;
        long[][] x = new long[CONFIGS.length * fns][];
        long[][][] shares = new long[x.length][][];
        for (int c = 0; c < CONFIGS.length; c++) {
            for (int f = 0; f < fns; f++) {
                int bits = CONFIGS[c].bits();
                long[] edges = ExactRootsTest.edges(bits);
                long[] v = java.util.Arrays.copyOf(ExactRootsTest.randomInputs(bits, N, r), N + edges.length);
                System.arraycopy(edges, 0, v, N, edges.length);
                x[c * fns + f] = v;
                shares[c * fns + f] = TestShares.split(v, r);
            }
        }
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build())) {
            TwoPartyRunner.Results<long[][], long[][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> all(TwoPartyBackend.open(s, fp), shares, 0, s),
                    pair.party(1), s -> all(TwoPartyBackend.open(s, fp), shares, 1, null));
            for (int c = 0; c < CONFIGS.length; c++) {
                for (ExactRoots.Kind kind : ExactRoots.Kind.values()) {
                    int k = c * fns + kind.ordinal();
                    long[] expected = ExactRootsTest.compute(kind, plain, x[k], CONFIGS[c]);
                    assertArrayEquals(expected, TestShares.join(res.party0()[k], res.party1()[k]),
                            kind + " " + CONFIGS[c] + ": two parties vs the plaintext reference");
                }
            }
        }
    }

    /** Runs every function and configuration; with a session, prints its traffic (bytes both ways, flights). */
    private static long[][] all(Backend be, long[][][] shares, int party, Session s) {
        ExactRoots er = new ExactRoots(be);
        int fns = ExactRoots.Kind.values().length;
        long[][] out = new long[shares.length][];
        for (int c = 0; c < CONFIGS.length; c++) {
            for (ExactRoots.Kind kind : ExactRoots.Kind.values()) {
                int k = c * fns + kind.ordinal();
                var before = s == null ? null : s.traffic().snapshot();
                long cpu = s == null ? 0 : s.threads().cpuNanos();
                out[k] = ExactRootsTest.compute(kind, er, shares[k][party], CONFIGS[c]);
                if (s != null) {
                    var t = s.traffic().snapshot().minus(before).total();
                    int n = shares[k][party].length;
                    System.out.printf("%s %s two-party, n=%d: %.0f bytes/element (party 0 sent %.0f, received %.0f),"
                            + " %d flights of party 0, party 0 CPU %.1f us/element%n", kind, CONFIGS[c], n,
                            t.bytesTotal() / (double) n, t.bytesSent() / (double) n,
                            t.bytesReceived() / (double) n, t.rounds(), (s.threads().cpuNanos() - cpu) / 1e3 / n);
                }
            }
        }
        return out;
    }
}
