package org.securetrain.bench.kernels;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.securetrain.kernels.Backend;
import org.securetrain.kernels.DenseKernel;
import org.securetrain.kernels.KernelTimings;
import org.securetrain.kernels.SgdConfig;
import org.securetrain.kernels.ShareKind;
import org.securetrain.kernels.SoftmaxCrossEntropy;
import org.securetrain.kernels.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * One secure training step (forward + backward + SGD update) of an MLP 784-128-128-10 at batch 128,
 * both parties in one process, with time, bytes and rounds split per protocol kind. A step is seconds,
 * so this is a plain harness (warm-up steps, then measured steps) rather than a JMH benchmark.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.securetrain.bench.kernels.MlpStepBenchmark [steps]}.
 * The TLS variant lives in the runtime benchmarks once the transport is chosen on the command line.
 */
public final class MlpStepBenchmark {
    static final int[] SIZES = {784, 128, 128, 10};
    static final int BATCH = 128;

    private MlpStepBenchmark() {
    }

    /** Per-party result of the measured steps. */
    record PartyFigures(double seconds, TrafficStats.Snapshot traffic, Map<KernelTimings.Kind, Double> kernelSeconds) {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        FixedPoint fp = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(5)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(5)).build())) {
            var r = TwoPartyRunner.run(p.party(0), s -> run(s, fp, steps), p.party(1), s -> run(s, fp, steps));
            report("in-memory transport", steps, r.party0(), r.party1());
        }
    }

    static void report(String transport, int steps, PartyFigures p0, PartyFigures p1) {
        System.out.printf("%n## MLP 784-128-128-10, batch %d, one training step, %s (f=%d)%n%n", BATCH, transport,
                FixedPoint.DEFAULT_FRAC_BITS);
        System.out.printf("time per step: %.3f s (party 0), %.3f s (party 1)%n", p0.seconds / steps, p1.seconds / steps);
        Traffic t0 = p0.traffic.total(), t1 = p1.traffic.total();
        System.out.printf("bytes per step: party 0 sends %s, party 1 sends %s; rounds per step (flights): %d + %d%n%n",
                Traffic.human(t0.bytesSent() / steps), Traffic.human(t1.bytesSent() / steps), t0.rounds() / steps,
                t1.rounds() / steps);
        System.out.println("| protocol | party 0 s/step | party 1 s/step |");
        System.out.println("|---|---|---|");
        for (KernelTimings.Kind k : KernelTimings.Kind.values()) {
            if (k == KernelTimings.Kind.SETUP) {
                continue;
            }
            System.out.printf("| %s | %.3f | %.3f |%n", k, p0.kernelSeconds.get(k) / steps, p1.kernelSeconds.get(k) / steps);
        }
        System.out.println();
        System.out.println("| traffic step (party 0) | sent/step | received/step | rounds/step |");
        System.out.println("|---|---|---|---|");
        p0.traffic.steps().forEach((name, t) -> System.out.printf("| %s | %s | %s | %d |%n", name,
                Traffic.human(t.bytesSent() / steps), Traffic.human(t.bytesReceived() / steps), t.rounds() / steps));
    }

    /** Both parties: set up, one warm-up step, then {@code steps} measured steps. */
    static PartyFigures run(Session s, FixedPoint fp, int steps) {
        int me = s.party();
        Random rnd = new Random(42);
        try (TwoPartyBackend be = TwoPartyBackend.open(s, fp)) {
            DenseKernel[] layers = new DenseKernel[SIZES.length - 1];
            for (int i = 0; i < layers.length; i++) {
                int nIn = SIZES[i], nOut = SIZES[i + 1];
                long[] w = new long[nIn * nOut];
                if (me == 0) { // the model owner's initial weights, shared as (W, 0)
                    double a = Math.sqrt(6.0 / (nIn + nOut));
                    for (int j = 0; j < w.length; j++) w[j] = fp.encode((rnd.nextDouble() * 2 - 1) * a);
                }
                layers[i] = new DenseKernel("dense" + i, nIn, nOut, i < layers.length - 1, w, new long[nOut]);
            }
            long[] x = new long[BATCH * SIZES[0]];
            double[] labels = null;
            if (me == 1) { // the data owner's batch
                for (int j = 0; j < x.length; j++) x[j] = fp.encode(rnd.nextDouble());
                labels = new double[BATCH * 10];
                for (int b = 0; b < BATCH; b++) labels[b * 10 + rnd.nextInt(10)] = 1;
            }
            step(be, layers, x, labels);
            TrafficStats.Snapshot before = s.traffic().snapshot();
            Map<KernelTimings.Kind, Double> k0 = be.timings().seconds();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(be, layers, x, labels);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<KernelTimings.Kind, Double> k1 = be.timings().seconds();
            Map<KernelTimings.Kind, Double> diff = new java.util.EnumMap<>(KernelTimings.Kind.class);
            k1.forEach((k, v) -> diff.put(k, v - k0.get(k)));
            return new PartyFigures(secs, s.traffic().snapshot().minus(before), diff);
        }
    }

    static void step(Backend be, DenseKernel[] layers, long[] x, double[] labels) {
        long[] a = x;
        ShareKind kind = ShareKind.ONLY_PARTY1;
        for (DenseKernel l : layers) {
            a = l.forward(be, a, kind, BATCH);
            kind = ShareKind.BOTH;
        }
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.lossAndDelta(be, a, labels, BATCH, 10, "loss");
        long[] d = r.delta();
        ShareKind dk = r.deltaKind();
        for (int i = layers.length - 1; i >= 0; i--) {
            d = layers[i].backward(be, d, dk, i > 0);
            dk = ShareKind.BOTH;
        }
        SgdConfig sgd = SgdConfig.sgd(0.1);
        for (DenseKernel l : layers) {
            l.applySgd(be, sgd);
        }
    }

}
