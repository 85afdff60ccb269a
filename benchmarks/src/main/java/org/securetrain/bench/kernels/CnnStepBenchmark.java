package org.securetrain.bench.kernels;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.securetrain.backend.Backend;
import org.securetrain.layermath.Conv2dKernel;
import org.securetrain.layermath.DenseKernel;
import org.securetrain.backend.KernelTimings;
import org.securetrain.layermath.MaxPoolKernel;
import org.securetrain.layermath.SgdConfig;
import org.securetrain.backend.ShareKind;
import org.securetrain.layermath.SoftmaxCrossEntropy;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.ProtocolId;

/**
 * One secure training step of the LeNet-style CNN conv5x5x6-pool2-conv5x5x16-pool2-dense84-10 (ReLU after
 * each conv and the hidden dense layer), both parties in one process over the in-memory transport, in two
 * orders run alternately in the same session: "unfused" (each conv applies its garbled ReLU + truncation to
 * every output, then the max-pool) and "fused" (the conv's ReLU runs after the max-pool on the pooled
 * values, {@link MaxPoolKernel} with {@code reluAfter}; what SecureTrain.attach does for conv(ReLU) -> max
 * pooling). Prints per-step wall time, per-protocol time and the garbled-table bytes of each order.
 *
 * <p>Run: {@code java -cp $CP org.securetrain.bench.kernels.CnnStepBenchmark [batch=32] [rounds=2] [ENGINES]}: one
 * warm-up step per order, then {@code rounds} x (unfused step, fused step), for each of the ';'-separated
 * non-linear settings in ENGINES ({@code NonlinearSettings.parse}; default the default engine) in its own session.
 */
public final class CnnStepBenchmark {
    static final int CLASSES = 10;

    private CnnStepBenchmark() {
    }

    /** The network's kernels in one order. */
    static final class Net {
        final Conv2dKernel conv1, conv2;
        final MaxPoolKernel pool1, pool2;
        final DenseKernel dense, out;
        final int batch;

        Net(boolean fused, int me, FixedPoint fp, int batch) {
            Random r = new Random(7); // the model owner's initial weights, shared as (W, 0)
            this.batch = batch;
            String o = fused ? "F" : "U";
            conv1 = new Conv2dKernel("conv1" + o, 1, 28, 28, 6, 5, 5, 1, 1, 0, 0, !fused, w(6 * 25, 1 * 25 + 6 * 25, r, fp, me),
                    new long[6]);
            pool1 = new MaxPoolKernel("pool1" + o, 6, 24, 24, 2, 2, 2, 2, fused);
            conv2 = new Conv2dKernel("conv2" + o, 6, 12, 12, 16, 5, 5, 1, 1, 0, 0, !fused,
                    w(16 * 6 * 25, 6 * 25 + 16 * 25, r, fp, me), new long[16]);
            pool2 = new MaxPoolKernel("pool2" + o, 16, 8, 8, 2, 2, 2, 2, fused);
            dense = new DenseKernel("dense" + o, 256, 84, true, w(256 * 84, 256 + 84, r, fp, me), new long[84]);
            out = new DenseKernel("out" + o, 84, CLASSES, false, w(84 * CLASSES, 84 + CLASSES, r, fp, me), new long[CLASSES]);
        }

        static long[] w(int n, int fanSum, Random r, FixedPoint fp, int me) {
            long[] w = new long[n];
            double a = Math.sqrt(6.0 / fanSum);
            for (int i = 0; i < n; i++) {
                double v = (r.nextDouble() * 2 - 1) * a;
                w[i] = me == 0 ? fp.encode(v) : 0;
            }
            return w;
        }

        void step(Backend be, long[] x, double[] labels) {
            long[] a = conv1.forward(be, x, ShareKind.ONLY_PARTY1, batch);
            a = pool1.forward(be, a, batch);
            a = conv2.forward(be, a, ShareKind.BOTH, batch);
            a = pool2.forward(be, a, batch);
            a = dense.forward(be, a, ShareKind.BOTH, batch);
            a = out.forward(be, a, ShareKind.BOTH, batch);
            SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.lossAndDelta(be, a, labels, batch, CLASSES,
                    ProtocolId.of("loss"));
            long[] d = out.backward(be, r.delta(), r.deltaKind(), true);
            d = dense.backward(be, d, ShareKind.BOTH, true);
            d = pool2.backward(be, d);
            d = conv2.backward(be, d, ShareKind.BOTH, true);
            d = pool1.backward(be, d);
            conv1.backward(be, d, ShareKind.BOTH, false);
            SgdConfig sgd = SgdConfig.sgd(0.05);
            conv1.applySgd(be, sgd);
            conv2.applySgd(be, sgd);
            dense.applySgd(be, sgd);
            out.applySgd(be, sgd);
        }
    }

