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
import org.securetrain.layermath.Im2col;
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
 * One convolution layer's forward product on shares (LeNet's second convolution: 6 -> 16 maps, 5x5 kernel,
 * 12x12x6 inputs, batch 128; kernel and input both shared, so both cross terms run): the direct HomConv
 * correlation ({@link SecureConv2d}) against im2col (local) and the matrix product ({@link SecureMatMul}).
 * Both parties in this JVM over the in-memory transport. Time per product; bytes each way, messages and
 * rounds per product and each party's thread CPU time are printed at the end of each trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 5)
public class SecureConvBench {
    static final int BATCH = 128;
    static final Im2col.Geometry GEOMETRY = new Im2col.Geometry(BATCH, 6, 12, 12, 16, 5, 5, 1, 1, 0, 0);
    static final ConvShape SHAPE = ConvShape.valid(16, BATCH, 6, 12, 12, 5, 5, 1, 1);

    @Param({"direct", "im2col"})
    public String method;

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
        SplittableRandom rnd = new SplittableRandom(1);
        for (int p = 0; p < 2; p++) {
            w[p] = rnd.longs(SHAPE.kernelLength()).toArray();
            x[p] = rnd.longs(SHAPE.inputLength()).toArray();
        }
        start[0] = pair.party(0).traffic().snapshot();
        start[1] = pair.party(1).traffic().snapshot();
        invocations = 0;
    }

    long[] party(int p, org.securetrain.runtime.Session s) {
        ProtocolId id = ProtocolId.of("bench");
        if (method.equals("direct")) {
            return new SecureConv2d(s, ctx[p]).correlate(w[p], ShareKind.BOTH, x[p], ShareKind.BOTH, SHAPE, id);
        }
        int k = GEOMETRY.patchSize();
        long[] cols = Im2col.im2col(x[p], GEOMETRY);
        return new SecureMatMul(s, ctx[p]).multiply(MatrixShare.of(16, k, w[p]),
                MatrixShare.of(k, GEOMETRY.positions(), cols), id);
    }

    @Benchmark
    public Object forwardProduct() {
        invocations++;
        return TwoPartyRunner.run(pair.party(0), s -> party(0, s), pair.party(1), s -> party(1, s));
    }

    @TearDown(Level.Trial)
    public void report() {
        Traffic t0 = pair.party(0).traffic().snapshot().minus(start[0]).total();
        Traffic t1 = pair.party(1).traffic().snapshot().minus(start[1]).total();
        long inv = Math.max(1, invocations);
        String plan = method.equals("direct") ? ConvPlan.choose(ctx[0].params(), SHAPE).toString()
                : SecureMatMul.describePlan(ctx[0], 16, GEOMETRY.patchSize(), GEOMETRY.positions());
        System.out.printf("%n[conv] %s: %s%n[conv] per product: party 0 sent %s in %.1f msgs (%.1f rounds), party 1 "
                + "sent %s in %.1f msgs (%.1f rounds); %d products measured%n", method, plan,
                Traffic.human(t0.bytesSent() / inv), (double) t0.messagesSent() / inv, (double) t0.rounds() / inv,
                Traffic.human(t1.bytesSent() / inv), (double) t1.messagesSent() / inv, (double) t1.rounds() / inv, inv);
        ctx[0].close();
        ctx[1].close();
        pair.close();
    }
}
