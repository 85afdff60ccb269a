package org.securetrain.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The identity of one two-party protocol instance, e.g. {@code layer1.dense.fwd}: a dotted path of
 * segments that both parties build the same way. Everything that must differ between instances is derived
 * from it here and nowhere else: the stream name the instance runs on ({@link #name()}, usually under a
 * protocol family, {@link #under(String)}: {@code he.layer1.dense.fwd}), the domain-separation label of
 * keys derived for it ({@link #label(String)}), and the traffic figures of its stream. Immutable.
 *
 * <p>A segment is 1 to {@value #MAX_SEGMENT} characters from {@code [A-Za-z0-9_-]}; a path has at most
 * {@value #MAX_LENGTH} characters. The dot only separates segments, so two different segment lists never
 * give the same name.
 */
public final class ProtocolId {
    /** Longest segment. */
    public static final int MAX_SEGMENT = 48;
    /** Longest path (stream names stay short on the wire and in reports). */
    public static final int MAX_LENGTH = 160;

    private final String path;

    private ProtocolId(String path) {
        this.path = path;
    }

    /** An id of one or more segments, e.g. {@code of("layer1", "dense", "fwd")}. */
    public static ProtocolId of(String segment, String... more) {
        StringBuilder sb = new StringBuilder(checkSegment(segment, segment));
        for (String s : more) {
            sb.append('.').append(checkSegment(s, sb + "." + s));
        }
        return new ProtocolId(checkLength(sb.toString()));
    }

    /** The id whose {@link #name()} is {@code dotted}, e.g. {@code parse("layer1.dense")}. */
    public static ProtocolId parse(String dotted) {
        Objects.requireNonNull(dotted, "protocol id");
        int start = 0;
        for (int i = 0; i <= dotted.length(); i++) {
            if (i == dotted.length() || dotted.charAt(i) == '.') {
                checkSegment(dotted.substring(start, i), dotted);
                start = i + 1;
            }
        }
        return new ProtocolId(checkLength(dotted));
    }

    /** This id with more segments: {@code layer1.dense} -> {@code layer1.dense.fwd}. */
    public ProtocolId child(String segment, String... more) {
        StringBuilder sb = new StringBuilder(path).append('.').append(checkSegment(segment, path + "." + segment));
        for (String s : more) {
            sb.append('.').append(checkSegment(s, sb + "." + s));
        }
        return new ProtocolId(checkLength(sb.toString()));
    }

    /** This id under a protocol family, which leads the stream name: {@code he} -> {@code he.layer1.dense.fwd}. */
    public ProtocolId under(String family) {
        return new ProtocolId(checkLength(checkSegment(family, family + "." + path) + "." + path));
    }

    /** The dotted path: the name of the stream an instance with this id runs on. */
    public String name() {
        return path;
    }

    /** The first segment (the family of an id made by {@link #under}). */
    public String first() {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    /**
     * A 32-byte domain-separation label: SHA-256 over the length-prefixed {@code domain} and this path.
     * Keys and seeds derived per instance are keyed by it, so two ids (or two domains) never share one.
     */
    public byte[] label(String domain) {
        byte[] d = domain.getBytes(StandardCharsets.UTF_8);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(new byte[] {(byte) (d.length >>> 24), (byte) (d.length >>> 16), (byte) (d.length >>> 8),
                    (byte) d.length});
            md.update(d);
            md.update(path.getBytes(StandardCharsets.US_ASCII));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String checkSegment(String s, String whole) {
        if (s == null || s.isEmpty() || s.length() > MAX_SEGMENT) {
            throw new IllegalArgumentException("protocol id '" + whole + "': a segment must have 1 to " + MAX_SEGMENT
                    + " characters, got " + (s == null ? "null" : "'" + s + "'"));
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                throw new IllegalArgumentException("protocol id '" + whole + "': segment '" + s
                        + "' may hold only letters, digits, '_' and '-'");
            }
        }
        return s;
    }

    private static String checkLength(String p) {
        if (p.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("protocol id '" + p + "' is longer than " + MAX_LENGTH + " characters");
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtocolId other && other.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
