package org.securetrain.bench.parity;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.securetrain.backend.KernelTimings;
import org.securetrain.runtime.Traffic;

/**
 * Turns one parity experiment into files: a per-step CSV with every step of the three runs, a markdown
 * section (summary, ratios, traffic, protocol time split, truncation headroom, a per-step table), and PNG
 * plots drawn with XChart (loss curves overlaid, the secure step's time per protocol, step times).
 */
public final class ParityReport {
    private ParityReport() {
    }

    /**
     * Everything measured in one experiment. {@code secure} is the first link profile's run (compared step by
     * step with the plaintext runs); {@code links} holds every profile's run, that one first. {@code loads} are
     * /proc/loadavg lines around each run.
     */
    public record Experiment(ParitySetup setup, PlaintextRuns.Run dl4j, PlaintextRuns.Run dl4jDouble,
            PlaintextRuns.ReferenceRun reference,
            SecureRun.Result secure, double revealedAccuracy, List<String> loads,
            List<LinkReport.LinkResult> links) {
        int steps() {
            return dl4j.steps().size();
        }
    }

    /** Mean of {@code f} over the steps after the first {@code skip} (all steps when there are no more). */
    static double meanAfter(List<StepRecord> r, java.util.function.ToDoubleFunction<StepRecord> f, int skip) {
        int from = r.size() > skip ? skip : 0;
        return r.subList(from, r.size()).stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** Max over steps of |a - b| / |b| (NaN losses, e.g. hidden ones, are skipped). */
    public static double maxRelDiff(List<StepRecord> a, List<StepRecord> b) {
        double m = 0;
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            double x = a.get(i).loss();
            double y = b.get(i).loss();
            if (!Double.isNaN(x) && !Double.isNaN(y)) {
                m = Math.max(m, Math.abs(x - y) / Math.abs(y));
            }
        }
        return m;
    }

    /** Mean step time, skipping the first {@code skip} steps (JIT and first-touch warm-up) when there are more. */
    public static double meanSeconds(List<StepRecord> r, int skip) {
        int from = r.size() > skip ? skip : 0;
        double s = 0;
        for (int i = from; i < r.size(); i++) {
            s += r.get(i).seconds();
        }
        return s / (r.size() - from);
    }

    static double meanKind(List<StepRecord> r, int kind, int skip) {
        int from = r.size() > skip ? skip : 0;
        double s = 0;
        for (int i = from; i < r.size(); i++) {
            s += r.get(i).kindSeconds()[kind];
        }
        return s / (r.size() - from);
    }

    static double meanOther(List<StepRecord> r, int skip) {
        int from = r.size() > skip ? skip : 0;
        double s = 0;
        for (int i = from; i < r.size(); i++) {
            s += r.get(i).seconds() - r.get(i).protocolSeconds();
        }
        return s / (r.size() - from);
    }

