package org.securetrain.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.securetrain.runtime.link.LinkProfile;

/**
 * What one party brings to a session: its role, the session id both parties agreed on, the hash of the
 * session configuration (network architecture, fixed-point and HE parameters: anything both sides must
 * agree on), and the limits that keep a broken or stalled peer from hanging or flooding us.
 * Immutable; build with {@link #builder(Role)}.
 */
public final class SessionOptions {
    /**
     * Wire protocol version; bump on any incompatible framing or handshake change. 2: frames that are not the
     * last of their message carry at least {@code Frames.MIN_PARTIAL_PAYLOAD} bytes; configuration summaries
     * are exchanged when the configuration hashes differ. 3: the first frame of a message may carry the
     * stream's agreement stamp ({@code Frames.FLAG_AGREED}); agreement probe and mismatch control messages.
     */
    public static final int PROTOCOL_VERSION = 3;

    private final Role role;
    private final String sessionId;
    private final byte[] configHash;
    private final int maxFrameBytes;
    private final long maxMessageBytes;
    private final long maxBufferedBytes;
    private final int maxBufferedMessages;
    private final Duration receiveTimeout;
    private final Duration computeTimeout;
    private final Duration idleTimeout;
    private final Duration handshakeTimeout;
    private final Duration agreementProbeDelay;
    private final int computeThreads;
    private final int protocolVersion;
    private final LinkProfile link;
    private final Map<String, String> configSummary;

    private SessionOptions(Builder b) {
        this.role = Objects.requireNonNull(b.role, "role");
        this.sessionId = b.sessionId;
        this.configHash = b.configHash.clone();
        this.maxFrameBytes = b.maxFrameBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.maxBufferedMessages = b.maxBufferedMessages;
        this.receiveTimeout = b.receiveTimeout;
        this.computeTimeout = b.computeTimeout;
        this.idleTimeout = b.idleTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.agreementProbeDelay = b.agreementProbeDelay;
        this.computeThreads = b.computeThreads;
        this.protocolVersion = b.protocolVersion;
        this.link = b.link;
        this.configSummary = b.configSummary;
    }

    public static Builder builder(Role role) {
        return new Builder(role);
    }

    public Builder toBuilder() {
        Builder b = new Builder(role);
        b.sessionId = sessionId;
        b.configHash = configHash.clone();
        b.maxFrameBytes = maxFrameBytes;
        b.maxMessageBytes = maxMessageBytes;
        b.maxBufferedBytes = maxBufferedBytes;
        b.maxBufferedMessages = maxBufferedMessages;
        b.receiveTimeout = receiveTimeout;
        b.computeTimeout = computeTimeout;
        b.idleTimeout = idleTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.agreementProbeDelay = agreementProbeDelay;
        b.computeThreads = computeThreads;
        b.protocolVersion = protocolVersion;
        b.link = link;
        b.configSummary = configSummary;
        return b;
    }

