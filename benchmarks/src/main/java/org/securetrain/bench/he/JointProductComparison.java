package org.securetrain.bench.he;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.crypto.he.HeParameters.JointProducts;
import org.securetrain.protocols.MatrixShare;
import org.securetrain.protocols.SecureMatMul;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * One shared product of the given shape as two separate cross terms ({@link JointProducts#NEVER}) and as a joint
 * product ({@link JointProducts#ALWAYS}), alternating in this JVM (both parties over the in-memory transport,
 * compute pool 1 per party), so that both see the same load: bytes (both parties) and process CPU per product, mean
 * over the repetitions after 3 warm-up products each. Usage: {@code JointProductComparison m k n repetitions}.
 */
public final class JointProductComparison {
    private static final int WARM_UP = 3;

    private JointProductComparison() {
    }

    public static void main(String[] args) {
        int m = Integer.parseInt(args[0]);
        int k = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        JointProducts[] modes = {JointProducts.NEVER, JointProducts.ALWAYS};
        InMemoryTransport.Pair[] pairs = new InMemoryTransport.Pair[modes.length];
        HeContext[][] ctx = new HeContext[modes.length][];
        for (int i = 0; i < modes.length; i++) {
            pairs[i] = InMemoryTransport.pair(
                    SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(5)).computeThreads(1).build(),
                    SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(5)).computeThreads(1).build());
            HeParameters p = HeParameters.standard().withJointProducts(modes[i]);
            var r = TwoPartyRunner.run(pairs[i].party(0), s -> HeContext.open(s, p), pairs[i].party(1),
                    s -> HeContext.open(s, p));
            ctx[i] = new HeContext[] {r.party0(), r.party1()};
            System.out.println(modes[i] + ": " + SecureMatMul.describePlan(ctx[i][0], m, k, n, true));
        }
        SplittableRandom rnd = new SplittableRandom(1);
        MatrixShare[] a = new MatrixShare[2];
        MatrixShare[] b = new MatrixShare[2];
        for (int p = 0; p < 2; p++) {
            a[p] = MatrixShare.of(m, k, rnd.longs((long) m * k).toArray());
            b[p] = MatrixShare.of(k, n, rnd.longs((long) k * n).toArray());
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] cpu = new double[modes.length];
        long[] bytes = new long[modes.length];
        for (int rep = 0; rep < WARM_UP + reps; rep++) {
            for (int i = 0; i < modes.length; i++) {
                final HeContext[] c = ctx[i];
                var s0 = pairs[i].party(0).traffic().snapshot();
                var s1 = pairs[i].party(1).traffic().snapshot();
                long cpu0 = os.getProcessCpuTime();
                ProtocolId id = ProtocolId.of("cmp" + rep);
                TwoPartyRunner.run(pairs[i].party(0), s -> new SecureMatMul(s, c[0]).multiply(a[0], b[0], id),
                        pairs[i].party(1), s -> new SecureMatMul(s, c[1]).multiply(a[1], b[1], id));
                if (rep >= WARM_UP) {
                    cpu[i] += (os.getProcessCpuTime() - cpu0) / 1e9;
                    bytes[i] = pairs[i].party(0).traffic().snapshot().minus(s0).total().bytesSent()
                            + pairs[i].party(1).traffic().snapshot().minus(s1).total().bytesSent();
                }
            }
        }
        for (int i = 0; i < modes.length; i++) {
            System.out.printf("%s %dx%dx%d: %.2f MiB per product (both parties), CPU %.3f s per product (both parties), "
                    + "mean of %d after %d warm-up%n", modes[i], m, k, n, bytes[i] / 1048576.0, cpu[i] / reps, reps, WARM_UP);
        }
        for (int i = 0; i < modes.length; i++) {
            ctx[i][0].close();
            ctx[i][1].close();
            pairs[i].close();
        }
    }
}
