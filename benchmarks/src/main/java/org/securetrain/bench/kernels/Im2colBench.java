package org.securetrain.bench.kernels;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.layermath.Im2col;

/**
 * The convolution output's two layout moves (local, per party, on shares): the outC x P product matrix to NCHW
 * (forward) and back (backward), at LeNet's first convolution (batch 128, 1 x 28 x 28 to 6 x 24 x 24, 5 x 5).
 * Score = nanoseconds per output element.
 * Run: java -jar benchmarks/target/benchmarks.jar Im2colBench -f 1 -wi 2 -i 3
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class Im2colBench {
    static final Im2col.Geometry G = new Im2col.Geometry(128, 1, 28, 28, 6, 5, 5, 1, 1, 0, 0);
    static final int N = 128 * 6 * 24 * 24;
    long[] mat;
    long[] nchw;

    @Setup
    public void setUp() {
        mat = new long[N];
        nchw = new long[N];
        for (int i = 0; i < N; i++) {
            mat[i] = i * 0x9E3779B97F4A7C15L;
            nchw[i] = ~mat[i];
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] matToNchw() {
        return Im2col.matToNchw(mat, G);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] nchwToMat() {
        return Im2col.nchwToMat(nchw, G);
    }
}
