package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The gradient an adaptive updater receives ({@link ParameterShare#preparedGradient}, after the batched
 * {@link ParameterShare#truncateGradients} with exact floors) equals the plaintext reference's bit for bit on the
 * two-party backend, and a batch-sum gradient that is exactly 0 stays exactly 0. Negative control: the faithful
 * path ({@link ParameterShare#perExampleGradient} with {@code exact} false) turns some of the same zeros into -1 ulp,
 * which Adam at DL4J's eps 1e-8 would turn into a step of about 0.16 lr.
 */
@Timeout(120)
class ParameterShareExactGradientTest {
    static final int F = 24;
    static final int N = 512;
    static final int BATCH = 16;

    /** Batch-sum gradients at scale 2f (a product's): every third exactly 0, the others random of mixed size. */
    static long[] gradients(Random r) {
        long[] g = new long[N];
        for (int i = 0; i < N; i++) {
            if (i % 3 != 0) {
                long mag = 1L << r.nextInt(2 * F + 2);
                g[i] = (r.nextBoolean() ? 1 : -1) * (mag + r.nextLong(mag));
            }
        }
        return g;
    }

    /** Element 0: the exact path (batched truncation, then preparedGradient); 1: the faithful perExampleGradient. */
    static long[][] run(Backend be, long[] gradientShare) {
        ParameterShare exact = new ParameterShare("layer0.W", new long[N]);
        exact.setGradient(gradientShare.clone(), F);
        ParameterShare.truncateGradients(be, List.of(exact), true, exact.updateId().child("grads"));
        long[] prepared = exact.preparedGradient(be, BATCH, GradientTerms.NONE);
        ParameterShare faithful = new ParameterShare("layer1.W", new long[N]);
        faithful.setGradient(gradientShare.clone(), F);
        return new long[][] {prepared, faithful.perExampleGradient(be, BATCH, false)};
    }

    @Test
    void exactZerosStayZeroAndTheTwoPartyGradientIsTheReferences() {
        FixedPoint fp = FixedPoint.of(F);
        Random r = new Random(16);
        long[] g = gradients(r);
        long[][] shares = TestShares.split(g, r);
        long[][] expected = run(new InsecurePlaintextBackend(fp), g);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(60)).build())) {
            TwoPartyRunner.Results<long[][], long[][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> run(TwoPartyBackend.open(s, fp), shares[0]),
                    pair.party(1), s -> run(TwoPartyBackend.open(s, fp), shares[1]));
            long[] exact = TestShares.join(res.party0()[0], res.party1()[0]);
            long[] faithful = TestShares.join(res.party0()[1], res.party1()[1]);
            assertArrayEquals(expected[0], exact, "exact floors: two parties vs the plaintext reference");
            int zeros = 0;
            int faithfulNonZero = 0;
            for (int i = 0; i < N; i += 3) {
                assertEquals(0, exact[i], "gradient " + i + " is exactly 0 before the floors");
                zeros++;
                faithfulNonZero += faithful[i] != 0 ? 1 : 0;
                // the reference's floors are exact in both paths
                assertEquals(0, expected[1][i]);
            }
            // the faithful path differs from the exact floor by at most one ulp per floor, and it does differ on
            // zeros (each faithful truncation of a 0 gives -1 ulp with probability about 1/2 here)
            for (int i = 0; i < N; i++) {
                assertTrue(Math.abs(faithful[i] - exact[i]) <= 2, "faithful path off by more than 2 ulps at " + i);
            }
            assertTrue(faithfulNonZero > 0, "negative control: the faithful floors kept all " + zeros + " zeros");
            System.out.printf("exact gradient path: %d of %d exact zeros stay 0; faithful path: %d become non-zero%n",
                    zeros, zeros, faithfulNonZero);
        }
    }
}
