package org.securetrain.bench.kernels;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.securetrain.backend.Backend;
import org.securetrain.layermath.DenseKernel;
import org.securetrain.backend.KernelTimings;
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
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsTransport;
import org.securetrain.runtime.ProtocolId;

/**
 * One secure training step (forward + backward + SGD update) of an MLP 784-128-128-10 at batch 128,
 * both parties in one process, with time, bytes and rounds split per protocol kind. A step is seconds,
 * so this is a plain harness (warm-up steps, then measured steps) rather than a JMH benchmark.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.securetrain.bench.kernels.MlpStepBenchmark [steps]
 * [in-memory|tls|both] [ENGINES]}. It runs over the in-memory transport and/or TLS 1.3 on 127.0.0.1 (default both).
 * ENGINES is a ';'-separated list of non-linear settings ({@code NonlinearSettings.parse}, default the default
 * engine), each measured in its own session, in the order given: {@code "ot;gc;ot;gc"} puts the engines side by side
 * in one run. Besides wall time it prints the process CPU time per step, which is less sensitive than wall time to
 * other load on a shared machine.
 */
public final class MlpStepBenchmark {
    static final int[] SIZES = {784, 128, 128, 10};
    static final int BATCH = 128;

    private MlpStepBenchmark() {
    }

    /** Per-party result of the measured steps. */
    record PartyFigures(double seconds, double processCpuSeconds, TrafficStats.Snapshot traffic,
            Map<KernelTimings.Kind, Double> kernelSeconds) {
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String transports = args.length > 1 ? args[1] : "both";
        String engines = args.length > 2 ? args[2] : NonlinearSettings.defaults().spec();
        for (String spec : engines.split(";")) {
            run(steps, transports, NonlinearSettings.parse(spec));
        }
    }

    static void run(int steps, String transports, NonlinearSettings nl) throws Exception {
        FixedPoint fp = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
        SessionOptions o0 = SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofMinutes(5)).build();
        SessionOptions o1 = SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofMinutes(5)).build();
        if (!transports.equals("tls")) {
            try (InMemoryTransport.Pair p = InMemoryTransport.pair(o0, o1)) {
                var r = TwoPartyRunner.run(p.party(0), s -> run(s, fp, steps, nl), p.party(1), s -> run(s, fp, steps, nl));
                report("in-memory transport, non-linear " + nl.spec(), steps, r.party0(), r.party1());
            }
        }
        if (transports.equals("in-memory")) {
            return;
        }
        TlsIdentity id0 = TlsIdentity.generate("model-owner");
        TlsIdentity id1 = TlsIdentity.generate("data-owner");
        try (TlsListener l = TlsTransport.builder().options(o0).identity(id0).pinnedPeer(id1.fingerprint())
                .listen(new InetSocketAddress("127.0.0.1", 0))) {
            CompletableFuture<Session> client = CompletableFuture.supplyAsync(() -> TlsTransport.builder().options(o1)
                    .identity(id1).pinnedPeer(id0.fingerprint()).connect(new InetSocketAddress("127.0.0.1", l.port())));
            try (Session s0 = l.accept(); Session s1 = client.get()) {
                var r = TwoPartyRunner.run(s0, s -> run(s, fp, steps, nl), s1, s -> run(s, fp, steps, nl));
                report("TLS 1.3 over loopback, non-linear " + nl.spec(), steps, r.party0(), r.party1());
            }
        }
    }

    static void report(String transport, int steps, PartyFigures p0, PartyFigures p1) {
        System.out.printf("%n## MLP 784-128-128-10, batch %d, one training step, %s (f=%d)%n%n", BATCH, transport,
                FixedPoint.DEFAULT_FRAC_BITS);
        System.out.printf("time per step: %.3f s (party 0), %.3f s (party 1)%n", p0.seconds / steps, p1.seconds / steps);
        System.out.printf("process CPU per step (both parties, all threads, during party 0's measured steps): %.3f s%n",
                p0.processCpuSeconds / steps);
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
    static PartyFigures run(Session s, FixedPoint fp, int steps, NonlinearSettings nl) {
        int me = s.party();
        Random rnd = new Random(42);
        try (TwoPartyBackend be = TwoPartyBackend.open(s, fp, nl)) {
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
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(be, layers, x, labels);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpuSecs = (processCpuNanos() - cpu0) / 1e9;
            Map<KernelTimings.Kind, Double> k1 = be.timings().seconds();
            Map<KernelTimings.Kind, Double> diff = new java.util.EnumMap<>(KernelTimings.Kind.class);
            k1.forEach((k, v) -> diff.put(k, v - k0.get(k)));
            return new PartyFigures(secs, cpuSecs, s.traffic().snapshot().minus(before), diff);
        }
    }

    /** CPU time of the whole process (both parties share it when they run in one JVM), -1e9 if unknown. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1_000_000_000L;
    }

    static void step(Backend be, DenseKernel[] layers, long[] x, double[] labels) {
        long[] a = x;
        ShareKind kind = ShareKind.ONLY_PARTY1;
        for (DenseKernel l : layers) {
            a = l.forward(be, a, kind, BATCH);
            kind = ShareKind.BOTH;
        }
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.lossAndDelta(be, a, labels, BATCH, 10,
                ProtocolId.of("loss"));
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