    static double mean(List<StepRecord> r, java.util.function.ToDoubleFunction<StepRecord> f) {
        return r.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** Writes {@code <model>-steps.csv} and the plots into {@code out}; returns the markdown section. */
    public static String write(Experiment e, Path out, String imgPrefix) throws IOException {
        ParitySetup s = e.setup();
        String m = s.model();
        List<StepRecord> f = e.dl4j().steps();
        List<StepRecord> dd = e.dl4jDouble().steps();
        List<StepRecord> ref = e.reference().run().steps();
        List<StepRecord> p0 = e.secure().modelOwnerSteps();
        List<StepRecord> p1 = e.secure().dataOwnerSteps();
        writeCsv(out.resolve(m + "-steps.csv"), f, dd, ref, p0, p1);
        plotLoss(out.resolve(m + "-loss.png"), s, f, ref, p1);
        plotLossDiff(out.resolve(m + "-loss-diff.png"), s, f, dd, ref, p1);
        plotTimeSplit(out.resolve(m + "-time-split.png"), s, p0, p1);
        plotStepTimes(out.resolve(m + "-step-time.png"), s, f, ref, p1);

        int skip = 1;
        double tF = meanSeconds(f, skip);
        double tRef = meanSeconds(ref, skip);
        double t0 = meanSeconds(p0, skip);
        double t1 = meanSeconds(p1, skip);
        double tSec = Math.max(t0, t1);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "## %s, batch %d, %d steps (%d training images x %d epoch(s)), f = %d%n%n",
                s.modelName(), s.batch(), e.steps(), s.train(), s.epochs(), s.fracBits()));
        md.append(String.format(Locale.ROOT, "Data: %s (first %d training and %d test images, file order, no "
                + "shuffling). Seed %d, %s, learning rate %s, Xavier initialisation. Secure "
                + "non-linear protocols: %s.%n%n",
                s.data().equals(ParitySetup.BUNDLED) ? "bundled Fashion-MNIST subset"
                        : "Fashion-MNIST from " + s.data(),
                s.train(), s.test(), s.seed(),
                s.updater().equals("adam") ? "Adam (DL4J's default betas and epsilon)" : "Nesterov momentum 0.9",
                s.lr(), s.nonlinear()));
        md.append("| run | mean s/step (after step 1) | step 1 s | final loss | test accuracy |\n");
        md.append("|---|---|---|---|---|\n");
        md.append(row("plaintext DL4J (float32)", f, e.dl4j().testAccuracy()));
        md.append(row("plaintext DL4J (float64, for comparison)", dd, e.dl4jDouble().testAccuracy()));
        md.append(row("fixed-point reference (INSECURE, one process)", ref, e.reference().run().testAccuracy()));
        var firstLink = e.links().get(0).run().profile();
        String over = firstLink.isSimulated() ? ", simulated link " + firstLink.name() : "";
        md.append(row("secure two-party, data owner (TLS, 2 processes" + over + ")", p1,
                e.secure().secureTestAccuracy()));
        md.append(String.format(Locale.ROOT, "| secure two-party, model owner | %.3f | %.3f | hidden | revealed "
                + "weights, plaintext eval: %s |%n%n", t0, p0.get(0).seconds(), pct(e.revealedAccuracy())));
        md.append(String.format(Locale.ROOT, "- **Time ratio secure / plaintext DL4J float: %.0fx** (%.3f s vs %.4f s "
                + "per step; secure / fixed-point reference: %.0fx). Both secure parties share the machine's cores "
                + "(one ND4J thread each); the plaintext runs ran alone, one after the other, before the secure run.%n",
                tSec / tF, tSec, tF, tSec / tRef));
        md.append(String.format(Locale.ROOT, "- Secure session set-up (base OTs, HE keys), not in the step times: "
                + "%.2f s (model owner), %.2f s (data owner); whole secure run incl. JVM start, set-up, training, "
                + "secure test evaluation and reveal: %.1f s wall.%n", e.secure().setupSeconds(0),
                e.secure().setupSeconds(1), e.secure().wallSeconds()));
        md.append(String.format(Locale.ROOT, "- **Max per-step relative loss difference**: secure vs DL4J float "
                + "%.2e (target 1e-3), secure vs fixed-point reference %.2e, secure vs DL4J float64 %.2e; for "
                + "scale, DL4J float64 vs float32 %.2e and reference vs DL4J float32 %.2e. Over the first 10 steps: "
                + "secure vs DL4J float %.2e.%n",
                maxRelDiff(p1, f), maxRelDiff(p1, ref), maxRelDiff(p1, dd), maxRelDiff(dd, f), maxRelDiff(ref, f),
                maxRelDiff(p1.subList(0, Math.min(10, p1.size())), f)));
        md.append(String.format(Locale.ROOT, "- **Test accuracy difference** secure - DL4J float: %+.2f points "
                + "(target: within 0.2).%n", 100 * (e.secure().secureTestAccuracy() - e.dl4j().testAccuracy())));
        md.append(String.format(Locale.ROOT, "- Traffic per step (mean over all steps): model owner sends %s, data "
                + "owner sends %s (together %s); rounds (flights) per step: %.0f (model owner), %.0f (data "
                + "owner).%n", Traffic.human((long) mean(p0, StepRecord::bytesSent)),
                Traffic.human((long) mean(p1, StepRecord::bytesSent)),
                Traffic.human((long) (mean(p0, StepRecord::bytesSent) + mean(p1, StepRecord::bytesSent))),
                mean(p0, StepRecord::rounds), mean(p1, StepRecord::rounds)));
        var fig = e.reference().training();
        var all = e.reference().all();
        md.append(String.format(Locale.ROOT, "- **Wrap-arounds: %d** truncation inputs at or beyond the faithful "
                + "truncation's bound |x| < 2^62 in the fixed-point reference run (%d during training, out of %d "
                + "values in %d truncations; the rest during the test evaluation). Largest |x| entering a "
                + "truncation: 2^%.1f (headroom %.1f bits); largest |z| entering ReLU: 2^%.1f; entering max-pool: %s. "
                + "See 'How wrap-arounds are counted' below.%n", all.beyondBound(), fig.beyondBound(),
                fig.truncatedValues(), fig.truncationCalls(), all.maxTruncationLog2(), 62 - all.maxTruncationLog2(),
                all.maxReluLog2(), Double.isInfinite(all.maxPoolLog2()) ? "none" : String.format(Locale.ROOT, "2^%.1f",
                        all.maxPoolLog2())));

