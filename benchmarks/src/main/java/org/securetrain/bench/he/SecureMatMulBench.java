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
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.protocols.MatrixShare;
import org.securetrain.protocols.SecureMatMul;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.ProtocolId;

/**
 * Secure shared matrix product (both cross terms, separately or in one joint reply; both parties in this JVM over the in-memory
 * transport; each party uses two threads, so the two parties share the machine's cores). Time per
 * product; bytes each way, messages and rounds per product are printed at the end of each trial from
 * the sessions' traffic snapshots.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 5)
public class SecureMatMulBench {
    @Param({"128x784x128", "10x128x128"})
    public String shape;

    /**
     * Joint products ({@link HeParameters.JointProducts}): WHEN_CHEAPER (the default), NEVER (two cross terms) or
     * ALWAYS (one reply for both), to compare both schemes on one shape.
     */
    @Param({"WHEN_CHEAPER"})
    public String joint;

    /** Each party's compute pool ({@code SessionOptions.computeThreads}): what it may use at once. */
    @Param({"2"})
    public int threadsPerParty;

    InMemoryTransport.Pair pair;
    HeContext[] ctx = new HeContext[2];
    MatrixShare[] a = new MatrixShare[2];
    MatrixShare[] b = new MatrixShare[2];
    TrafficStats.Snapshot[] start = new TrafficStats.Snapshot[2];
    long invocations;
    long[] cpuStart = new long[2];
    String plan;

    @Setup(Level.Trial)
    public void setup() {
        String[] d = shape.split("x");
        int m = Integer.parseInt(d[0]);
        int k = Integer.parseInt(d[1]);
        int n = Integer.parseInt(d[2]);
        pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(5))
                        .computeThreads(threadsPerParty).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(5))
                        .computeThreads(threadsPerParty).build());
        HeParameters params = HeParameters.standard().withJointProducts(HeParameters.JointProducts.valueOf(joint));
        var r = TwoPartyRunner.run(pair.party(0), s -> HeContext.open(s, params), pair.party(1),
                s -> HeContext.open(s, params));
        ctx[0] = r.party0();
        ctx[1] = r.party1();
        SplittableRandom rnd = new SplittableRandom(1);
        for (int p = 0; p < 2; p++) {
            long[] x = new long[m * k];
            long[] y = new long[k * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextLong();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = rnd.nextLong();
            }
            a[p] = MatrixShare.of(m, k, x);
            b[p] = MatrixShare.of(k, n, y);
        }
        plan = SecureMatMul.describePlan(ctx[0], m, k, n, true);
        start[0] = pair.party(0).traffic().snapshot();
        start[1] = pair.party(1).traffic().snapshot();
        cpuStart[0] = pair.party(0).threads().cpuNanos();
        cpuStart[1] = pair.party(1).threads().cpuNanos();
        invocations = 0;
    }

    @Benchmark
    public Object sharedProduct() {
        invocations++;
        ProtocolId id = ProtocolId.of("bench");
        return TwoPartyRunner.run(pair.party(0), s -> new SecureMatMul(s, ctx[0]).multiply(a[0], b[0], id),
                pair.party(1), s -> new SecureMatMul(s, ctx[1]).multiply(a[1], b[1], id));
    }

    @TearDown(Level.Trial)
    public void report() {
        Traffic t0 = pair.party(0).traffic().snapshot().minus(start[0]).total();
        Traffic t1 = pair.party(1).traffic().snapshot().minus(start[1]).total();
        long inv = Math.max(1, invocations);
        System.out.printf("%n[he] %s: %s%n[he] per product: party 0 sent %s in %.1f msgs (%.1f rounds), party 1 sent %s in "
                + "%.1f msgs (%.1f rounds); %d products measured%n", shape, plan, Traffic.human(t0.bytesSent() / inv),
                (double) t0.messagesSent() / inv, (double) t0.rounds() / inv, Traffic.human(t1.bytesSent() / inv),
                (double) t1.messagesSent() / inv, (double) t1.rounds() / inv, inv);
        System.out.printf("[he] %s, %d threads per party: CPU per product: party 0 %.3f s, party 1 %.3f s (session "
                + "threads, incl. warm-up)%n", shape, threadsPerParty,
                (pair.party(0).threads().cpuNanos() - cpuStart[0]) / 1e9 / inv,
                (pair.party(1).threads().cpuNanos() - cpuStart[1]) / 1e9 / inv);
        ctx[0].close();
        ctx[1].close();
        pair.close();
    }
}
