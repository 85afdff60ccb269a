package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.layermath.ExactRoots;
import org.securetrain.runtime.ProtocolId;

/**
 * reciprocal, sqrt and rsqrt of shares ({@link ExactRoots}, docs/security/exact-math.md section 8), the companion of
 * {@link ExactFunctionsBench} for the functions with a public input bound: per element, on the default two-party
 * backend (OT engine, Ferret silent COTs), inputs at scale 2f = 48 (Adam's second moment; {@code -p inputScale=24}
 * for SIRNN's tests' format, docs/BENCHMARKS.md) into scale f = 24, for inputBits 48 and 62 (the leading-one search
 * compares inputBits thresholds per element). After each iteration:
 * bytes per element (both directions), party 0's flights per call, CPU time per element, and the per-step breakdown.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ExactRootsBench -f 1 -wi 2 -i 3}.
 */
public class ExactRootsBench extends LabelledTwoPartyBench {
    /** Elements per call. */
    @Param({"4096"})
    public int n;
    /** Public bound: inputs below 2^inputBits. */
    @Param({"48", "62"})
    public int inputBits;
    /** Scale of the inputs: 48 = 2f (Adam's second moment), 24 = f (the activations' format). */
    @Param({"48"})
    public int inputScale;

    static final int F = 24;
    final ExactRoots[] er = new ExactRoots[2];
    long[] x0, x1;

    @Setup(Level.Trial)
    public void setUp() {
        openBackends(F);
        er[0] = new ExactRoots(be[0]);
        er[1] = new ExactRoots(be[1]);
        long[][] shares = ExactRootsBench.logUniformShares(n, inputBits);
        x0 = shares[0];
        x1 = shares[1];
        rsqrt(); // Ferret's first extension and the first compilations
        tp.mark();
    }

    /** Random shares (x0, x1) of n inputs log-uniform over [1, 2^bits) (uniform leading bit, uniform mantissa). */
    static long[][] logUniformShares(int n, int bits) {
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        long[] x0 = g.nextLongs(n);
        long[] x1 = g.nextLongs(n);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(bits);
            long x = (1L << k) | (k == 0 ? 0 : r.nextLong() & ((1L << k) - 1));
            x1[i] = x - x0[i];
        }
        return new long[][] {x0, x1};
    }

    /** One function of both parties on their shares, labelled for the report. */
    private long[] function(String name, Fn fn) {
        current = name + " (exact), n=" + n + ", scale " + inputScale + " -> " + F + ", inputBits " + inputBits;
        currentElements = n;
        ProtocolId id = ProtocolId.of("bench", name);
        return tp.run(s -> fn.apply(er[0], x0, id), s -> fn.apply(er[1], x1, id));
    }

    /** reciprocal, sqrt or rsqrt of one party's shares. */
    interface Fn {
        long[] apply(ExactRoots er, long[] x, ProtocolId id);
    }

    @Benchmark
    public long[] reciprocal() {
        return function("reciprocal", (e, x, id) -> e.reciprocal(x, inputScale, F, inputBits, id));
    }

    @Benchmark
    public long[] sqrt() {
        return function("sqrt", (e, x, id) -> e.sqrt(x, inputScale, F, inputBits, id));
    }

    /** The square root without its corrections (what the adaptive updaters call): the corrections' cost by difference. */
    @Benchmark
    public long[] sqrtRelative() {
        return function("sqrtRelative", (e, x, id) -> e.sqrtRelative(x, inputScale, F, inputBits, id));
    }

    @Benchmark
    public long[] rsqrt() {
        return function("rsqrt", (e, x, id) -> e.rsqrt(x, inputScale, F, inputBits, id));
    }

    /**
     * rsqrt without its correction (what AdaDelta, BatchNorm and the L2 normaliser call; the rsqrt before it became
     * faithful): the correction's cost by difference.
     */
    @Benchmark
    public long[] rsqrtRelative() {
        return function("rsqrtRelative", (e, x, id) -> e.rsqrtRelative(x, inputScale, F, inputBits, id));
    }
}
