package org.securetrain.runtime;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration summaries the parties exchange when their configuration hashes differ: the wire form
 * ({@code int count, (int nameLength, name, int valueLength, value)...}, UTF-8) and the sentence naming the
 * fields that differ. The peer's summary is untrusted input: its size is bounded and its text is shown
 * shortened and without control characters.
 */
final class ConfigSummaries {
    /** Differing fields named in one message; the rest are counted. */
    static final int NAMED_DIFFERENCES = 6;
    private static final int SHOWN_VALUE = 60;

    private ConfigSummaries() {
    }

    static byte[] encode(Map<String, String> fields) {
        List<byte[]> parts = new ArrayList<>();
        int size = 4;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
            parts.add(k);
            parts.add(v);
            size += 8 + k.length + v.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(fields.size());
        for (byte[] p : parts) {
            b.putInt(p.length).put(p);
        }
        return b.array();
    }

    /** The peer's summary; malformed or oversized input fails naming the problem. */
    static Map<String, String> decode(byte[] wire) {
        ByteBuffer b = ByteBuffer.wrap(wire);
        try {
            int n = b.getInt();
            if (n < 0 || n > SessionOptions.MAX_SUMMARY_FIELDS) {
                throw new IllegalArgumentException("field count " + n);
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                out.put(string(b, 800), string(b, 4 * SessionOptions.MAX_SUMMARY_VALUE));
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated summary");
        }
    }

    private static String string(ByteBuffer b, int max) {
        int len = b.getInt();
        if (len < 0 || len > max || len > b.remaining()) {
            throw new IllegalArgumentException("string length " + len);
        }
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /**
     * "fracBits (this party 24, peer 20); ..." for the fields whose values differ or that only one party has,
     * in this party's field order first; empty if the summaries agree (or either is empty).
     */
    static String differences(Map<String, String> mine, Map<String, String> theirs) {
        if (mine.isEmpty() || theirs.isEmpty()) {
            return "";
        }
        Set<String> names = new LinkedHashSet<>(mine.keySet());
        names.addAll(theirs.keySet());
        List<String> diffs = new ArrayList<>();
        int count = 0;
        for (String name : names) {
            String a = mine.get(name);
            String b = theirs.get(name);
            if (Objects.equals(a, b)) {
                continue;
            }
            count++;
            if (diffs.size() < NAMED_DIFFERENCES) {
                diffs.add(shown(name) + " (this party " + (a == null ? "has none" : shown(a)) + ", peer "
                        + (b == null ? "has none" : shown(b)) + ")");
            }
        }
        if (count == 0) {
            return "";
        }
        String s = String.join("; ", diffs);
        return count > diffs.size() ? s + "; and " + (count - diffs.size()) + " more" : s;
    }

    private static String shown(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() <= SHOWN_VALUE ? t : t.substring(0, SHOWN_VALUE - 3) + "...";
    }
}