        TruncationShareDump.Audit sa = e.secure().truncationAuditOrNull();
        if (sa != null) {
            md.append(String.format(Locale.ROOT, "- **Wrap-arounds counted on the secure run's own shares "
                    + "(--audit-secure-truncations): %d** of %d values in %d faithful truncations (training and "
                    + "test evaluation); %d exact, %d one ulp below the floor (the documented error).%n%n",
                    sa.wrapArounds(), sa.values(), sa.truncations(), sa.exact(), sa.offByOne()));
        } else {
            md.append("- The secure run's own truncations were not audited (run with --audit-secure-truncations "
                    + "to count wrap-arounds on its shares too).\n\n");
        }
        md.append(LinkReport.section(m, f, e.links(), out));
        md.append(String.format(Locale.ROOT, "![loss curves](%s%s-loss.png)%n"
                + "![relative loss difference](%s%s-loss-diff.png)%n"
                + "![time per protocol](%s%s-time-split.png)%n"
                + "![step times](%s%s-step-time.png)%n%n", imgPrefix, m, imgPrefix, m, imgPrefix, m, imgPrefix, m));

        md.append("Secure step time per protocol (mean s/step after step 1; 'local' is the rest of the step: DL4J, "
                + "ring arithmetic, sharing the minibatch, the loss at the data owner):\n\n");
        md.append("| protocol | model owner s/step | % | data owner s/step | % |\n|---|---|---|---|---|\n");
        for (int k = 0; k < StepRecord.KINDS.length; k++) {
            if (StepRecord.KINDS[k] == KernelTimings.Kind.SETUP) {
                continue;
            }
            double a = meanKind(p0, k, skip);
            double b = meanKind(p1, k, skip);
            if (a == 0 && b == 0) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %.0f | %.3f | %.0f |%n", StepRecord.KINDS[k], a,
                    100 * a / t0, b, 100 * b / t1));
        }
        md.append(String.format(Locale.ROOT, "| local | %.3f | %.0f | %.3f | %.0f |%n", meanOther(p0, skip),
                100 * meanOther(p0, skip) / t0, meanOther(p1, skip), 100 * meanOther(p1, skip) / t1));
        md.append(String.format(Locale.ROOT, "| **step** | **%.3f** | 100 | **%.3f** | 100 |%n", t0, t1));
        double c0 = meanAfter(p0, StepRecord::cpuSeconds, skip);
        double c1 = meanAfter(p1, StepRecord::cpuSeconds, skip);
        md.append(String.format(Locale.ROOT, "| process CPU time (all threads) | %.3f | %.0f | %.3f | %.0f |%n%n", c0,
                100 * c0 / t0, c1, 100 * c1 / t1));

        md.append("Traffic per protocol step over the training steps (model owner's view; per training step):\n\n");
        md.append("| protocol step | model owner sends | data owner sends | rounds (model owner) |\n");
        md.append("|---|---|---|---|\n");
        int n = e.steps();
        for (Map.Entry<String, Traffic> t : e.secure().modelOwnerTraffic().entrySet()) {
            Traffic t0t = t.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f |%n", t.getKey(),
                    Traffic.human(t0t.bytesSent() / n), Traffic.human(t0t.bytesReceived() / n),
                    t0t.rounds() / (double) n));
        }
        md.append('\n');

        int every = Math.max(1, e.steps() / 25);
        md.append(String.format(Locale.ROOT, "Per-step figures%s; all steps in `%s-steps.csv`. Secure time and "
                + "rounds are the data owner's, bytes are both parties' sends:%n%n", every > 1 ? ", every " + every
                + "th step and the last" : "", m));
        md.append("| step | loss DL4J float | loss reference | loss secure | rel. diff secure/float | s DL4J | "
                + "s reference | s secure | bytes sent (both) | rounds (data owner) |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < n; i++) {
            if (i % every != 0 && i != n - 1) {
                continue;
            }
            double lf = f.get(i).loss();
            double ls = p1.get(i).loss();
            md.append(String.format(Locale.ROOT, "| %d | %.6f | %.6f | %.6f | %.1e | %.4f | %.3f | %.2f | %s | %d |%n",
                    i + 1, lf, ref.get(i).loss(), ls, Math.abs(ls - lf) / Math.abs(lf), f.get(i).seconds(),
                    ref.get(i).seconds(), p1.get(i).seconds(),
                    Traffic.human(p0.get(i).bytesSent() + p1.get(i).bytesSent()), p1.get(i).rounds()));
        }
        md.append("\nLoad average (1, 5, 15 min) around the runs: ");
        md.append(String.join("; ", e.loads())).append("\n\n");
        return md.toString();
    }

    private static String row(String name, List<StepRecord> r, double acc) {
        return String.format(Locale.ROOT, "| %s | %.4f | %.3f | %.6f | %s |%n", name, meanSeconds(r, 1),
                r.get(0).seconds(), r.get(r.size() - 1).loss(), pct(acc));
    }

    static String pct(double a) {
        return Double.isNaN(a) ? "n/a" : String.format(Locale.ROOT, "%.2f %%", 100 * a);
    }

    private static void writeCsv(Path file, List<StepRecord> f, List<StepRecord> dd, List<StepRecord> ref,
            List<StepRecord> p0, List<StepRecord> p1) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            StringBuilder h = new StringBuilder("step,loss_dl4j_float,loss_dl4j_double,loss_reference,loss_secure,"
                    + "rel_diff_secure_vs_float,rel_diff_secure_vs_reference,s_dl4j_float,s_dl4j_double,s_reference,"
                    + "s_secure_p0,"
                    + "s_secure_p1,bytes_sent_p0,bytes_sent_p1,rounds_p0,rounds_p1,cpu_secure_p0,cpu_secure_p1");
            for (String p : new String[] {"p0", "p1"}) {
                for (KernelTimings.Kind k : StepRecord.KINDS) {
                    h.append(",s_").append(k.name().toLowerCase(Locale.ROOT)).append('_').append(p);
                }
            }
            w.println(h);
            for (int i = 0; i < f.size(); i++) {
                double lf = f.get(i).loss();
                double lr = ref.get(i).loss();
                double ls = p1.get(i).loss();
                StringBuilder sb = new StringBuilder();
                sb.append(i + 1).append(',').append(lf).append(',').append(dd.get(i).loss()).append(',').append(lr)
                        .append(',').append(ls).append(',').append(Math.abs(ls - lf) / Math.abs(lf)).append(',')
                        .append(Math.abs(ls - lr) / Math.abs(lr)).append(',').append(f.get(i).seconds()).append(',')
                        .append(dd.get(i).seconds()).append(',').append(ref.get(i).seconds()).append(',')
                        .append(p0.get(i).seconds()).append(',').append(p1.get(i).seconds()).append(',')
                        .append(p0.get(i).bytesSent()).append(',').append(p1.get(i).bytesSent()).append(',')
                        .append(p0.get(i).rounds()).append(',').append(p1.get(i).rounds()).append(',')
                        .append(p0.get(i).cpuSeconds()).append(',').append(p1.get(i).cpuSeconds());
                for (List<StepRecord> p : List.of(p0, p1)) {
                    for (double d : p.get(i).kindSeconds()) {
                        sb.append(',').append(d);
                    }
                }
                w.println(sb);
            }
        }
    }

    private static double[] steps(List<StepRecord> r) {
        double[] x = new double[r.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.get(i).step();
        }
        return x;
    }

    private static double[] values(List<StepRecord> r, java.util.function.ToDoubleFunction<StepRecord> f) {
        return r.stream().mapToDouble(f).toArray();
    }

    private static void plotLoss(Path file, ParitySetup s, List<StepRecord> f, List<StepRecord> ref,
            List<StepRecord> sec) throws IOException {
        XYChart c = new XYChartBuilder().width(1000).height(560)
                .title(s.modelName() + ", batch " + s.batch() + ": training loss per step").xAxisTitle("step")
                .yAxisTitle("cross-entropy loss").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(5);
        XYSeries a = c.addSeries("plaintext DL4J (float32)", steps(f), values(f, StepRecord::loss));
        a.setMarker(SeriesMarkers.NONE);
        a.setLineWidth(6f);
        a.setLineColor(new java.awt.Color(120, 170, 230));
        XYSeries b = c.addSeries("fixed-point reference (insecure, f=" + s.fracBits() + ")", steps(ref),
                values(ref, StepRecord::loss));
        b.setMarker(SeriesMarkers.NONE);
        b.setLineStyle(SeriesLines.DASH_DASH);
        b.setLineWidth(3f);
        b.setLineColor(new java.awt.Color(230, 140, 20));
        XYSeries d = c.addSeries("secure two-party (data owner's view)", steps(sec), values(sec, StepRecord::loss));
        d.setMarker(sec.size() <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        d.setLineStyle(SeriesLines.DOT_DOT);
        d.setLineWidth(1.5f);
        d.setLineColor(new java.awt.Color(170, 0, 0));
        d.setMarkerColor(new java.awt.Color(170, 0, 0));
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Relative loss differences per step on a log axis: where the overlaid curves cannot be told apart. */
    private static void plotLossDiff(Path file, ParitySetup s, List<StepRecord> f, List<StepRecord> dd,
            List<StepRecord> ref, List<StepRecord> sec) throws IOException {
        XYChart c = new XYChartBuilder().width(1000).height(560)
                .title(s.modelName() + ": relative loss difference per step (log scale)").xAxisTitle("step")
                .yAxisTitle("|a - b| / |b|").build();
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Object[][] pairs = {{"secure vs DL4J float32", sec, f}, {"secure vs fixed-point reference", sec, ref},
            {"DL4J float64 vs float32 (float rounding alone)", dd, f}};
        for (Object[] pr : pairs) {
            @SuppressWarnings("unchecked")
            List<StepRecord> a = (List<StepRecord>) pr[1];
            @SuppressWarnings("unchecked")
            List<StepRecord> b = (List<StepRecord>) pr[2];
            double[] y = new double[a.size()];
            for (int i = 0; i < y.length; i++) {
                double v = Math.abs(a.get(i).loss() - b.get(i).loss()) / Math.abs(b.get(i).loss());
                y[i] = Math.max(v, 1e-12); // log axis: an exact match is drawn at 1e-12
            }
            c.addSeries((String) pr[0], steps(a), y).setMarker(a.size() <= 60 ? SeriesMarkers.CIRCLE
                    : SeriesMarkers.NONE);
        }
        double[] x = steps(sec);
        double[] target = new double[x.length];
        java.util.Arrays.fill(target, 1e-3);
        XYSeries t = c.addSeries("target 1e-3", x, target);
        t.setMarker(SeriesMarkers.NONE);
        t.setLineStyle(SeriesLines.DASH_DASH);
        t.setLineColor(java.awt.Color.GRAY);
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void plotTimeSplit(Path file, ParitySetup s, List<StepRecord> p0, List<StepRecord> p1)
            throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(900).height(560)
                .title((s.model().equals("mlp") ? s.modelName() : "LeNet-style CNN")
                        + ": secure step time per protocol (mean after step 1)").xAxisTitle("party")
                .yAxisTitle("seconds per step").build();
        c.getStyler().setStacked(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> parties = List.of("model owner", "data owner");
        for (int k = 0; k < StepRecord.KINDS.length; k++) {
            if (StepRecord.KINDS[k] == KernelTimings.Kind.SETUP) {
                continue;
            }
            double a = meanKind(p0, k, 1);
            double b = meanKind(p1, k, 1);
            if (a == 0 && b == 0) {
                continue;
            }
            c.addSeries(StepRecord.KINDS[k].name(), parties, List.of(a, b));
        }
        c.addSeries("local (rest of step)", parties, List.of(meanOther(p0, 1), meanOther(p1, 1)));
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void plotStepTimes(Path file, ParitySetup s, List<StepRecord> f, List<StepRecord> ref,
            List<StepRecord> sec) throws IOException {
        XYChart c = new XYChartBuilder().width(1000).height(560)
                .title(s.modelName() + ", batch " + s.batch() + ": wall time per step (log scale)").xAxisTitle("step")
                .yAxisTitle("seconds").build();
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (Object[] run : new Object[][] {{"plaintext DL4J (float32)", f}, {"fixed-point reference", ref},
                {"secure two-party (data owner)", sec}}) {
            @SuppressWarnings("unchecked")
            List<StepRecord> r = (List<StepRecord>) run[1];
            double[] y = values(r, st -> Math.max(st.seconds(), 1e-6)); // log axis: no zeros
            c.addSeries((String) run[0], steps(r), y).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
