package org.securetrain.bench.ot;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.layermath.ExactLog;
import org.securetrain.runtime.ProtocolId;

/**
 * ln of positive shares ({@link ExactLog}, docs/security/exact-math.md section 10), next to {@link ExactRootsBench}
 * (softplus, built on it: {@link ExactFunctionsBench}): per element, on the default two-party backend (OT engine,
 * Ferret silent COTs), ln from scale f = 24 into f for inputBits 34 (a softmax row sum below 2^10, the private loss)
 * and 62 (the whole range; the leading-one search compares inputBits thresholds per element). After each iteration: bytes per element (both directions), party 0's
 * flights per call, CPU time per element, and the per-step breakdown.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ExactLogBench -f 1 -wi 2 -i 3}.
 */
public class ExactLogBench extends LabelledTwoPartyBench {
    /** Elements per call. */
    @Param({"4096"})
    public int n;
    /** Public bound of the log's input: below 2^inputBits. */
    @Param({"34", "62"})
    public int inputBits;

    static final int F = 24;
    final ExactLog[] el = new ExactLog[2];
    long[] x0, x1;

    @Setup(Level.Trial)
    public void setUp() {
        openBackends(F);
        el[0] = new ExactLog(be[0]);
        el[1] = new ExactLog(be[1]);
        long[][] shares = ExactRootsBench.logUniformShares(n, inputBits);
        x0 = shares[0];
        x1 = shares[1];
        log(); // Ferret's first extension and the first compilations
        tp.mark();
    }

    @Benchmark
    public long[] log() {
        current = "ln (exact, faithful), n=" + n + ", scale " + F + " -> " + F + ", inputBits " + inputBits;
        currentElements = n;
        ProtocolId id = ProtocolId.of("bench", "log");
        return tp.run(s -> el[0].log(x0, F, F, inputBits, id), s -> el[1].log(x1, F, F, inputBits, id));
    }
}