    public Role role() { return role; }
    public String sessionId() { return sessionId; }
    public byte[] configHash() { return configHash.clone(); }
    /** Largest frame payload this party accepts; a bigger claimed length fails the session before allocation. */
    public int maxFrameBytes() { return maxFrameBytes; }
    /** Largest reassembled message this party accepts. */
    public long maxMessageBytes() { return maxMessageBytes; }
    /**
     * Most heap the session may hold for data the peer sent and nobody has read yet (queued messages, messages
     * being reassembled, per-stream bookkeeping), in bytes; above it the session fails with a
     * {@link ProtocolViolationException} naming the stream. Default: a quarter of the JVM's maximum heap, at
     * least 32 MiB and at most 2 GiB.
     */
    public long maxBufferedBytes() { return maxBufferedBytes; }
    /**
     * Most messages the session may hold unread over all streams; default 2^18 (protocols batch, so a real run
     * holds few).
     */
    public int maxBufferedMessages() { return maxBufferedMessages; }
    /**
     * Longest a blocking receive waits for its message (default 60 s): the bound of interactive exchanges such
     * as the handshake's follow-ups, run agreements and plans, where the peer answers at once. Inside a
     * computation ({@link Session#computing()}) {@link #computeTimeout()} applies instead.
     */
    public Duration receiveTimeout() { return receiveTimeout; }
    /**
     * Longest a blocking receive waits for its message while the session is computing (default 10 min): the
     * peer may legitimately work that long between two messages. A stopped peer is still detected within
     * {@link #idleTimeout()}.
     */
    public Duration computeTimeout() { return computeTimeout; }
    /**
     * Longest the transport tolerates without a complete frame (data or heartbeat) from the peer: a stopped
     * or hung peer process, a dead network, or a peer that trickles bytes without ever completing a frame.
     */
    public Duration idleTimeout() { return idleTimeout; }
    public Duration handshakeTimeout() { return handshakeTimeout; }
    /**
     * How long a receive waits before it shows the peer this party's agreement stamp of the stream it waits on
     * (one small control message per long wait): when both parties wait for each other because they disagree
     * on who sends (both OT senders, both garblers), the probe turns the wait into the agreement error.
     */
    public Duration agreementProbeDelay() { return agreementProbeDelay; }
    /**
     * Threads of this party's compute pool ({@link PartyThreads#compute()}): CPU work a protocol splits across
     * threads. Default: the machine's available processors. Local to this party (not compared with the peer).
     */
    public int computeThreads() { return computeThreads; }
    public int protocolVersion() { return protocolVersion; }
    /**
     * The simulated link this party's outgoing frames pass (a measurement aid); {@link LinkProfile#LOOPBACK}
     * (the default) means none. Not part of the handshake: each party shapes its own direction.
     */
    public LinkProfile link() { return link; }
    /**
     * The readable configuration the {@link #configHash()} was computed over, field name to canonical value
     * (empty if none was given). Sent to the peer only when the hashes differ, so that both parties can name
     * the fields that differ; it holds configuration (architecture, precision, learning rate), never data.
     */
    public Map<String, String> configSummary() { return configSummary; }

