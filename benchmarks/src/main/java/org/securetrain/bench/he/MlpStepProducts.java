package org.securetrain.bench.he;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.protocols.MatrixShare;
import org.securetrain.protocols.SecureMatMul;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The eight HE products of one training step of the MLP 784-128-128-10 (batch 128) with the step's sharing
 * (the input X held by the data owner, everything else shared), both parties in this JVM over the in-memory
 * transport. Prints per step: bytes each party sends, rounds, and the process CPU time of both parties
 * together (the parties cannot be separated in one process; half of it is the per-party mean). Usage:
 * {@code MlpStepProducts [steps]} (default 4; the first is warm-up and not counted); system properties
 * {@code he.statistical=RUN_BITS,PLANNED_CROSS_TERMS}, {@code he.plannerPicos=PICOS_PER_BYTE} and
 * {@code he.joint=NEVER|WHEN_CHEAPER|ALWAYS} change the HE parameters.
 */
public final class MlpStepProducts {
    /** m, k, n and whether A is the data owner's input (X or X^T), in step order. */
    private static final int[][] PRODUCTS = {
        {128, 784, 128, 1}, // layer 1 forward: X W1
        {128, 128, 128, 0}, // layer 2 forward
        {128, 128, 10, 0}, // layer 3 forward
        {128, 128, 10, 0}, // dW3 = H2^T dZ3
        {128, 10, 128, 0}, // dH2 = dZ3 W3^T
        {128, 128, 128, 0}, // dW2
        {128, 128, 128, 0}, // dH1
        {784, 128, 128, 1}, // dW1 = X^T dZ1
    };

    private MlpStepProducts() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        var pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(5)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(5)).build());
        // HE parameters: standard, or -Dhe.statistical=RUN_BITS,PLANNED_CROSS_TERMS
        String stat = System.getProperty("he.statistical");
        HeParameters params = stat == null ? HeParameters.standard() : HeParameters.standard()
                .withRunStatisticalSecurity(Integer.parseInt(stat.split(",")[0]), Long.parseLong(stat.split(",")[1]));
        // the planner's weight of a byte in picoseconds of compute: -Dhe.plannerPicos=80000 (100 Mbit/s)
        String picos = System.getProperty("he.plannerPicos");
        if (picos != null) {
            params = params.withPlannerPicosPerByte(Long.parseLong(picos));
        }
        // joint products: -Dhe.joint=NEVER|WHEN_CHEAPER|ALWAYS
        String joint = System.getProperty("he.joint");
        if (joint != null) {
            params = params.withJointProducts(HeParameters.JointProducts.valueOf(joint));
        }
        final HeParameters chosen = params;
        System.out.println(chosen);
        var keys = TwoPartyRunner.run(pair.party(0), s -> HeContext.open(s, chosen), pair.party(1),
                s -> HeContext.open(s, chosen));
        HeContext[] ctx = {keys.party0(), keys.party1()};
        SplittableRandom rnd = new SplittableRandom(1);
        MatrixShare[][] a = new MatrixShare[PRODUCTS.length][2];
        MatrixShare[][] b = new MatrixShare[PRODUCTS.length][2];
        for (int t = 0; t < PRODUCTS.length; t++) {
            int[] s = PRODUCTS[t];
            long[] x = new long[s[0] * s[1]];
            for (int i = 0; i < x.length; i++) {
                // pixels: about half zero, the rest 8-bit values at 2^16 (fixed point)
                x[i] = s[3] == 1 ? (rnd.nextBoolean() ? 0 : (long) rnd.nextInt(256) << 8) : rnd.nextLong();
            }
            for (int p = 0; p < 2; p++) {
                long[] y = new long[s[1] * s[2]];
                for (int i = 0; i < y.length; i++) {
                    y[i] = rnd.nextLong();
                }
                a[t][p] = s[3] == 1 ? MatrixShare.of(s[0], s[1], p == 1 ? x : null, ShareKind.ONLY_PARTY1)
                        : MatrixShare.of(s[0], s[1], x.clone());
                b[t][p] = MatrixShare.of(s[1], s[2], y);
            }
        }
        for (int t = 0; t < PRODUCTS.length; t++) {
            int[] s = PRODUCTS[t];
            System.out.printf("product %d: %dx%dx%d%s: %s%n", t, s[0], s[1], s[2], s[3] == 1 ? " (A held by the data owner)" : "",
                    SecureMatMul.describePlan(ctx[0], s[0], s[1], s[2], s[3] == 0));
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double cpuSum = 0;
        double wallSum = 0;
        long[] bytes = new long[2];
        long rounds = 0;
        for (int step = 0; step < steps; step++) {
            var s0 = pair.party(0).traffic().snapshot();
            var s1 = pair.party(1).traffic().snapshot();
            long terms0 = ctx[0].crossTermsRun();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            for (int t = 0; t < PRODUCTS.length; t++) {
                final int tt = t;
                ProtocolId id = ProtocolId.of("p" + t);
                TwoPartyRunner.run(pair.party(0), ses -> new SecureMatMul(ses, ctx[0]).multiply(a[tt][0], b[tt][0], id),
                        pair.party(1), ses -> new SecureMatMul(ses, ctx[1]).multiply(a[tt][1], b[tt][1], id));
            }
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            double wall = (System.nanoTime() - wall0) / 1e9;
            Traffic t0 = pair.party(0).traffic().snapshot().minus(s0).total();
            Traffic t1 = pair.party(1).traffic().snapshot().minus(s1).total();
            System.out.printf("step %d: model owner sent %s, data owner sent %s, rounds %d / %d, %d HE cross terms, "
                    + "CPU %.3f s (both parties), wall %.3f s%n", step, Traffic.human(t0.bytesSent()),
                    Traffic.human(t1.bytesSent()), t0.rounds(), t1.rounds(), ctx[0].crossTermsRun() - terms0, cpu, wall);
            if (step > 0) {
                cpuSum += cpu;
                wallSum += wall;
                bytes[0] = t0.bytesSent();
                bytes[1] = t1.bytesSent();
                rounds = Math.max(t0.rounds(), t1.rounds());
            }
        }
        int counted = Math.max(1, steps - 1);
        System.out.printf("MLP step HE products (mean of %d steps after the first): %.2f MiB (model owner %.2f, data owner %.2f), "
                + "%d rounds, CPU %.3f s both parties (%.3f s per party), wall %.3f s%n", counted,
                (bytes[0] + bytes[1]) / 1048576.0, bytes[0] / 1048576.0, bytes[1] / 1048576.0, rounds, cpuSum / counted,
                cpuSum / counted / 2, wallSum / counted);
        ctx[0].close();
        ctx[1].close();
        pair.close();
    }
}
