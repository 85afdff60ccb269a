package org.securetrain.bench.profiling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Top methods of a JFR recording's execution samples, as markdown tables: self time (the sampled top
 * frame, inlined frames count as their own method) and inclusive time (the method anywhere on the
 * stack). JDK 17's {@code jfr} tool has no {@code view hot-methods} (added in JDK 21); this is the same
 * aggregation. A third table sorts the samples into the stages of an HE product ({@link #HE_STAGES}: the first rule
 * whose method is on the stack, with an optional callee above it, names the stage). Usage: {@code java -cp
 * benchmarks/target/classes org.securetrain.bench.profiling.JfrHotMethods recording.jfr [top=10]
 * [thread-name-substring]} (party threads are named {@code securetrain-p0-...} / {@code securetrain-p1-...}).
 */
public final class JfrHotMethods {
    private JfrHotMethods() {
    }

    /** Stage name, then the method on the stack and optionally ("caller>callee") a method above it, first match wins. */
    static final String[][] HE_STAGES = {
        {"decrypt reply (key owner)", "SecretKey.decryptSwitched"},
        {"parse operand + expand seeded a (multiplier)", "EncryptedMatrix.parse"},
        {"encrypt operand (key owner)", "SecretKey.encrypt"},
        {"encrypt operand (key owner)", "EncryptedMatrix.encrypt"},
        {"finish: inverse NTT of c0, c1", "ProductEvaluator.rerandomiseAndFlood>Ntt.inverse"},
        {"finish: NTT of u", "ProductEvaluator.rerandomiseAndFlood>Ntt.forward"},
        {"finish: flooding", "ProductEvaluator.rerandomiseAndFlood>ProductEvaluator.addFlood"},
        {"finish: u*pk accumulate and reduce", "ProductEvaluator.rerandomiseAndFlood>ProductEvaluator."},
        {"finish: u, e2 sampling and the rest", "ProductEvaluator.rerandomiseAndFlood"},
        {"finish: switch rounding (RnsRounding.round)", "ProductEvaluator.finish>RnsRounding.round"},
        {"finish: mask and pack", "ProductEvaluator.finish"},
        {"plaintext-ciphertext products", "ProductEvaluator.multiplyAccumulate"},
        {"plaintext encode + pruned NTT", "HeCrossProduct$RowWorker.row"},
        {"plaintext encode + pruned NTT", "HeConvCross$Worker.unit"},
        {"plaintext encode + pruned NTT", "HeJointProduct.job"},
        {"local product", "SecureMatMul.localProduct"},
    };

    static String heStage(List<RecordedFrame> frames) {
        for (String[] rule : HE_STAGES) {
            String[] parts = rule[1].split(">");
            for (int i = 0; i < frames.size(); i++) {
                if (!name(frames.get(i)).startsWith(parts[0])) {
                    continue;
                }
                if (parts.length == 1) {
                    return rule[0];
                }
                for (int j = 0; j < i; j++) {
                    if (name(frames.get(j)).startsWith(parts[1])) {
                        return rule[0];
                    }
                }
            }
        }
        return "not an HE product stage";
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrHotMethods recording.jfr [top] [thread-name-substring]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String threadFilter = args.length > 2 ? args[2] : null;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> stages = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            if (threadFilter != null) {
                var t = e.getThread("sampledThread");
                if (t == null || t.getJavaName() == null || !t.getJavaName().contains(threadFilter)) {
                    continue;
                }
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(name(frames.get(0)), 1, Integer::sum);
            stages.merge(heStage(frames), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                if (seen.add(name(f))) {
                    inclusive.merge(name(f), 1, Integer::sum);
                }
            }
        }
        System.out.printf("%d execution samples in %s%n", samples, args[0]);
        print("self (top frame)", self, samples, top);
        print("inclusive", inclusive, samples, top);
        print("HE stage", stages, samples, HE_STAGES.length + 1);
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.printf("%n| # | %s | samples | %% |%n|---|---|---|---|%n", title);
        int[] rank = {0};
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("| %d | %s | %d | %.1f |%n", ++rank[0], en.getKey(), en.getValue(),
                        100.0 * en.getValue() / samples));
    }
}
