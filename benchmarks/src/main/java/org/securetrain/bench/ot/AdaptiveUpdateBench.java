package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.layermath.AdaptiveStep;
import org.securetrain.layermath.AdaptiveUpdate;
import org.securetrain.layermath.PositiveRoots;
import org.securetrain.runtime.ProtocolId;

/**
 * One step of an adaptive updater ({@link AdaptiveUpdate}: Adam, AdaMax, RmsProp, AdaDelta with DL4J's default
 * constants) per parameter, on the default two-party backend (OT engine, Ferret silent COTs), both parties in one
 * process over the in-memory transport; after each iteration: bytes per parameter (both directions), party 0's
 * flights per step, CPU per parameter, and each protocol step's share. The state is carried from one call to the next (a training run).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar AdaptiveUpdateBench -f 1 -wi 2 -i 3}.
 */
public class AdaptiveUpdateBench extends LabelledTwoPartyBench {
    /** Parameters per step. */
    @Param({"4096"})
    public int n;

    static final int F = 24;
    final AdaptiveUpdate[] au = new AdaptiveUpdate[2];
    long[] g0, g1;
    final long[][][] state = new long[2][][];
    int iteration;
    /** The rule whose state {@link #state} holds (another rule starts from its own initial state). */
    AdaptiveStep.Rule stateOf;

    @Setup(Level.Trial)
    public void setUp() {
        openBackends(F);
        for (int p = 0; p < 2; p++) {
            au[p] = new AdaptiveUpdate(be[p], PositiveRoots.exact(be[p]));
        }
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        g0 = g.nextLongs(n);
        g1 = new long[n];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
            long x = (long) (Math.copySign(Math.pow(10, -5 + 5 * r.nextDouble()), r.nextDouble() - 0.5)
                    * (1L << F)); // |g| in [1e-5, 1]: typical averaged gradients
            g1[i] = x - g0[i];
        }
        adam(); // Ferret's first extension and the first compilations
        tp.mark();
    }

    private long[] step(AdaptiveStep.Rule rule, double lr, double b1, double b2, double eps) {
        current = rule + " step, n=" + n + ", f=" + F + ", state at scale 2f+" + AdaptiveUpdate.STATE_GUARD_BITS;
        currentElements = n;
        if (rule != stateOf) { // DL4J's initial state and iteration of this rule
            state[0] = new long[rule.stateNames().size()][];
            state[1] = new long[rule.stateNames().size()][];
            iteration = 0;
            stateOf = rule;
        }
        AdaptiveStep st = new AdaptiveStep(rule, lr, b1, b2, eps, iteration++);
        ProtocolId id = ProtocolId.of("bench", rule.name().toLowerCase(java.util.Locale.ROOT));
        return tp.run(s -> au[0].step(st, g0, state[0], id), s -> au[1].step(st, g1, state[1], id));
    }

    @Benchmark
    public long[] adam() {
        return step(AdaptiveStep.Rule.ADAM, 1e-3, 0.9, 0.999, 1e-8);
    }

    @Benchmark
    public long[] adaMax() {
        return step(AdaptiveStep.Rule.ADAMAX, 2e-3, 0.9, 0.999, 1e-8);
    }

    @Benchmark
    public long[] rmsProp() {
        return step(AdaptiveStep.Rule.RMSPROP, 1e-3, 0, 0.95, 1e-8);
    }

    /** DL4J's AdaDelta defaults: rho 0.95, eps 1e-6 (no learning rate). */
    @Benchmark
    public long[] adaDelta() {
        return step(AdaptiveStep.Rule.ADADELTA, Double.NaN, 0, 0.95, 1e-6);
    }
}
