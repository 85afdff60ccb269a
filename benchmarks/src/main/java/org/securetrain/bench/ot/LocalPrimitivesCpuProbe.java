package org.securetrain.bench.ot;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.Arrays;
import org.securetrain.crypto.prg.CrHash;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.layermath.Im2col;

/**
 * Companion of {@link OtPrimitivesBench} and {@code Im2colBench} for a shared, oversubscribed machine: the same
 * local kernels (PRG fill and XOR-into, the TCCR hash, the convolution output's two layout moves) in interleaved
 * rounds, timed in this thread's <em>CPU time</em>, reported as best and median ns per element over the rounds
 * (interleaving makes load changes hit every kernel alike). Not JMH.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar org.securetrain.bench.ot.LocalPrimitivesCpuProbe [rounds]}.
 */
public final class LocalPrimitivesCpuProbe {
    private static final int M = 1 << 20;
    private static final Im2col.Geometry G = new Im2col.Geometry(128, 1, 28, 28, 6, 5, 5, 1, 1, 0, 0);
    private static final String[] NAMES = {"prgFill", "prgXorInto", "tccrHash64", "matToNchw", "nchwToMat"};

    private LocalPrimitivesCpuProbe() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        Prg prg = Prg.fromSecureRandom(new SecureRandom());
        CrHash hash = new CrHash();
        long[] vals = new long[M];
        long[] rows = prg.nextLongs(2 * M);
        long[] mat = prg.nextLongs(G.outputLength());
        long[] sink = new long[1];
        double[][] ns = new double[NAMES.length][rounds];
        for (int r = -3; r < rounds; r++) { // three rounds of warm-up (JIT)
            for (int b = 0; b < NAMES.length; b++) {
                long t0 = tb.getCurrentThreadCpuTime();
                int elements = switch (b) {
                    case 0 -> {
                        prg.fill(vals, 0, M);
                        yield M;
                    }
                    case 1 -> {
                        prg.xorInto(vals, 0, M);
                        yield M;
                    }
                    case 2 -> {
                        hash.tccr(rows, 0, 0, 0, vals, 0, M, 0, 1, true);
                        yield M;
                    }
                    case 3 -> {
                        sink[0] ^= Im2col.matToNchw(mat, G)[7];
                        yield mat.length;
                    }
                    default -> {
                        sink[0] ^= Im2col.nchwToMat(mat, G)[7];
                        yield mat.length;
                    }
                };
                long t1 = tb.getCurrentThreadCpuTime();
                if (r >= 0) {
                    ns[b][r] = (t1 - t0) / (double) elements;
                }
            }
        }
        for (int b = 0; b < NAMES.length; b++) {
            double[] x = ns[b].clone();
            Arrays.sort(x);
            System.out.printf("%-12s best %.3f  median %.3f ns/element (thread CPU time, %d rounds)%n", NAMES[b], x[0],
                    x[x.length / 2], rounds);
        }
        System.out.println("(checksum " + (sink[0] ^ vals[3]) + ")");
    }
}
