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
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.protocols.FaithfulTruncation;
import org.securetrain.protocols.MaxPoolCircuitProtocol;
import org.securetrain.runtime.ProtocolId;

/**
 * The two share kernels the layer code uses most after ReLU: faithful truncation (one ring COT per
 * element, DESIGN 4.4) on 2^20 elements, and the garbled max/argmax over 2x2 windows (DESIGN 4.5) on
 * 2^14 windows. Nanoseconds per element (per window); both parties in one process; traffic and flights
 * per element are printed after each iteration.
 * Run: java -jar benchmarks/target/benchmarks.jar ShareKernelsBench -f 1 -wi 2 -i 3
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ShareKernelsBench extends LabelledTwoPartyBench {
    static final int N_TRUNC = 1 << 20;
    static final int WINDOWS = 1 << 14;
    static final int K = 4;
    GcProtocol[] gc = new GcProtocol[2];
    long[] t0, t1, m0, m1;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        t0 = g.nextLongs(N_TRUNC);
        t1 = new long[N_TRUNC];
        long[] x = g.nextLongs(N_TRUNC);
        for (int i = 0; i < N_TRUNC; i++) {
            t1[i] = (x[i] >> 2) - t0[i]; // shares of values with |x| < 2^62
        }
        m0 = g.nextLongs(WINDOWS * K);
        m1 = g.nextLongs(WINDOWS * K);
        ProtocolId max = ProtocolId.of("bench", "max");
        tp.run(s -> gc[0] = GcProtocol.open(s, tp.e0, max), s -> gc[1] = GcProtocol.open(s, tp.e1, max));
        tp.mark();
    }

    @Benchmark
    @OperationsPerInvocation(N_TRUNC)
    public long[] faithfulTruncation() {
        current = "FaithfulTruncation n=" + N_TRUNC + " by 24 bits";
        currentElements = N_TRUNC;
        ProtocolId trunc = ProtocolId.of("bench", "trunc");
        return tp.run(s -> FaithfulTruncation.truncate(tp.e0, t0, 24, trunc),
                s -> FaithfulTruncation.truncate(tp.e1, t1, 24, trunc));
    }

    @Benchmark
    @OperationsPerInvocation(WINDOWS)
    public MaxPoolCircuitProtocol.Result maxPool2x2() {
        current = "MaxPoolCircuitProtocol windows=" + WINDOWS + " k=" + K;
        currentElements = WINDOWS;
        return tp.run(s -> MaxPoolCircuitProtocol.run(gc[0], m0, K), s -> MaxPoolCircuitProtocol.run(gc[1], m1, K));
    }
}
