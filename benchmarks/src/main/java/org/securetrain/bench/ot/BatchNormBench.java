package org.securetrain.bench.ot;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.layermath.BatchNormKernel;
import org.securetrain.ring.FixedPoint;

/**
 * One batch-normalisation layer's training forward and backward ({@link BatchNormKernel}: batch mean and variance,
 * one rsqrt per channel, element-wise products, DL4J's backward and running-estimate update) on the default
 * two-party backend (OT engine, Ferret silent COTs), both parties in one process over the in-memory transport. The
 * default shape is the LeNet-style CNN's first feature map: batch 128, 6 channels of 24x24 (the parity harness's
 * {@code --cnn 6,16,84}). Reports bytes, party 0's flights and CPU per call and per element.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar BatchNormBench -f 1 -wi 0 -i 1 -bm ss}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
public class BatchNormBench extends LabelledTwoPartyBench {
    @Param({"128"})
    public int batch;
    @Param({"6"})
    public int channels;
    /** Positions per channel and example (24 x 24). */
    @Param({"576"})
    public int positions;

    static final int F = 24;
    BatchNormKernel[] k = new BatchNormKernel[2];
    BatchNormKernel.Layout layout;
    long[] x0, x1, dy0, dy1;

    @Setup(Level.Trial)
    public void setUp() {
        openBackends(F);
        layout = new BatchNormKernel.Layout(batch, channels, positions, false);
        int n = batch * channels * positions;
        java.util.Random r = new java.util.Random(1);
        x0 = new long[n];
        x1 = new long[n];
        dy0 = new long[n];
        dy1 = new long[n];
        for (int i = 0; i < n; i++) {
            x0[i] = r.nextLong();
            x1[i] = (long) (r.nextGaussian() * 2 * (1L << F)) - x0[i];
            dy0[i] = r.nextLong();
            dy1[i] = (long) (r.nextGaussian() * 0.01 * (1L << F)) - dy0[i];
        }
        long one = FixedPoint.of(F).encode(1.0);
        for (int p = 0; p < 2; p++) {
            long[] g = new long[channels];
            long[] v = new long[channels];
            if (p == 0) {
                java.util.Arrays.fill(g, one);
                java.util.Arrays.fill(v, one);
            }
            k[p] = new BatchNormKernel("bench.bnorm", channels, 1e-5, 0.9, null, g, new long[channels],
                    new long[channels], v);
        }
    }

    @Benchmark
    public long[] forwardBackward() {
        current = "BatchNorm forward+backward, batch " + batch + ", " + channels + " channels x " + positions
                + " positions, f=" + F;
        currentElements = (long) batch * channels * positions;
        return tp.run(s -> {
            k[0].forward(be[0], x0, layout, true);
            return k[0].backward(be[0], dy0, true);
        }, s -> {
            k[1].forward(be[1], x1, layout, true);
            return k[1].backward(be[1], dy1, true);
        });
    }
}
