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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.crypto.ot.ChouOrlandiBaseOt;
import org.securetrain.crypto.ot.OtEngine;

/**
 * Base OT cost: {@link OtEngine#setup} (128 Chou-Orlandi OTs in each direction, run concurrently, both
 * parties in one process) and one direction alone. Score = milliseconds per complete setup.
 * Run: java -jar benchmarks/target/benchmarks.jar BaseOtBench -f 1 -wi 2 -i 3
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class BaseOtBench {
    TwoParties tp;
    SecureRandom rnd;
    int runs;

    @Setup(Level.Trial)
    public void setUp() {
        tp = new TwoParties();
        rnd = new SecureRandom();
        tp.mark();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tp.report("base OT (per call)", 1);
        tp.close();
    }

    /** Full engine setup: 2 x 128 base OTs (both directions concurrently). */
    @Benchmark
    public OtEngine engineSetupBothDirections() {
        return tp.run(s -> OtEngine.setup(s, rnd), s -> OtEngine.setup(s, rnd));
    }

    /** 128 base OTs in one direction. */
    @Benchmark
    public byte[][][] baseOt128OneDirection() {
        String ch = "bench.base." + (runs++);
        long[] c = {rnd.nextLong(), rnd.nextLong()};
        return tp.run(s -> ChouOrlandiBaseOt.send(s.channel(ch), 128, rnd),
                s -> ChouOrlandiBaseOt.receive(s.channel(ch), c, 128, rnd));
    }
}
