package org.securetrain.bench.ot;

import java.security.SecureRandom;
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
import org.securetrain.crypto.ot.BitMatrix;
import org.securetrain.crypto.prg.CrHash;
import org.securetrain.crypto.prg.Prg;

/**
 * The OT extension's local hot spots, one thread: 128 x 2^20 bit transpose, PRG expansion (fill, XOR into) and the TCCR
 * hash. Score = nanoseconds per 128-bit row / value / block.
 * Run: java -jar benchmarks/target/benchmarks.jar OtPrimitivesBench -f 1 -wi 2 -i 3
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class OtPrimitivesBench {
    static final int M = 1 << 20;
    long[] cols;
    long[] rows;
    long[] vals;
    Prg prg;
    CrHash hash;

    @Setup
    public void setUp() {
        prg = Prg.fromSecureRandom(new SecureRandom());
        cols = prg.nextLongs(128 * (M / 64));
        rows = new long[2 * M];
        vals = new long[M];
        hash = new CrHash();
    }

    /** Per 128-bit row. */
    @Benchmark
    @OperationsPerInvocation(M)
    public long[] transpose128() {
        BitMatrix.transpose128(cols, M / 64, M, rows, 0);
        return rows;
    }

    /** Per 64-bit value, 64 KiB per cipher call. */
    @Benchmark
    @OperationsPerInvocation(M)
    public long[] prgFill() {
        prg.fill(vals, 0, M);
        return vals;
    }

    /** Per 64-bit value XORed into the array (the OT extension's masking). */
    @Benchmark
    @OperationsPerInvocation(M)
    public long[] prgXorInto() {
        prg.xorInto(vals, 0, M);
        return vals;
    }

    /** Per 128-bit block, 64-bit output (two fixed-key AES calls per block). */
    @Benchmark
    @OperationsPerInvocation(M)
    public long[] tccrHash64() {
        hash.tccr(rows, 0, 0, 0, vals, 0, M, 0, 1, true);
        return vals;
    }
}
