package org.securetrain.bench.gc;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.protocols.ReluTruncation;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.ProtocolId;

/**
 * The ReLU-with-truncation kernel end to end: both parties in one process
 * over the in-memory transport, each on its own thread, including the IKNP OT extension for the
 * evaluator's 64 input bits per element (the base OTs are set up once, outside the measurement).
 * Reports time per call of n elements; the per-iteration tear-down prints elements/s, AND gates/s,
 * bytes per element and rounds per call from the traffic accounting.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ReluKernelBench -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@State(Scope.Benchmark)
public class ReluKernelBench {
    @Param({"65536"})
    public int n;

    @Param({"16"})
    public int f;

    private InMemoryTransport.Pair pair;
    private GcProtocol gc0;
    private GcProtocol gc1;
    private long[] z0;
    private long[] z1;
    private ExecutorService peer;
    private TrafficStats.Snapshot start0;
    private TrafficStats.Snapshot start1;
    private long calls;
    private long nanos;
    private long andsPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        SessionOptions.Builder o0 = SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(2));
        SessionOptions.Builder o1 = SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(2));
        pair = InMemoryTransport.pair(o0.build(), o1.build());
        var engines = TwoPartyRunner.run(pair.party(0), s -> OtEngine.setup(s, new SecureRandom()),
                pair.party(1), s -> OtEngine.setup(s, new SecureRandom()));
        gc0 = GcProtocol.open(pair.party(0), engines.party0(), ProtocolId.parse("bench.relu"));
        gc1 = GcProtocol.open(pair.party(1), engines.party1(), ProtocolId.parse("bench.relu"));
        SplittableRandom rnd = new SplittableRandom(7);
        z0 = new long[n];
        z1 = new long[n];
        for (int i = 0; i < n; i++) {
            z0[i] = rnd.nextLong();
            z1[i] = (rnd.nextLong() >> 20) - z0[i];
        }
        peer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "party-1");
            t.setDaemon(true);
            return t;
        });
    }

    @Setup(Level.Iteration)
    public void mark() {
        start0 = pair.party(0).traffic().snapshot();
        start1 = pair.party(1).traffic().snapshot();
        calls = 0;
        nanos = 0;
    }

    @TearDown(Level.Iteration)
    public void report() {
        if (calls == 0) {
            return;
        }
        TrafficStats.Snapshot d0 = pair.party(0).traffic().snapshot().minus(start0);
        TrafficStats.Snapshot d1 = pair.party(1).traffic().snapshot().minus(start1);
        Traffic gcT = d0.stepsWithPrefix("gc.");
        Traffic otT = d1.stepsWithPrefix("ot.");
        long total = d0.total().bytesSent() + d1.total().bytesSent();
        double seconds = nanos / 1e9 / calls;
        System.out.printf("%n  per call of n=%d: %.1f ms, %.2f M elements/s, %.1f M AND/s; %.1f B/element total"
                        + " (GC %.1f garbler->evaluator, OT %.1f evaluator->garbler), GC rounds %.1f, OT rounds %.1f,"
                        + " messages %.1f%n", n, seconds * 1e3, n / seconds / 1e6, andsPerCall / seconds / 1e6,
                total / (double) calls / n, gcT.bytesSent() / (double) calls / n, otT.bytesSent() / (double) calls / n,
                gcT.rounds() / (double) calls, otT.rounds() / (double) calls,
                (d0.total().messagesSent() + d1.total().messagesSent()) / (double) calls);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        peer.shutdownNow();
        pair.close();
    }

    private <T> T both(java.util.function.Supplier<T> party0, java.util.function.Supplier<?> party1, long ands)
            throws Exception {
        long t0 = System.nanoTime();
        Future<?> other = peer.submit(party1::get);
        T mine = party0.get();
        other.get();
        nanos += System.nanoTime() - t0;
        calls++;
        andsPerCall = ands;
        return mine;
    }

    @Benchmark
    public ReluTruncation.Result relu() throws Exception {
        return both(() -> ReluTruncation.run(gc0, z0, f), () -> ReluTruncation.run(gc1, z1, f),
                (long) ReluTruncation.circuit(f).andCount() * n);
    }
}
