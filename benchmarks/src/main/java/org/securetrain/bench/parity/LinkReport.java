package org.securetrain.bench.parity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.securetrain.runtime.Traffic;

/**
 * The harness's table of the secure runs over simulated links: per link the step time and its ratio to
 * plaintext DL4J float32 from the same invocation, bytes and rounds per step, the link's first-order
 * estimate, CPU seconds per party and where the time went; also {@code <model>-links.csv}.
 *
 * <p>All rows are means over the same steps, 2 to k, where k is the step count of the shortest run (a
 * capped run, {@code --link PROFILE:N}): a fresh party JVM spends its first steps compiling (more CPU, longer
 * steps), so rows over different windows would not compare.
 *
 * <p>{@link #main} re-tabulates a finished harness output directory from its CSV files.
 */
public final class LinkReport {
    private LinkReport() {
    }

    /** One link's secure run: both parties' step records. */
    public record LinkResult(LinkRun run, List<StepRecord> modelOwner, List<StepRecord> dataOwner) {

        static LinkResult of(LinkRun run, SecureRun.Result r) {
            return new LinkResult(run, r.modelOwnerSteps(), r.dataOwnerSteps());
        }

        public int steps() {
            return Math.min(modelOwner.size(), dataOwner.size());
        }

        /** Mean step time of the party, over steps 2..k. */
        public double partySeconds(int party, int k) {
            return mean(steps(party), StepRecord::seconds, k);
        }

        /** Mean step time of the slower party, over steps 2..k. */
        public double stepSeconds(int k) {
            return Math.max(partySeconds(0, k), partySeconds(1, k));
        }

        /** Both parties' sends per step. */
        public double bytesPerStep(int k) {
            return mean(modelOwner, StepRecord::bytesSent, k) + mean(dataOwner, StepRecord::bytesSent, k);
        }

        /** Flights per step of the party with more (a round trip costs each party one flight). */
        public double roundsPerStep(int k) {
            return Math.max(mean(modelOwner, StepRecord::rounds, k), mean(dataOwner, StepRecord::rounds, k));
        }

        /** Process CPU seconds per step of one party (all its threads). */
        public double cpuSeconds(int party, int k) {
            return mean(steps(party), StepRecord::cpuSeconds, k);
        }

        /** Share of the party's step time its process was not on a CPU: 1 - CPU / wall, at least 0. */
        public double offCpuShare(int party, int k) {
            return Math.max(0, 1 - cpuSeconds(party, k) / partySeconds(party, k));
        }

        /** The first-order link time of a step: bytes / bandwidth + rounds x RTT. */
        public double linkEstimateSeconds(int k) {
            return run.profile().estimateSeconds((long) bytesPerStep(k), roundsPerStep(k));
        }

        private List<StepRecord> steps(int party) {
            return party == 0 ? modelOwner : dataOwner;
        }
    }

