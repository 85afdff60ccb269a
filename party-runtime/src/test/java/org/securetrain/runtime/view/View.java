package org.securetrain.runtime.view;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What one party saw of a two-party computation: every message it received, in order, on every stream
 * (recorded by a {@link ViewRecorder}), plus named outputs it computed from them (e.g. its output shares),
 * which a simulator must produce too. Immutable; compare two views with {@link ViewAssert}.
 */
public final class View {
    private final List<ReceivedMessage> messages;
    private final Map<String, long[]> outputs;

    public View(List<ReceivedMessage> messages, Map<String, long[]> outputs) {
        this.messages = List.copyOf(messages);
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** The messages received, in the order the party received them. */
    public List<ReceivedMessage> messages() {
        return messages;
    }

    /** Named outputs of the party (in the order added). */
    public Map<String, long[]> outputs() {
        return outputs;
    }

    /** This view with one more named output (e.g. "y share"). */
    public View withOutput(String name, long[] words) {
        Map<String, long[]> o = new LinkedHashMap<>(outputs);
        if (o.put(name, words.clone()) != null) {
            throw new IllegalArgumentException("output '" + name + "' already recorded");
        }
        return new View(messages, o);
    }

    /** The messages on streams whose name passes {@code keep} (outputs kept). */
    public View streams(Predicate<String> keep) {
        List<ReceivedMessage> m = new ArrayList<>();
        for (ReceivedMessage r : messages) {
            if (keep.test(r.stream())) {
                m.add(r);
            }
        }
        return new View(m, outputs);
    }

    /** The messages received in a traffic step whose name starts with {@code prefix}. */
    public List<ReceivedMessage> inStep(String prefix) {
        List<ReceivedMessage> m = new ArrayList<>();
        for (ReceivedMessage r : messages) {
            if (r.step().startsWith(prefix)) {
                m.add(r);
            }
        }
        return m;
    }

    /** The names of the streams on which something was received. */
    public SortedSet<String> streamNames() {
        SortedSet<String> s = new TreeSet<>();
        for (ReceivedMessage r : messages) {
            s.add(r.stream());
        }
        return s;
    }

    /** The messages of one stream, in order. */
    public List<ReceivedMessage> stream(String name) {
        List<ReceivedMessage> m = new ArrayList<>();
        for (ReceivedMessage r : messages) {
            if (r.stream().equals(name)) {
                m.add(r);
            }
        }
        return m;
    }

    /**
     * The message schedule: per stream (by name), the shape of each message in order (step, kind, size).
     * Streams run concurrently, so the interleaving of different streams is not part of it.
     */
    public List<String> schedule() {
        List<String> out = new ArrayList<>();
        for (String s : streamNames()) {
            int k = 0;
            for (ReceivedMessage r : stream(s)) {
                out.add(s + " #" + k++ + " [" + r.step() + "] "
                        + (r.isLongs() ? "long[" + r.length() + "]" : "byte[" + r.length() + "]"));
            }
        }
        return out;
    }

    /** Total content bytes received. */
    public long bytes() {
        long n = 0;
        for (ReceivedMessage r : messages) {
            n += r.byteLength();
        }
        return n;
    }

    /** Messages and bytes per stream, one line each: for failure messages and test logs. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (String s : streamNames()) {
            List<ReceivedMessage> m = stream(s);
            long bytes = 0;
            for (ReceivedMessage r : m) {
                bytes += r.byteLength();
            }
            b.append(s).append(": ").append(m.size()).append(" messages, ").append(bytes).append(" bytes\n");
        }
        outputs.forEach((k, v) -> b.append("output ").append(k).append(": ").append(v.length).append(" words\n"));
        return b.toString();
    }
}
