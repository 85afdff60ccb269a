package org.securetrain.bench.he;

import java.time.Duration;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.ConvPlan;
import org.securetrain.crypto.he.ConvShape;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.protocols.MatrixShare;
import org.securetrain.protocols.SecureConv2d;
import org.securetrain.protocols.SecureMatMul;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The convolution products of one LeNet training step on shares, batch 128, each as the layer runs it
 * ({@code Conv2dKernel}'s lowering to correlations): the direct HomConv correlation ({@link SecureConv2d})
 * against im2col (local) and the matrix product ({@link SecureMatMul}, its cheaper orientation).
 * {@code conv2.fwd} is the layer: 6 -> 16 maps, 5x5 kernel on 12x12x6 inputs, kernel and input both
 * shared (both cross terms run); conv1's input is the data owner's in the clear (one cross term). Both
 * parties in this JVM over the in-memory transport. Time per product; bytes each way, messages, rounds and
 * the process CPU time per product (both parties together) are printed at the end of each trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 5)
public class SecureConvBench {
    static final int BATCH = 128;

    @Param({"conv2.fwd", "conv2.dW", "conv2.dX", "conv1.fwd", "conv1.dW"})
    public String product;

    @Param({"direct", "im2col"})
    public String method;

    ConvShape shape;
    ShareKind inputKind;
    long cpuStart;

    InMemoryTransport.Pair pair;
    HeContext[] ctx = new HeContext[2];
    long[][] w = new long[2][];
    long[][] x = new long[2][];
    TrafficStats.Snapshot[] start = new TrafficStats.Snapshot[2];
    long invocations;

    @Setup(Level.Trial)
    public void setup() {
        pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(5)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(5)).build());
        var r = TwoPartyRunner.run(pair.party(0), HeContext::open, pair.party(1), HeContext::open);
        ctx[0] = r.party0();
        ctx[1] = r.party1();
        shape = switch (product) {
            case "conv2.fwd" -> ConvShape.valid(16, BATCH, 6, 12, 12, 5, 5, 1, 1);
            case "conv2.dW" -> new ConvShape(16, 6, BATCH, 12, 12, 8, 8, 1, 1, 5, 5);
            case "conv2.dX" -> new ConvShape(6, BATCH, 16, 16, 16, 5, 5, 1, 1, 12, 12);
            case "conv1.fwd" -> ConvShape.valid(6, BATCH, 1, 28, 28, 5, 5, 1, 1);
            case "conv1.dW" -> new ConvShape(6, 1, BATCH, 28, 28, 24, 24, 1, 1, 5, 5);
            default -> throw new IllegalArgumentException(product);
        };
        inputKind = product.startsWith("conv1") ? ShareKind.ONLY_PARTY1 : ShareKind.BOTH;
        SplittableRandom rnd = new SplittableRandom(1);
        for (int p = 0; p < 2; p++) {
            w[p] = rnd.longs(shape.kernelLength()).toArray();
            x[p] = inputKind.isZeroAt(p) ? new long[shape.inputLength()] : rnd.longs(shape.inputLength()).toArray();
        }
        cpuStart = processCpuNanos();
        start[0] = pair.party(0).traffic().snapshot();
        start[1] = pair.party(1).traffic().snapshot();
        invocations = 0;
    }

    long[] party(int p, org.securetrain.runtime.Session s) {
        ProtocolId id = ProtocolId.of("bench");
        if (method.equals("direct")) {
            return new SecureConv2d(s, ctx[p]).correlate(w[p], ShareKind.BOTH, x[p], inputKind, shape, id);
        }
        int k = shape.inCh() * shape.kh() * shape.kw();
        int cols = shape.groups() * shape.outH() * shape.outW();
        return new SecureMatMul(s, ctx[p]).multiply(MatrixShare.of(shape.outCh(), k, w[p]),
                MatrixShare.of(k, cols, shape.im2col(x[p]), inputKind), id);
    }

    @Benchmark
    public Object forwardProduct() {
        invocations++;
        return TwoPartyRunner.run(pair.party(0), s -> party(0, s), pair.party(1), s -> party(1, s));
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @TearDown(Level.Trial)
    public void report() {
        Traffic t0 = pair.party(0).traffic().snapshot().minus(start[0]).total();
        Traffic t1 = pair.party(1).traffic().snapshot().minus(start[1]).total();
        long inv = Math.max(1, invocations);
        double cpu = (processCpuNanos() - cpuStart) / 1e9 / inv;
        String plan = method.equals("direct") ? ConvPlan.choose(ctx[0].params(), shape).toString()
                : SecureMatMul.describePlan(ctx[0], shape.outCh(), shape.inCh() * shape.kh() * shape.kw(),
                        shape.groups() * shape.outH() * shape.outW());
        System.out.printf("%n[conv] %s %s: %s%n[conv] per product: party 0 sent %s in %.1f msgs (%.1f rounds), party 1 "
                + "sent %s in %.1f msgs (%.1f rounds); process CPU %.3f s (both parties); %d products measured%n",
                product, method, plan, Traffic.human(t0.bytesSent() / inv), (double) t0.messagesSent() / inv,
                (double) t0.rounds() / inv, Traffic.human(t1.bytesSent() / inv), (double) t1.messagesSent() / inv,
                (double) t1.rounds() / inv, cpu, inv);
        ctx[0].close();
        ctx[1].close();
        pair.close();
    }
}
