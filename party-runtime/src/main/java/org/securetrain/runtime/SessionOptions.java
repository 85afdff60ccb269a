package org.securetrain.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.securetrain.runtime.link.LinkProfile;

/**
 * What one party brings to a session: its role, the session id both parties agreed on, the hash of the
 * session configuration (network architecture, fixed-point and HE parameters: anything both sides must
 * agree on), and the limits that keep a broken or stalled peer from hanging or flooding us.
 * Immutable; build with {@link #builder(Role)}.
 */
public final class SessionOptions {
    /** Wire protocol version; bump on any incompatible framing or handshake change. */
    public static final int PROTOCOL_VERSION = 1;

    private final Role role;
    private final String sessionId;
    private final byte[] configHash;
    private final int maxFrameBytes;
    private final long maxMessageBytes;
    private final Duration receiveTimeout;
    private final Duration idleTimeout;
    private final Duration handshakeTimeout;
    private final int protocolVersion;
    private final LinkProfile link;

    private SessionOptions(Builder b) {
        this.role = Objects.requireNonNull(b.role, "role");
        this.sessionId = b.sessionId;
        this.configHash = b.configHash.clone();
        this.maxFrameBytes = b.maxFrameBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.receiveTimeout = b.receiveTimeout;
        this.idleTimeout = b.idleTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.protocolVersion = b.protocolVersion;
        this.link = b.link;
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
        b.receiveTimeout = receiveTimeout;
        b.idleTimeout = idleTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.protocolVersion = protocolVersion;
        b.link = link;
        return b;
    }

    public Role role() { return role; }
    public String sessionId() { return sessionId; }
    public byte[] configHash() { return configHash.clone(); }
    /** Largest frame payload this party accepts; a bigger claimed length fails the session before allocation. */
    public int maxFrameBytes() { return maxFrameBytes; }
    /** Largest reassembled message this party accepts. */
    public long maxMessageBytes() { return maxMessageBytes; }
    /** Longest a blocking receive waits for a message on a live session. */
    public Duration receiveTimeout() { return receiveTimeout; }
    /** Longest the transport tolerates total silence (no data, no heartbeat) from the peer. */
    public Duration idleTimeout() { return idleTimeout; }
    public Duration handshakeTimeout() { return handshakeTimeout; }
    public int protocolVersion() { return protocolVersion; }
    /**
     * The simulated link this party's outgoing frames pass (a measurement aid); {@link LinkProfile#LOOPBACK}
     * (the default) means none. Not part of the handshake: each party shapes its own direction.
     */
    public LinkProfile link() { return link; }

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

    public static final class Builder {
        private final Role role;
        private String sessionId = "default";
        private byte[] configHash = new byte[32];
        private int maxFrameBytes = 8 << 20;
        private long maxMessageBytes = Integer.MAX_VALUE - 64; // the largest Java array, about 2 GiB
        private Duration receiveTimeout = Duration.ofMinutes(10);
        private Duration idleTimeout = Duration.ofSeconds(20);
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private int protocolVersion = PROTOCOL_VERSION;
        private LinkProfile link = LinkProfile.LOOPBACK;

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

        public Builder receiveTimeout(Duration d) {
            this.receiveTimeout = positive(d, "receiveTimeout");
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
                + Hex.of(Arrays.copyOf(configHash, 8)) + "..., maxFrameBytes=" + maxFrameBytes
                + (link.isSimulated() ? ", simulated link " + link.describe() : "") + "}";
    }
}
