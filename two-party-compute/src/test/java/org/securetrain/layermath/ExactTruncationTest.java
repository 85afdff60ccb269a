package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * {@link ExactTruncation} on the two-party backend against the plaintext arithmetic shift, bit for bit: random shares
 * of exact zeros (where the faithful truncation alone gives -1 about half the time), of multiples of 2^k, and of
 * values over the whole allowed range, both signs.
 */
@Timeout(120)
class ExactTruncationTest {
    static final FixedPoint FP = FixedPoint.of(24);

    @Test
    void givesTheExactFloorWhereTheFaithfulTruncationMaySlipOneUlp() {
        Random r = new Random(31);
        int n = 300;
        long[] x = new long[n];
        for (int i = 100; i < 200; i++) {
            x[i] = (r.nextLong() >> 30) << 24; // multiples of 2^24: floor has no rounding
        }
        for (int i = 200; i < n; i++) {
            x[i] = r.nextLong() >> (2 + r.nextInt(40)); // |x| < 2^62, both signs
        }
        long[][] xs = TestShares.split(x, r);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(60)).build())) {
            int[] bits = {1, 24, 48};
            TwoPartyRunner.Results<long[][][], long[][][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> both(TwoPartyBackend.open(s, FP), xs[0], bits),
                    pair.party(1), s -> both(TwoPartyBackend.open(s, FP), xs[1], bits));
            for (int j = 0; j < bits.length; j++) {
                int k = bits[j];
                long[] exact = TestShares.join(res.party0()[j][0], res.party1()[j][0]);
                long[] faithful = TestShares.join(res.party0()[j][1], res.party1()[j][1]);
                long[] floor = ExactTruncation.local(x, k);
                assertArrayEquals(floor, exact, "exact floor by " + k + " bits");
                assertArrayEquals(floor, ExactTruncation.floor(new InsecurePlaintextBackend(FP), x, k,
                        ProtocolId.of("t")), "reference backend, " + k + " bits");
                int slipsOnZero = 0;
                for (int i = 0; i < 100; i++) {
                    slipsOnZero += faithful[i] == -1 ? 1 : 0;
                }
                // the case the exact version exists for: P(no slip on 100 random sharings of 0) is 2^-100
                assertTrue(slipsOnZero > 0, "the faithful truncation by " + k + " never slipped on a zero");
            }
        }
    }

    private static long[][][] both(Backend be, long[] share, int[] bits) {
        long[][][] out = new long[bits.length][][];
        for (int j = 0; j < bits.length; j++) {
            out[j] = new long[][] {ExactTruncation.floor(be, share, bits[j], ProtocolId.of("exact" + bits[j])),
                    be.truncate(share, bits[j], ProtocolId.of("faithful" + bits[j]))};
        }
        return out;
    }
}
