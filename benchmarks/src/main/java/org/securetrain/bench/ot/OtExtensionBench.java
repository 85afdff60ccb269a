package org.securetrain.bench.ot;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.securetrain.crypto.ot.BlockCotReceiver;
import org.securetrain.crypto.ot.BlockCotSender;
import org.securetrain.crypto.ot.ChosenOtReceiver;
import org.securetrain.crypto.ot.ChosenOtSender;
import org.securetrain.crypto.ot.RandomOtReceiver;
import org.securetrain.crypto.ot.RandomOtSender;
import org.securetrain.crypto.ot.RingCotReceiver;
import org.securetrain.crypto.ot.RingCotSender;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.ProtocolId;

/**
 * OT-extension throughput, both parties in one process (in-memory transport, one thread per party).
 * Score = OTs per second, measured over whole two-party batches of 2^20 OTs (party 0 sender, party 1
 * receiver), so per-call overhead is included.
 * Traffic per OT and flights are printed at the end of each trial ("[traffic]" lines).
 * Run: java -jar benchmarks/target/benchmarks.jar OtExtensionBench -f 1 -wi 2 -i 3
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class OtExtensionBench {
    /** OTs per two-party call (one chunk). */
    static final int N = 1 << 20;
    final int n = N;

    TwoParties tp;
    long[] choices;
    long[] delta;
    long[] m0, m1, out0, out1;
    BlockCotSender cotS;
    BlockCotReceiver cotR;
    RandomOtSender rotS;
    RandomOtReceiver rotR;
    RingCotSender ringS;
    RingCotReceiver ringR;
    ChosenOtSender chS;
    ChosenOtReceiver chR;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        choices = g.nextBits(n);
        delta = g.nextLongs(n);
        m0 = g.nextLongs(n);
        m1 = g.nextLongs(n);
        out0 = new long[n];
        out1 = new long[n];
        cotS = tp.e0.cotSender(ProtocolId.parse("bench.cot"));
        cotR = tp.e1.cotReceiver(ProtocolId.parse("bench.cot"));
        rotS = tp.e0.rotSender(ProtocolId.parse("bench.rot"));
        rotR = tp.e1.rotReceiver(ProtocolId.parse("bench.rot"));
        ringS = tp.e0.ringCotSender(ProtocolId.parse("bench.ring"));
        ringR = tp.e1.ringCotReceiver(ProtocolId.parse("bench.ring"));
        chS = tp.e0.chosenOtSender(ProtocolId.parse("bench.chosen"));
        chR = tp.e1.chosenOtReceiver(ProtocolId.parse("bench.chosen"));
        tp.mark();
    }

    @Setup(Level.Iteration)
    public void markIteration() {
        tp.mark();
    }

    /** Traffic and CPU per element of this iteration (printed once per warm-up and measurement iteration). */
    @TearDown(Level.Iteration)
    public void reportIteration(BenchmarkParams params) {
        String name = params.getBenchmark();
        tp.report(name.substring(name.lastIndexOf('.') + 1) + " n=" + n, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tp.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] blockCot() {
        return tp.run(s -> cotS.sendBlockCot(n), s -> cotR.receiveBlockCot(choices, n));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] randomOt64() {
        tp.run(s -> {
            rotS.send64(n, out0, out1);
            return null;
        }, s -> rotR.receive64(choices, n));
        return out0;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] ringCot() {
        return tp.run(s -> ringS.send(delta, n), s -> ringR.receive(choices, n));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] chosenOt64() {
        tp.run(s -> {
            chS.send64(m0, m1, n);
            return null;
        }, s -> chR.receive64(choices, n));
        return m0;
    }
}
