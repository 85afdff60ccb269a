package org.securetrain.bench.parity;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.securetrain.backend.KernelTimings;
import org.securetrain.backend.ForwardingBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.layers.SecureLayer;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;

/**
 * A DL4J listener that records one {@link StepRecord} per training step. A step's time runs from the end of
 * the previous step (for the first step: from the start of the first epoch, after the session set-up), so the
 * steps add up to the whole training time including fetching and sharing minibatches. With a session it also
 * records this party's traffic in the step and, when the network runs on a {@link TwoPartyBackend}, the time
 * per protocol kind. Optionally writes each record to a CSV as soon as the step ends (the harness reads it,
 * and a failed run still leaves its steps behind).
 */
public final class StepRecorder extends BaseTrainingListener {
    private final Session sessionOrNull;
    private final PrintWriter csvOrNull;
    private final List<StepRecord> records = new ArrayList<>();
    private KernelTimings timings;
    private long prevNanos;
    private long prevCpuNanos = -1;
    private Traffic prevTraffic;
    private long[] prevKindNanos;
    private TrafficStats.Snapshot firstSnapshot;
    private TrafficStats.Snapshot lastSnapshot;

    public StepRecorder(Session sessionOrNull, PrintWriter csvOrNull) {
        this.sessionOrNull = sessionOrNull;
        this.csvOrNull = csvOrNull;
        if (csvOrNull != null) {
            csvOrNull.println(StepRecord.csvHeader());
            csvOrNull.flush();
        }
    }

    /** Starts the clock now (the plaintext runs call it right before fit; otherwise the first epoch start does). */
    public void start(Model model) {
        if (prevNanos != 0) {
            return;
        }
        if (model instanceof MultiLayerNetwork net && net.getLayers() != null && net.getLayers().length > 0
                && net.getLayer(0) instanceof SecureLayer sl && sl.context() != null) {
            TwoPartyBackend tpb = ForwardingBackend.find(sl.context().backend(), TwoPartyBackend.class);
            if (tpb != null) {
                timings = tpb.timings();
            }
        }
        prevKindNanos = kindNanos();
        if (sessionOrNull != null) {
            firstSnapshot = sessionOrNull.traffic().snapshot();
            lastSnapshot = firstSnapshot;
            prevTraffic = firstSnapshot.total();
        }
        prevCpuNanos = processCpuNanos();
        prevNanos = System.nanoTime();
    }

    /**
     * CPU time of this whole process so far (every thread: the party's compute, the TLS event loop, the
     * simulated link, GC and JIT), or -1 where the JVM does not report it. The secure parties are separate
     * processes, so this is one party's CPU, independent of how the two share the machine's cores.
     */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    @Override
    public void onEpochStart(Model model) {
        start(model);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        long now = System.nanoTime();
        long[] kn = kindNanos();
        double[] ks = new double[kn.length];
        for (int i = 0; i < kn.length; i++) {
            ks[i] = (kn[i] - prevKindNanos[i]) / 1e9;
        }
        prevKindNanos = kn;
        Traffic d = Traffic.ZERO;
        if (sessionOrNull != null) {
            lastSnapshot = sessionOrNull.traffic().snapshot();
            d = lastSnapshot.total().minus(prevTraffic);
            prevTraffic = lastSnapshot.total();
        }
        long cpu = processCpuNanos();
        double cpuSeconds = cpu < 0 || prevCpuNanos < 0 ? Double.NaN : (cpu - prevCpuNanos) / 1e9;
        prevCpuNanos = cpu;
        StepRecord r = new StepRecord(records.size() + 1, (now - prevNanos) / 1e9, model.score(), d.bytesSent(),
                d.bytesReceived(), d.rounds(), cpuSeconds, ks);
        records.add(r);
        if (csvOrNull != null) {
            csvOrNull.println(r.toCsv());
            csvOrNull.flush();
        }
        // the listener's own work (snapshots, the CSV line) is charged to the next step, not lost
        prevNanos = now;
    }

    private long[] kindNanos() {
        long[] out = new long[StepRecord.KINDS.length];
        if (timings != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] = timings.nanos(StepRecord.KINDS[i]);
            }
        }
        return out;
    }

    public List<StepRecord> records() {
        return Collections.unmodifiableList(records);
    }

    /** The backend's timings (null for the plaintext runs): set-up time is in {@code nanos(SETUP)}. */
    public KernelTimings timings() {
        return timings;
    }

    /** This party's traffic from the first step's start to the last step's end, per stream and protocol step. */
    public TrafficStats.Snapshot trainingTraffic() {
        if (firstSnapshot == null) {
            return null;
        }
        return lastSnapshot.minus(firstSnapshot);
    }
}
