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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.securetrain.crypto.ot.BlockCotReceiver;
import org.securetrain.crypto.ot.BlockCotSender;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.crypto.ot.silent.FerretParams;
import org.securetrain.crypto.ot.silent.FerretSender;
import org.securetrain.crypto.ot.silent.SilentOt;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Traffic;

/**
 * Silent OT (Ferret) next to IKNP in the same run: random COTs per second over calls of 2^22 (party 0
 * sender, party 1 receiver, one thread each, in-memory transport), and bits per COT from the sessions'
 * traffic ("[traffic]" lines: bytes per element x 8 = bits per COT, flights per call). Silent COTs are
 * served from the self-refilling pool, so a measurement covers whole iterations amortised (one
 * ferret_b13 iteration serves 15,015,812 COTs, i.e. about 3.6 calls). The set-up (base OTs are not
 * included: the OtEngine is shared with IKNP) is printed once per trial as a "[setup]" line: wall time,
 * bytes and flights of bootstrapping both directions; {@link #openInstance} measures one more instance.
 * Run: java -jar benchmarks/target/benchmarks.jar SilentOtBench -f 1 -wi 2 -i 3
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
public class SilentOtBench {
    /** COTs per two-party call. */
    static final int N = 1 << 22;

    /** Parameter set; compare with e.g. -p params=ferret_b11,ferret_b12,ferret_b13. */
    @Param({"ferret_b11", "ferret_b13"})
    public String params;

    TwoParties tp;
    SilentOt s0;
    SilentOt s1;
    RandomCotSender ferretS;
    RandomCotReceiver ferretR;
    BlockCotSender iknpS;
    BlockCotReceiver iknpR;
    long[] q;
    long[] t;
    long[] bits;
    long[] choices;
    int instances;
    /** Silent COTs drawn in this trial and party 0's Ferret-stream bytes at the trial's first draw. */
    long silentCots;
    long silentBytes0 = -1;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        FerretParams p = FerretParams.named(params);
        Traffic before = tp.pair.party(0).traffic().total();
        long t0 = System.nanoTime();
        SilentOt[] s = new SilentOt[2];
        tp.run(x -> s[0] = SilentOt.setup(tp.e0, new SecureRandom(), p),
                x -> s[1] = SilentOt.setup(tp.e1, new SecureRandom(), p));
        long ns = System.nanoTime() - t0;
        Traffic d = tp.pair.party(0).traffic().total().minus(before);
        System.out.printf("%n[setup] %s, both directions (each party: one sender and one receiver instance):"
                + " %.0f ms wall,"
                + " party 0 sent %d B and received %d B, %d flights by party 0%n", p, ns / 1e6, d.bytesSent(),
                d.bytesReceived(), d.rounds());
        s0 = s[0];
        s1 = s[1];
        ferretS = s0.sender();
        ferretR = s1.receiver();
        iknpS = tp.e0.cotSender(ProtocolId.of("bench", "iknp"));
        iknpR = tp.e1.cotReceiver(ProtocolId.of("bench", "iknp"));
        q = new long[2 * N];
        t = new long[2 * N];
        bits = new long[N / 64];
        choices = Prg.fromSecureRandom(new SecureRandom()).nextBits(N);
        tp.mark();
    }

    @Setup(Level.Iteration)
    public void markIteration() {
        tp.mark();
    }

    @TearDown(Level.Iteration)
    public void reportIteration(BenchmarkParams bp) {
        String name = bp.getBenchmark();
        name = name.substring(name.lastIndexOf('.') + 1);
        tp.report(name + " " + params, name.equals("openInstance") ? 1 : N);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (silentCots > 0) {
            long bytes = ferretStreamBytes() - silentBytes0;
            long iterations = bytes / FerretParams.named(params).bytesPerIteration();
            System.out.printf("%n[amortised] %s: %d silent COTs in this trial, %d iterations, %d bytes on the Ferret"
                    + " stream: %.4f bits per COT (a whole iteration: %.4f)%n", params, silentCots, iterations, bytes,
                    8.0 * bytes / silentCots, 8.0 * FerretParams.named(params).bytesPerIteration()
                            / FerretParams.named(params).outputsPerIteration());
        }
        tp.close();
    }

    private long ferretStreamBytes() {
        Traffic t = tp.pair.party(0).traffic().snapshot().streams().get(((FerretSender) ferretS).channelName());
        return t == null ? 0 : t.bytesTotal();
    }

    /** Ferret random COT from the pool: both parties draw 2^22. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long[] silentCot() {
        if (silentBytes0 < 0) {
            silentBytes0 = ferretStreamBytes();
        }
        silentCots += N;
        tp.run(x -> {
            ferretS.next(N, q);
            return null;
        }, x -> {
            ferretR.next(N, bits, t);
            return null;
        });
        return t;
    }

    /** IKNP block COT of 2^22 (random choices supplied by the receiver), for comparison. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long[] iknpCot() {
        return tp.run(x -> iknpS.sendBlockCot(N), x -> iknpR.receiveBlockCot(choices, N));
    }

    /** Bootstraps one further instance (one direction): IKNP base COTs, and for b11..b13 one b10 iteration. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, batchSize = 1)
    @Measurement(iterations = 4, batchSize = 1)
    public Object openInstance() {
        ProtocolId id = ProtocolId.of("bench", "instance" + instances++);
        return tp.run(x -> s0.openSender(id), x -> s1.openReceiver(id));
    }
}
