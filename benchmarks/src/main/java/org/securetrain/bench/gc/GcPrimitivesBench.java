package org.securetrain.bench.gc;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.Circuit;
import org.securetrain.crypto.gc.HalfGatesScheme;
import org.securetrain.protocols.ReluTruncation;

/**
 * The garbling engine alone, one thread, next to its AES floor measured with the engine's exact
 * buffer sizes:
 * <ul>
 *   <li>{@code aesFloorEngineCall}: AES-128-ECB blocks/s for one JCA call over 512 blocks, the size
 *       of every hash call of the engine (one call per hash stream per gate per 512-element pass);</li>
 *   <li>{@code aesFloorLargeCall}: the same over 8192 blocks, for reference;</li>
 *   <li>{@code garbleRelu} / {@code evaluateRelu}: one chunk of {@code m} elements of the
 *       ReLU-truncation circuit (f = 16); the aux counter {@code ands} gives garbled (evaluated) AND
 *       gates per second, {@code tableBytes} the garbled-table bytes per second. With m = 512 the
 *       garbled chunk (3.7 MB) stays in cache like the protocol's 4 MiB send buffer; with m = 4096 it is
 *       a 30 MB array and memory traffic shows.</li>
 * </ul>
 * Garbling costs 4 AES blocks per AND (2 per half-gate), evaluation 2, so the ideal rates are
 * floor/4 and floor/2. Run: {@code java -jar benchmarks/target/benchmarks.jar GcPrimitivesBench -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Thread)
public class GcPrimitivesBench {
    private static final int PASS_BLOCKS = 512;
    private static final int LARGE_BLOCKS = 8192;

    @Param({"16"})
    public int f;

    @Param({"512"})
    public int m;

    private Cipher aes;
    private byte[] in;
    private byte[] out;
    private Circuit relu;
    private HalfGatesScheme.Garbler garbler;
    private HalfGatesScheme.Evaluator evaluator;
    private long[] zero;
    private long[] active;
    private long[] gbits;
    private long[] garbled;
    private long[] garbledForEval;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long ands;
        public long tableBytes;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"));
        in = new byte[LARGE_BLOCKS * 16];
        out = new byte[LARGE_BLOCKS * 16];
        new SplittableRandom(1).nextBytes(in);
        relu = ReluTruncation.circuit(f);
        SplittableRandom rnd = new SplittableRandom(2);
        long dLo = rnd.nextLong() | 1;
        long dHi = rnd.nextLong();
        garbler = new HalfGatesScheme.Garbler(dLo, dHi, 5, 6);
        evaluator = new HalfGatesScheme.Evaluator(5, 6);
        zero = new long[2 * relu.evaluatorInputCount() * m];
        active = new long[zero.length];
        for (int i = 0; i < zero.length; i += 2) {
            zero[i] = rnd.nextLong();
            zero[i + 1] = rnd.nextLong();
            boolean one = rnd.nextBoolean();
            active[i] = zero[i] ^ (one ? dLo : 0);
            active[i + 1] = zero[i + 1] ^ (one ? dHi : 0);
        }
        gbits = new long[relu.garblerInputCount() * BitPlanes.words(m)];
        for (int i = 0; i < gbits.length; i++) {
            gbits[i] = rnd.nextLong();
        }
        garbled = new long[HalfGatesScheme.garbledLength(relu, m)];
        // The evaluator replays one garbled chunk repeatedly; keys re-key by usage on both objects alike,
        // but replay across key generations would decode garbage, which costs the same time.
        garbledForEval = garbler.garble(relu, m, zero, gbits);
    }

    @Benchmark
    @OperationsPerInvocation(PASS_BLOCKS)
    public byte[] aesFloorEngineCall() throws Exception {
        aes.update(in, 0, PASS_BLOCKS * 16, out, 0);
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_BLOCKS)
    public byte[] aesFloorLargeCall() throws Exception {
        aes.update(in, 0, LARGE_BLOCKS * 16, out, 0);
        return out;
    }

    @Benchmark
    public long[] garbleRelu(Counters c) {
        garbler.garbleInto(relu, m, zero, gbits, garbled);
        c.ands += (long) relu.andCount() * m;
        c.tableBytes += (long) relu.garbledBytesPerElement() * m;
        return garbled;
    }

    @Benchmark
    public long[] evaluateRelu(Counters c) {
        long[] o = evaluator.evaluate(relu, m, active, garbledForEval);
        c.ands += (long) relu.andCount() * m;
        c.tableBytes += (long) relu.garbledBytesPerElement() * m;
        return o;
    }
}
