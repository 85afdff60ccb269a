package org.securetrain.bench.ot;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.protocols.BitTimesShare;
import org.securetrain.runtime.ProtocolId;

/**
 * Bit-times-share kernel (DESIGN 4.4): nanoseconds per element for a batch of 2^20 elements, both
 * parties in one process (each party runs its two OT directions on two threads: 4 busy threads on
 * the 2-core machine). Traffic per element and flights are printed at the end of the trial.
 * Run: java -jar benchmarks/target/benchmarks.jar BitTimesShareBench -f 1 -wi 2 -i 3
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class BitTimesShareBench {
    static final int N = 1 << 20;
    TwoParties tp;
    long[] d0, d1, x0, x1;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        d0 = g.nextBits(N);
        d1 = g.nextBits(N);
        x0 = g.nextLongs(N);
        x1 = g.nextLongs(N);
        tp.mark();
    }

    @Setup(Level.Iteration)
    public void markIteration() {
        tp.mark();
    }

    /** Traffic and CPU of this iteration (printed once per warm-up and measurement iteration). */
    @TearDown(Level.Iteration)
    public void reportIteration() {
        tp.report("BitTimesShare n=" + N, N);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tp.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] multiply() {
        return tp.run(s -> BitTimesShare.multiply(tp.e0, d0, x0, N, ProtocolId.parse("bench.bts")),
                s -> BitTimesShare.multiply(tp.e1, d1, x1, N, ProtocolId.parse("bench.bts")));
    }
}
