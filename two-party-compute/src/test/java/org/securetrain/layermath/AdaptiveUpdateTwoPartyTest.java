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
 * Two steps of every adaptive updater on the two-party backend (OT engine, silent COTs) equal the plaintext reference
 * bit for bit, updates and states, on random shares of gradients over [2^-24, 2) and zeros (every step is exact:
 * products mod 2^64, exact floors, comparisons, {@link ExactRoots}), so the reference's bound against ND4J
 * (secure-layers' AdaptiveUpdatersTest) holds for the protocol. Prints bytes, flights and CPU per parameter per step.
 */
@Timeout(300)
class AdaptiveUpdateTwoPartyTest {
    static final int N = 64;
    static final int STEPS = 2;
    static final int F = 24;

    static AdaptiveStep step(AdaptiveStep.Rule rule, int iteration) {
        return switch (rule) {
            case ADAM, NADAM, AMSGRAD -> new AdaptiveStep(rule, 1e-3, 0.9, 0.999, 1e-8, iteration);
            case ADAMAX -> new AdaptiveStep(rule, 2e-3, 0.9, 0.999, 1e-8, iteration);
            case ADAGRAD -> new AdaptiveStep(rule, 0.05, 0, 0, 1e-6, iteration);
            case RMSPROP -> new AdaptiveStep(rule, 1e-3, 0, 0.95, 1e-8, iteration);
            case ADADELTA -> new AdaptiveStep(rule, Double.NaN, 0, 0.95, 1e-6, iteration);
        };
    }

    @Test
    void bitExactWithThePlaintextReference() {
        FixedPoint fp = FixedPoint.of(F);
        Random r = new Random(5);
        AdaptiveStep.Rule[] rules = AdaptiveStep.Rule.values();
        long[][][] g = new long[rules.length][STEPS][];
        long[][][][] shares = new long[rules.length][STEPS][][];
        for (int k = 0; k < rules.length; k++) {
            for (int t = 0; t < STEPS; t++) {
                g[k][t] = new long[N];
                for (int i = 0; i < N; i++) {
                    long mag = i % 9 == 0 ? 0 : 1L << r.nextInt(F + 1);
                    g[k][t][i] = (r.nextBoolean() ? 1 : -1) * (mag + (mag > 1 ? r.nextLong(mag) : 0));
                }
                shares[k][t] = TestShares.split(g[k][t], r);
            }
        }
        long[][][] expected = run(new InsecurePlaintextBackend(fp), g, null);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build())) {
            TwoPartyRunner.Results<long[][][], long[][][]> res = TwoPartyRunner.run(
                    pair.party(0), s -> run(TwoPartyBackend.open(s, fp), partyShares(shares, 0), s),
                    pair.party(1), s -> run(TwoPartyBackend.open(s, fp), partyShares(shares, 1), null));
            for (int k = 0; k < rules.length; k++) {
                for (int j = 0; j < expected[k].length; j++) {
                    assertArrayEquals(expected[k][j], TestShares.join(res.party0()[k][j], res.party1()[k][j]),
                            rules[k] + " output " + j + ": two parties vs the plaintext reference");
                }
            }
        }
    }

    static long[][][] partyShares(long[][][][] shares, int party) {
        long[][][] out = new long[shares.length][STEPS][];
        for (int k = 0; k < shares.length; k++) {
            for (int t = 0; t < STEPS; t++) {
                out[k][t] = shares[k][t][party];
            }
        }
        return out;
    }

    /** Per rule: the updates of every step, then the final state arrays. With a session, prints the traffic. */
    static long[][][] run(Backend be, long[][][] g, Session s) {
        AdaptiveStep.Rule[] rules = AdaptiveStep.Rule.values();
        AdaptiveUpdate au = new AdaptiveUpdate(be, PositiveRoots.exact(be));
        long[][][] out = new long[rules.length][][];
        for (int k = 0; k < rules.length; k++) {
            long[][] state = new long[rules[k].stateNames().size()][];
            out[k] = new long[STEPS + state.length][];
            var before = s == null ? null : s.traffic().snapshot();
            long cpu = s == null ? 0 : s.threads().cpuNanos();
            for (int t = 0; t < STEPS; t++) {
                out[k][t] = au.step(step(rules[k], t), g[k][t], state,
                        ProtocolId.of(rules[k].name().toLowerCase(java.util.Locale.ROOT)).child("t" + t));
            }
            System.arraycopy(state, 0, out[k], STEPS, state.length);
            if (s != null) {
                var tr = s.traffic().snapshot().minus(before).total();
                double per = (double) N * STEPS;
                System.out.printf("%s two-party, n=%d, %d steps: %.0f bytes per parameter per step (party 0 sent %.0f, "
                        + "received %.0f), %d flights of party 0 per step, party 0 CPU %.1f us per parameter per step%n",
                        rules[k], N, STEPS, tr.bytesTotal() / per, tr.bytesSent() / per, tr.bytesReceived() / per,
                        tr.rounds() / STEPS, (s.threads().cpuNanos() - cpu) / 1e3 / per);
            }
        }
        return out;
    }
}
