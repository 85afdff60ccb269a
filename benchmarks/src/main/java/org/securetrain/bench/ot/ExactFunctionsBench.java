package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.layermath.ExactFunctions;
import org.securetrain.layermath.SmoothActivation;
import org.securetrain.runtime.ProtocolId;

/**
 * exp, sigmoid, tanh and softplus (its logarithm: section 10.4) of shares with their proven error bound
 * ({@link ExactFunctions}, docs/security/exact-math.md)
 * and the table lookup they are built on, per element, on the default two-party backend (OT engine, Ferret silent
 * COTs, products by {@code Backend.multiplyElementwise}). Both parties in one process over the in-memory transport;
 * after each iteration: bytes per element (both directions), party 0's flights per call, CPU time per element, and
 * the bytes and flights of each step (lookup, products, exact floors, comparisons, multiplexers).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ExactFunctionsBench -f 1 -wi 2 -i 3}.
 */
public class ExactFunctionsBench extends LabelledTwoPartyBench {
    /** Elements per call. */
    @Param({"4096"})
    public int n;
    /** Digit width of the exp's table lookups. */
    @Param({"6"})
    public int digitBits;

    static final int F = 24;
    ExactFunctions[] ef = new ExactFunctions[2];
    long[] x0, x1, d0, d1;
    long[] table;

    @Setup(Level.Trial)
    public void setUp() {
        openBackends(F);
        ef[0] = new ExactFunctions(be[0], digitBits);
        ef[1] = new ExactFunctions(be[1], digitBits);
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        x0 = g.nextLongs(n);
        x1 = g.nextLongs(n);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
            long x = (long) ((r.nextDouble() * 2 - 1) * 20 * (1L << F)); // |x| < 20: the functions' live range
            x1[i] = x - x0[i];
        }
        table = g.nextLongs(1 << digitBits);
        d0 = g.nextLongs(n);
        d1 = g.nextLongs(n);
        sigmoid(); // Ferret's first extension and the first compilations
        tp.mark();
    }

    /** One function of both parties on their shares, labelled for the report. */
    private long[] function(String name, ExactFunctionsBench.Fn fn) {
        current = name + " (exact, <= 1 ulp), n=" + n + ", f=" + F + ", digits of " + digitBits + " bits";
        currentElements = n;
        ProtocolId id = ProtocolId.of("bench", name);
        return tp.run(s -> fn.apply(ef[0], x0, id), s -> fn.apply(ef[1], x1, id));
    }

    /** exp, sigmoid or tanh of one party's shares. */
    interface Fn {
        long[] apply(ExactFunctions ef, long[] x, ProtocolId id);
    }

    @Benchmark
    public long[] exp() {
        return function("exp", ExactFunctions::exp);
    }

    @Benchmark
    public long[] sigmoid() {
        return function("sigmoid", ExactFunctions::sigmoid);
    }

    @Benchmark
    public long[] tanh() {
        return function("tanh", ExactFunctions::tanh);
    }

    /** softplus forward (SmoothActivation: the exp's clip and tree, then ExactLog of a value in [1, 2]). */
    @Benchmark
    public long[] softplus() {
        current = "softplus forward (exact, faithful), n=" + n + ", f=" + F + ", digits of " + digitBits + " bits";
        currentElements = n;
        ProtocolId id = ProtocolId.of("bench", "softplus");
        SmoothActivation sp = new SmoothActivation(SmoothActivation.Kind.SOFTPLUS);
        return tp.run(s -> sp.forward(be[0], x0, id).y(), s -> sp.forward(be[1], x1, id).y());
    }

    @Benchmark
    public long[] lookup() {
        current = "table lookup, n=" + n + ", d=" + digitBits;
        currentElements = n;
        ProtocolId id = ProtocolId.of("bench", "lookup");
        return tp.run(s -> be[0].lookup(d0, digitBits, table, id), s -> be[1].lookup(d1, digitBits, table, id));
    }
}