    /** Sums over the measured steps of one order, at one party. */
    static final class Figures {
        double seconds;
        long gcTableBytes;
        long nlBytes;
        long bytesTotal;
        long rounds;
        final Map<KernelTimings.Kind, Double> kernel = new EnumMap<>(KernelTimings.Kind.class);
        final StringBuilder perStep = new StringBuilder();
    }

    record PartyFigures(Figures unfused, Figures fused) {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String engines = args.length > 2 ? args[2] : NonlinearSettings.defaults().spec();
        FixedPoint fp = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
        SessionOptions o0 = SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(10)).build();
        SessionOptions o1 = SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(10)).build();
        for (String spec : engines.split(";")) {
            NonlinearSettings nl = NonlinearSettings.parse(spec);
            try (InMemoryTransport.Pair p = InMemoryTransport.pair(o0, o1)) {
                var r = TwoPartyRunner.run(p.party(0), s -> run(s, fp, batch, rounds, nl),
                        p.party(1), s -> run(s, fp, batch, rounds, nl));
                PartyFigures a = r.party0();
                System.out.printf("%n## LeNet-style CNN, batch %d, %d measured steps per order, in-memory transport (f=%d), "
                        + "non-linear %s%n%n", batch, rounds, fp.fracBits(), nl.spec());
                System.out.println("| order | s/step (party 0) | per step | gc.tables/step | nl.*/step | all bytes/step (both "
                        + "directions) | rounds/step (party 0) | RELU_GC | MAX_GC | RELU_OT | MAX_OT | TRUNCATION_OT | "
                        + "BIT_TIMES_SHARE_OT | HE_PRODUCT |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                row("unfused (ReLU then max-pool)", a.unfused(), rounds);
                row("fused (max-pool then ReLU)", a.fused(), rounds);
            }
        }
    }

    static void row(String name, Figures f, int rounds) {
        System.out.printf("| %s | %.2f | %s | %s | %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", name,
                f.seconds / rounds, f.perStep.toString().trim(), Traffic.human(f.gcTableBytes / rounds),
                Traffic.human(f.nlBytes / rounds), Traffic.human(f.bytesTotal / rounds), f.rounds / rounds,
                k(f, KernelTimings.Kind.RELU_GC, rounds), k(f, KernelTimings.Kind.MAX_GC, rounds),
                k(f, KernelTimings.Kind.RELU_OT, rounds), k(f, KernelTimings.Kind.MAX_OT, rounds),
                k(f, KernelTimings.Kind.TRUNCATION_OT, rounds), k(f, KernelTimings.Kind.BIT_TIMES_SHARE_OT, rounds),
                k(f, KernelTimings.Kind.HE_PRODUCT, rounds));
    }

    static double k(Figures f, KernelTimings.Kind kind, int rounds) {
        return f.kernel.getOrDefault(kind, 0.0) / rounds;
    }

    static PartyFigures run(Session s, FixedPoint fp, int batch, int rounds, NonlinearSettings nl) {
        int me = s.party();
        Random rnd = new Random(42);
        try (TwoPartyBackend be = TwoPartyBackend.open(s, fp, nl)) {
            Net unfused = new Net(false, me, fp, batch), fused = new Net(true, me, fp, batch);
            long[] x = new long[batch * 28 * 28];
            double[] labels = null;
            if (me == 1) {
                for (int j = 0; j < x.length; j++) x[j] = fp.encode(rnd.nextDouble());
                labels = new double[batch * CLASSES];
                for (int b = 0; b < batch; b++) labels[b * CLASSES + rnd.nextInt(CLASSES)] = 1;
            }
            unfused.step(be, x, labels); // warm-up of both orders
            fused.step(be, x, labels);
            Figures fu = new Figures(), ff = new Figures();
            for (int i = 0; i < rounds; i++) {
                measure(s, be, unfused, x, labels, fu);
                measure(s, be, fused, x, labels, ff);
            }
            return new PartyFigures(fu, ff);
        }
    }

    static void measure(Session s, TwoPartyBackend be, Net net, long[] x, double[] labels, Figures into) {
        TrafficStats.Snapshot t0 = s.traffic().snapshot();
        Map<KernelTimings.Kind, Double> k0 = be.timings().seconds();
        long n0 = System.nanoTime();
        net.step(be, x, labels);
        double secs = (System.nanoTime() - n0) / 1e9;
        TrafficStats.Snapshot d = s.traffic().snapshot().minus(t0);
        into.seconds += secs;
        into.perStep.append(String.format("%.2f ", secs));
        into.gcTableBytes += d.stepsWithPrefix("gc.tables").bytesTotal();
        into.nlBytes += d.stepsWithPrefix("nl.").bytesTotal() + d.stepsWithPrefix("silentot.").bytesTotal();
        into.bytesTotal += d.total().bytesTotal();
        into.rounds += d.total().rounds();
        be.timings().seconds().forEach((k, v) -> into.kernel.merge(k, v - k0.get(k), Double::sum));
    }
}
