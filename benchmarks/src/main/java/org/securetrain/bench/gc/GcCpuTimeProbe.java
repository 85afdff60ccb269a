package org.securetrain.bench.gc;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.Circuit;
import org.securetrain.crypto.gc.HalfGatesScheme;
import org.securetrain.protocols.ReluTruncation;

/**
 * Companion of {@link GcPrimitivesBench} for a shared, oversubscribed machine: the same three
 * measurements (fixed-key AES floor with the engine's 512-block calls, garbling and evaluation of the
 * ReLU circuit in chunks of 512 elements) timed in <em>thread CPU time</em> and reported as the best
 * of many rounds, so that time spent waiting for a core does not count. Not a JMH benchmark.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar org.securetrain.bench.gc.GcCpuTimeProbe}.
 */
public final class GcCpuTimeProbe {
    private GcCpuTimeProbe() {
    }

    public static void main(String[] args) throws Exception {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        Circuit relu = ReluTruncation.circuit(16);
        SplittableRandom rnd = new SplittableRandom(2);
        long dLo = rnd.nextLong() | 1;
        long dHi = rnd.nextLong();
        long[] zero = new long[2 * relu.evaluatorInputCount() * m];
        for (int i = 0; i < zero.length; i++) {
            zero[i] = rnd.nextLong();
        }
        long[] gb = new long[relu.garblerInputCount() * BitPlanes.words(m)];
        HalfGatesScheme.Garbler g = new HalfGatesScheme.Garbler(dLo, dHi, 5, 6);
        HalfGatesScheme.Evaluator ev = new HalfGatesScheme.Evaluator(5, 6);
        long[] garbled = new long[HalfGatesScheme.garbledLength(relu, m)];
        Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"));
        byte[] in = new byte[512 * 16];
        byte[] out = new byte[512 * 16];
        int iters = Math.max(1, 8 * 4096 / m);
        double bestAes = Double.MAX_VALUE;
        double bestG = Double.MAX_VALUE;
        double bestE = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long t0 = tb.getCurrentThreadCpuTime();
            for (int i = 0; i < 2000; i++) {
                aes.update(in, 0, in.length, out, 0);
            }
            long t1 = tb.getCurrentThreadCpuTime();
            for (int i = 0; i < iters; i++) {
                g.garbleInto(relu, m, zero, gb, garbled);
            }
            long t2 = tb.getCurrentThreadCpuTime();
            for (int i = 0; i < iters; i++) {
                ev.evaluate(relu, m, zero, garbled);
            }
            long t3 = tb.getCurrentThreadCpuTime();
            double ands = (double) relu.andCount() * m * iters;
            bestAes = Math.min(bestAes, (t1 - t0) / (2000.0 * 512));
            bestG = Math.min(bestG, (t2 - t1) / ands);
            bestE = Math.min(bestE, (t3 - t2) / ands);
        }
        double floor = 1e3 / bestAes;
        System.out.printf("AES-ECB floor (512-block calls): %.0f M blocks/s%n", floor);
        System.out.printf("garbling:   %.1f ns/AND = %.1f M AND/s = %.0f%% of floor/4 (%.0f M AND/s)%n", bestG, 1e3 / bestG,
                100 * (1e3 / bestG) / (floor / 4), floor / 4);
        System.out.printf("evaluation: %.1f ns/AND = %.1f M AND/s = %.0f%% of floor/2 (%.0f M AND/s)%n", bestE, 1e3 / bestE,
                100 * (1e3 / bestE) / (floor / 2), floor / 2);
        System.out.printf("circuit %s: %d garbled-table bytes per element = %.1f bytes per AND%n", relu,
                relu.garbledBytesPerElement(), relu.garbledBytesPerElement() / (double) relu.andCount());
    }
}