    /** SHA-256 over the UTF-8 parts, length-prefixed so ("ab","c") and ("a","bc") differ. */
    public static byte[] hashConfig(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
                md.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                        (byte) (bytes.length >>> 8), (byte) bytes.length});
                md.update(bytes);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Most fields in a {@link #configSummary()}. */
    public static final int MAX_SUMMARY_FIELDS = 4096;
    /** Longest value in a {@link #configSummary()}. */
    public static final int MAX_SUMMARY_VALUE = 4096;

    /** A quarter of the maximum heap, clamped to [32 MiB, 2 GiB]: unread data must leave room for the work. */
    static long defaultMaxBufferedBytes() {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        return Math.max(32L << 20, Math.min(2L << 30, quarter));
    }

    public static final class Builder {
        private final Role role;
        private String sessionId = "default";
        private byte[] configHash = new byte[32];
        private int maxFrameBytes = 8 << 20;
        private long maxMessageBytes = Integer.MAX_VALUE - 64; // the largest Java array, about 2 GiB
        private long maxBufferedBytes = defaultMaxBufferedBytes();
        private int maxBufferedMessages = 1 << 18;
        private Duration receiveTimeout = Duration.ofSeconds(60);
        private Duration computeTimeout = Duration.ofMinutes(10);
        private Duration idleTimeout = Duration.ofSeconds(20);
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration agreementProbeDelay = Duration.ofSeconds(2);
        private int computeThreads = Runtime.getRuntime().availableProcessors();
        private int protocolVersion = PROTOCOL_VERSION;
        private LinkProfile link = LinkProfile.LOOPBACK;
        private Map<String, String> configSummary = Map.of();

        private Builder(Role role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        public Builder sessionId(String id) {
            Objects.requireNonNull(id, "sessionId");
            if (id.isEmpty() || id.length() > 200) {
                throw new IllegalArgumentException("sessionId must have 1..200 characters");
            }
            this.sessionId = id;
            return this;
        }

        /** 32-byte hash of everything both parties must agree on; see {@link #hashConfig(String...)}. */
        public Builder configHash(byte[] hash) {
            if (hash == null || hash.length != 32) {
                throw new IllegalArgumentException("configHash must be 32 bytes (SHA-256)");
            }
            this.configHash = hash.clone();
            return this;
        }

        public Builder maxFrameBytes(int n) {
            if (n < 1024) {
                throw new IllegalArgumentException("maxFrameBytes must be >= 1024, got " + n);
            }
            this.maxFrameBytes = n;
            return this;
        }

        public Builder maxMessageBytes(long n) {
            if (n < 1024 || n > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("maxMessageBytes must be in [1024, 2^31-65], got " + n);
            }
            this.maxMessageBytes = n;
            return this;
        }

        /** Cap on unread buffered data in bytes (at least 1 MiB); see {@link SessionOptions#maxBufferedBytes()}. */
        public Builder maxBufferedBytes(long n) {
            if (n < (1 << 20)) {
                throw new IllegalArgumentException("maxBufferedBytes must be >= 1 MiB, got " + n);
            }
            this.maxBufferedBytes = n;
            return this;
        }

        /** Cap on unread buffered messages (at least 16). */
        public Builder maxBufferedMessages(int n) {
            if (n < 16) {
                throw new IllegalArgumentException("maxBufferedMessages must be >= 16, got " + n);
            }
            this.maxBufferedMessages = n;
            return this;
        }

        public Builder receiveTimeout(Duration d) {
            this.receiveTimeout = positive(d, "receiveTimeout");
            return this;
        }

        public Builder computeTimeout(Duration d) {
            this.computeTimeout = positive(d, "computeTimeout");
            return this;
        }

        /**
         * The readable form of the configuration behind {@link #configHash}: field name to canonical value, in a
         * stable order. At most {@value #MAX_SUMMARY_FIELDS} fields; names up to 200 and values up to
         * {@value #MAX_SUMMARY_VALUE} characters.
         */
        public Builder configSummary(Map<String, String> fields) {
            Objects.requireNonNull(fields, "configSummary");
            if (fields.size() > MAX_SUMMARY_FIELDS) {
                throw new IllegalArgumentException("configSummary has " + fields.size() + " fields, at most "
                        + MAX_SUMMARY_FIELDS + " allowed");
            }
            LinkedHashMap<String, String> copy = new LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (k == null || k.isEmpty() || k.length() > 200 || v == null || v.length() > MAX_SUMMARY_VALUE) {
                    throw new IllegalArgumentException("configSummary field '" + k + "': names have 1 to 200 and values "
                            + "at most " + MAX_SUMMARY_VALUE + " characters");
                }
                copy.put(k, v);
            });
            this.configSummary = Collections.unmodifiableMap(copy);
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = positive(d, "idleTimeout");
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = positive(d, "handshakeTimeout");
            return this;
        }

        public Builder agreementProbeDelay(Duration d) {
            this.agreementProbeDelay = positive(d, "agreementProbeDelay");
            return this;
        }

        public Builder computeThreads(int n) {
            if (n < 1 || n > 1024) {
                throw new IllegalArgumentException("computeThreads must be in [1, 1024], got " + n);
            }
            this.computeThreads = n;
            return this;
        }

        /**
         * MEASUREMENT AID: makes what this party sends arrive as over the given link (bandwidth, latency);
         * see {@link org.securetrain.runtime.link.SimulatedLinkTransport}. Default {@link LinkProfile#LOOPBACK}.
         */
        public Builder link(LinkProfile profile) {
            this.link = Objects.requireNonNull(profile, "link");
            return this;
        }

        /** Only for tests of version negotiation. */
        public Builder protocolVersion(int v) {
            this.protocolVersion = v;
            return this;
        }

        public SessionOptions build() {
            return new SessionOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }

    @Override
    public String toString() {
        return "SessionOptions{role=" + role + ", sessionId=" + sessionId + ", configHash="
                + Hex.of(Arrays.copyOf(configHash, 8)) + "..., maxFrameBytes=" + maxFrameBytes + ", maxBufferedBytes="
                + maxBufferedBytes + ", maxBufferedMessages=" + maxBufferedMessages + ", receiveTimeout="
                + receiveTimeout + ", computeTimeout=" + computeTimeout + ", idleTimeout=" + idleTimeout
                + (link.isSimulated() ? ", simulated link " + link.describe() : "") + "}";
    }
}
