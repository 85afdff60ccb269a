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
 * aggregation. Usage: {@code java -cp benchmarks/target/classes org.securetrain.bench.profiling.JfrHotMethods
 * recording.jfr [top=10] [thread-name-substring]}.
 */
public final class JfrHotMethods {
    private JfrHotMethods() {
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
