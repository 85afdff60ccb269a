package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
 * {@link Backend#positiveBounded} on the two-party backend against the plaintext sign, for bounds of one bit to 62
 * (1, 2 and 4 bits are one-leaf millionaire plans at the default radix 4), random shares of values of
 * every magnitude below the bound and the edges 0, ±1, ±(2^bits - 1); the reference refuses a value outside.
 */
@Timeout(120)
class PositiveBoundedTest {
    static final FixedPoint FP = FixedPoint.of(24);
    static final int[] BITS = {1, 2, 4, 5, 8, 25, 49, 62};

    @Test
    void equalsTheSignForEveryBound() {
        Random r = new Random(3);
        int n = 200;
        long[][] x = new long[BITS.length][n];
        for (int j = 0; j < BITS.length; j++) {
            long lim = (1L << BITS[j]) - 1;
            long[] edges = {0, 1, -1, lim, -lim};
            for (int i = 0; i < n; i++) {
                x[j][i] = i < edges.length ? edges[i] : (r.nextLong() >> (64 - BITS[j] + r.nextInt(BITS[j])));
            }
        }
        long[][][] sh = new long[BITS.length][][];
        for (int j = 0; j < BITS.length; j++) {
            sh[j] = TestShares.split(x[j], r);
        }
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(60)).build())) {
            TwoPartyRunner.Results<long[][], long[][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> signs(TwoPartyBackend.open(s, FP), sh, 0),
                    pair.party(1), s -> signs(TwoPartyBackend.open(s, FP), sh, 1));
            Backend ref = new InsecurePlaintextBackend(FP);
            for (int j = 0; j < BITS.length; j++) {
                long[] expected = ref.positive(x[j], ProtocolId.of("ref"));
                long[] got = new long[expected.length];
                for (int w = 0; w < got.length; w++) {
                    got[w] = res.party0()[j][w] ^ res.party1()[j][w];
                }
                assertArrayEquals(expected, got, "bound 2^" + BITS[j]);
                assertArrayEquals(expected, ref.positiveBounded(x[j], BITS[j], ProtocolId.of("ref")));
            }
        }
        long[] outside = {1L << 10};
        assertThrows(IllegalArgumentException.class,
                () -> new InsecurePlaintextBackend(FP).positiveBounded(outside, 10, ProtocolId.of("ref")));
    }

    private static long[][] signs(Backend be, long[][][] sh, int party) {
        long[][] out = new long[BITS.length][];
        for (int j = 0; j < BITS.length; j++) {
            out[j] = be.positiveBounded(sh[j][party], BITS[j], ProtocolId.of("bounded" + BITS[j]));
        }
        return out;
    }
}