    /** Mean of {@code f} over steps 2..k (step 1 alone when k is 1). */
    static double mean(List<StepRecord> r, ToDoubleFunction<StepRecord> f, int k) {
        int to = Math.min(k, r.size());
        int from = to > 1 ? 1 : 0;
        return r.subList(from, to).stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** The markdown section; writes {@code <model>-links.csv} into {@code out}. */
    static String section(String model, List<StepRecord> dl4jFloat, List<LinkResult> links, Path out)
            throws IOException {
        int k = links.stream().mapToInt(LinkResult::steps).min().orElse(0);
        double tF = ParityReport.meanSeconds(dl4jFloat, 1);
        LinkResult loop = links.stream().filter(l -> !l.run().profile().isSimulated()).findFirst().orElse(null);
        String window = k > 1 ? "steps 2-" + k : "step 1";
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n### Link profiles and CPU per party (means over %s of every run), "
                + "ratios to plaintext DL4J float32 (%.4f s/step in this run)%n%n", window, tF));
        md.append("| link | steps run | s/step, slower party (all steps after 1) | x DL4J float32 | bytes/step (both "
                + "parties) | rounds/step | link estimate: bytes/bandwidth + rounds x RTT | loopback s/step + estimate "
                + "| link share (T - T_loopback) / T | CPU-s/step model owner / data owner (all steps after 1) | "
                + "off-CPU share (1 - CPU/wall) MO / DO |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder("link,bits_per_second,rtt_ms,steps_run,window_last_step,s_step_p0,"
                + "s_step_p1,s_step,ratio_dl4j_float,bytes_step,rounds_step,link_estimate_s,cpu_s_p0,cpu_s_p1,"
                + "off_cpu_share_p0,off_cpu_share_p1,link_share\n");
        for (LinkResult l : links) {
            var p = l.run().profile();
            double t = l.stepSeconds(k);
            double est = l.linkEstimateSeconds(k);
            String plusLoop = loop == null || !p.isSimulated() ? "-"
                    : String.format(Locale.ROOT, "%.2f", loop.stepSeconds(k) + est);
            double share = loop == null ? Double.NaN : p.isSimulated() ? Math.max(0, (t - loop.stepSeconds(k)) / t) : 0;
            int all = l.steps();
            boolean longer = all > k;
            md.append(String.format(Locale.ROOT, "| %s | %d | %.3f%s | %.0fx | %s | %.1f | %s | %s | %s | %.3f / %.3f%s | "
                    + "%.0f %% / %.0f %% |%n", p.describe(), all, t,
                    longer ? String.format(Locale.ROOT, " (%.3f)", l.stepSeconds(all)) : "", t / tF,
                    Traffic.human((long) l.bytesPerStep(k)), l.roundsPerStep(k),
                    p.isSimulated() ? String.format(Locale.ROOT, "%.2f", est) : "-", plusLoop,
                    Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * share),
                    l.cpuSeconds(0, k), l.cpuSeconds(1, k), longer ? String.format(Locale.ROOT, " (%.3f / %.3f)",
                            l.cpuSeconds(0, all), l.cpuSeconds(1, all)) : "",
                    100 * l.offCpuShare(0, k), 100 * l.offCpuShare(1, k)));
            csv.append(String.format(Locale.ROOT, "%s,%d,%.3f,%d,%d,%.6f,%.6f,%.6f,%.3f,%.0f,%.2f,%.6f,%.6f,%.6f,"
                    + "%.4f,%.4f,%.4f%n", l.run().label(), p.bitsPerSecond(), p.rtt().toNanos() / 1e6, l.steps(), k,
                    l.partySeconds(0, k), l.partySeconds(1, k), t, t / tF, l.bytesPerStep(k), l.roundsPerStep(k), est,
                    l.cpuSeconds(0, k), l.cpuSeconds(1, k), l.offCpuShare(0, k), l.offCpuShare(1, k), share));
        }
        Files.writeString(out.resolve(model + "-links.csv"), csv);
        md.append(String.format(Locale.ROOT, "%nEach party sends over the simulated link of the row (both directions "
                + "shaped alike; `SimulatedLinkTransport`, a measurement aid: the two parties still share this "
                + "machine's cores). Every row is a mean over the same steps (%s): a run with fewer steps was capped "
                + "(`--link PROFILE:N`) and trains the same first minibatches, and a fresh party process spends its "
                + "first steps compiling; in brackets the means over all steps after step 1 of a longer run. Bytes are frame bytes handed to TLS; rounds are the flights of the party "
                + "with more (a round trip costs each party one). The estimate adds both directions' bytes (the "
                + "protocols mostly send one way at a time) and assumes no overlap of transfer, latency and "
                + "computation. CPU-s is each party process's CPU time in the step (all threads: compute, TLS, GC, "
                + "JIT); the off-CPU share is the part of the step its process was not running: waiting for the "
                + "peer's messages (the link and the peer's own computation) or for a core. The link share is the "
                + "step time the link added over the loopback run of this invocation. Per-step data: "
                + "`%s-links.csv` and `secure-%s-<link>/`.%n%n", window, model, model));
        return md.toString();
    }

    /**
     * Re-tabulates a finished harness run: {@code LinkReport DIR MODEL LINKS}, e.g. {@code /tmp/parity mlp
     * loopback,lan:10,wan:3} (the {@code --link} value it ran with); prints the section and rewrites
     * {@code DIR/<model>-links.csv}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: LinkReport DIR MODEL LINKS   (e.g. benchmarks/target/parity mlp loopback,lan,wan)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String model = args[1];
        List<LinkResult> links = new ArrayList<>();
        for (LinkRun run : LinkRun.parseList(List.of(args[2]))) {
            Path d = dir.resolve("secure-" + model + "-" + run.label());
            links.add(new LinkResult(run, StepRecord.read(d.resolve("party0-steps.csv")),
                    StepRecord.read(d.resolve("party1-steps.csv"))));
        }
        System.out.print(section(model, StepRecord.read(dir.resolve(model + "-dl4j-float-steps.csv")), links, dir));
    }
}
