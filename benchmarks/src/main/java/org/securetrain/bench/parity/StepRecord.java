package org.securetrain.bench.parity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.securetrain.backend.KernelTimings;

/**
 * What one run measured in one training step: wall time, the loss (NaN where this party may not see it),
 * this party's traffic in the step, the CPU time its whole process used in the step (all threads: compute,
 * TLS, GC; NaN where the JVM cannot tell), and the wall time per two-party protocol kind (zeros for the
 * plaintext runs). One CSV line per step.
 */
public record StepRecord(int step, double seconds, double loss, long bytesSent, long bytesReceived, long rounds,
        double cpuSeconds, double[] kindSeconds) {

    public static final KernelTimings.Kind[] KINDS = KernelTimings.Kind.values();
    private static final int FIXED_FIELDS = 7;

    public StepRecord {
        if (kindSeconds.length != KINDS.length) {
            throw new IllegalArgumentException("expected " + KINDS.length + " protocol timings, got "
                    + kindSeconds.length);
        }
    }

    public static String csvHeader() {
        StringBuilder sb = new StringBuilder("step,seconds,loss,bytes_sent,bytes_received,rounds,cpu_seconds");
        for (KernelTimings.Kind k : KINDS) {
            sb.append(",s_").append(k.name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        sb.append(step).append(',').append(seconds).append(',').append(loss).append(',').append(bytesSent).append(',')
                .append(bytesReceived).append(',').append(rounds).append(',').append(cpuSeconds);
        for (double d : kindSeconds) {
            sb.append(',').append(d);
        }
        return sb.toString();
    }

    public static StepRecord parse(String line) {
        String[] f = line.split(",");
        if (f.length != FIXED_FIELDS + KINDS.length) {
            throw new IllegalArgumentException("step record has " + f.length + " fields, expected "
                    + (FIXED_FIELDS + KINDS.length) + ": " + line);
        }
        double[] k = new double[KINDS.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = Double.parseDouble(f[FIXED_FIELDS + i]);
        }
        return new StepRecord(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Double.parseDouble(f[6]), k);
    }

    /** Reads a file written by {@link StepRecorder} (header line first). */
    public static List<StepRecord> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty() || !lines.get(0).equals(csvHeader())) {
            throw new IOException(csv + " is not a step-record file (header " + (lines.isEmpty() ? "missing"
                    : "'" + lines.get(0) + "'") + ")");
        }
        List<StepRecord> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (!l.isBlank()) {
                out.add(parse(l));
            }
        }
        return out;
    }

    /** Sum of the protocol timings (the rest of the step is local work: DL4J, ring arithmetic, data sharing). */
    public double protocolSeconds() {
        double s = 0;
        for (int i = 0; i < kindSeconds.length; i++) {
            if (KINDS[i] != KernelTimings.Kind.SETUP) {
                s += kindSeconds[i];
            }
        }
        return s;
    }
}
