package org.securetrain.bench.ot;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.Arrays;
import org.securetrain.crypto.ot.BlockCotReceiver;
import org.securetrain.crypto.ot.BlockCotSender;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.crypto.ot.silent.FerretParams;
import org.securetrain.crypto.ot.silent.SilentOt;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.ProtocolId;

/**
 * Companion of {@link SilentOtBench} for a shared, oversubscribed machine: the COT sources side by side
 * in one session (IKNP block COT and Ferret with each published parameter set), drawn in interleaved
 * rounds of 2^22 COTs per party, timed in each party's <em>thread CPU time</em>, reported as best and
 * median ns per COT per party over the rounds (rounds interleave the sources, so load changes hit all
 * of them alike). Ferret rounds are whole pool draws, so iterations are included amortised. Not JMH.
 * Run: {@code java -Xmx6g -cp benchmarks/target/benchmarks.jar org.securetrain.bench.ot.SilentOtCpuProbe [rounds]}.
 */
public final class SilentOtCpuProbe {
    private static final int N = 1 << 22;

    private SilentOtCpuProbe() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        FerretParams[] sets = {FerretParams.B13, FerretParams.B12, FerretParams.B11};
        try (TwoParties tp = new TwoParties()) {
            SilentOt[] so = new SilentOt[2];
            tp.run(x -> so[0] = SilentOt.setup(tp.e0, new SecureRandom()),
                    x -> so[1] = SilentOt.setup(tp.e1, new SecureRandom()));
            RandomCotSender[] s = new RandomCotSender[sets.length];
            RandomCotReceiver[] r = new RandomCotReceiver[sets.length];
            for (int i = 0; i < sets.length; i++) {
                FerretParams p = sets[i];
                ProtocolId id = ProtocolId.of("probe", p.name());
                s[i] = tp.run(x -> so[0].openSender(id, p), x -> so[1].openReceiver(id, p));
                r[i] = so[1].openReceiver(id, p); // the instance just opened
            }
            BlockCotSender is = tp.e0.cotSender(ProtocolId.of("probe", "iknp"));
            BlockCotReceiver ir = tp.e1.cotReceiver(ProtocolId.of("probe", "iknp"));
            long[] choices = Prg.fromSecureRandom(new SecureRandom()).nextBits(N);
            long[] q = new long[2 * N];
            long[] t = new long[2 * N];
            long[] bits = new long[N / 64];
            int sources = sets.length + 1;
            double[][][] ns = new double[sources][2][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < sources; k++) {
                    int src = (k + round) % sources; // rotate the order too
                    long[] cpu = new long[2];
                    if (src == sets.length) {
                        tp.run(x -> {
                            long c = tb.getCurrentThreadCpuTime();
                            is.sendBlockCot(N);
                            cpu[0] = tb.getCurrentThreadCpuTime() - c;
                            return null;
                        }, x -> {
                            long c = tb.getCurrentThreadCpuTime();
                            ir.receiveBlockCot(choices, N);
                            cpu[1] = tb.getCurrentThreadCpuTime() - c;
                            return null;
                        });
                    } else {
                        RandomCotSender fs = s[src];
                        RandomCotReceiver fr = r[src];
                        tp.run(x -> {
                            long c = tb.getCurrentThreadCpuTime();
                            fs.next(N, q);
                            cpu[0] = tb.getCurrentThreadCpuTime() - c;
                            return null;
                        }, x -> {
                            long c = tb.getCurrentThreadCpuTime();
                            fr.next(N, bits, t);
                            cpu[1] = tb.getCurrentThreadCpuTime() - c;
                            return null;
                        });
                    }
                    ns[src][0][round] = (double) cpu[0] / N;
                    ns[src][1][round] = (double) cpu[1] / N;
                }
            }
            System.out.printf("%nthread CPU ns per COT over %d interleaved rounds of 2^22"
                    + " (skipping round 0 as warm-up)%n", rounds);
            for (int src = 0; src < sources; src++) {
                String name = src == sets.length ? "IKNP block COT" : "Ferret " + sets[src].name();
                System.out.printf("%-22s sender best %6.1f median %6.1f | receiver best %6.1f median %6.1f%n", name,
                        best(ns[src][0]), median(ns[src][0]), best(ns[src][1]), median(ns[src][1]));
            }
        }
    }

    private static double best(double[] v) {
        return Arrays.stream(v, 1, v.length).min().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] c = Arrays.copyOfRange(v, 1, v.length);
        Arrays.sort(c);
        return c.length == 0 ? Double.NaN : c[c.length / 2];
    }
}
