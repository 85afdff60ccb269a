package org.securetrain.runtime.link;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network link a {@link SimulatedLinkTransport} imitates, for measurements: bandwidth per direction,
 * round-trip time, and an optional jitter. Immutable; {@link #LOOPBACK} means no simulated link at all.
 *
 * <p>Named profiles: {@code loopback} (nothing added), {@code lan} = 1 Gbit/s with 0.5 ms RTT, {@code wan} =
 * 100 Mbit/s with 40 ms RTT. Any other link is written {@code BW,RTT} or {@code BW,RTT,JITTER}, e.g.
 * {@code 200mbit,10ms} or {@code 100mbit,40ms,2ms}; BW takes the units {@code kbit}, {@code mbit},
 * {@code gbit} (powers of 1000, bits per second, optionally followed by {@code /s}) or {@code unlimited},
 * times take {@code us}, {@code ms} or {@code s}.
 *
 * <p>A measurement aid only: it adds delay, it protects and changes nothing else.
 */
public final class LinkProfile {
    /** No simulated link: frames go straight to the real transport. */
    public static final LinkProfile LOOPBACK = new LinkProfile("loopback", 0, 0, 0);
    /** A data-centre LAN: 1 Gbit/s each way, 0.5 ms RTT. */
    public static final LinkProfile LAN = new LinkProfile("lan", 1_000_000_000L, 500_000L, 0);
    /** A WAN between two organisations: 100 Mbit/s each way, 40 ms RTT. */
    public static final LinkProfile WAN = new LinkProfile("wan", 100_000_000L, 40_000_000L, 0);

    /** Bandwidth bounds accepted by {@link #parse}: 1 kbit/s to 1 Tbit/s. */
    static final long MIN_BITS_PER_SECOND = 1_000L;
    static final long MAX_BITS_PER_SECOND = 1_000_000_000_000L;
    /** Round-trip time and jitter bound: 60 s (longer is a typo, not a link). */
    static final long MAX_NANOS = 60_000_000_000L;

    private static final Pattern BANDWIDTH = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(bit|kbit|mbit|gbit)(?:/s|ps)?");
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s)");

    private final String name;
    private final long bitsPerSecond; // 0: unlimited
    private final long rttNanos;
    private final long jitterNanos;

    private LinkProfile(String name, long bitsPerSecond, long rttNanos, long jitterNanos) {
        this.name = name;
        this.bitsPerSecond = bitsPerSecond;
        this.rttNanos = rttNanos;
        this.jitterNanos = jitterNanos;
    }

    /**
     * A link of {@code bitsPerSecond} each way (0: unlimited) and round-trip time {@code rtt}; jitter off.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public static LinkProfile of(long bitsPerSecond, Duration rtt) {
        return of(bitsPerSecond, rtt, Duration.ZERO);
    }

    /**
     * A link with jitter: each frame's one-way delay is RTT/2 plus a uniform random extra in [0, jitter]
     * (frames still arrive in order, as on TCP).
     */
    public static LinkProfile of(long bitsPerSecond, Duration rtt, Duration jitter) {
        if (bitsPerSecond != 0 && (bitsPerSecond < MIN_BITS_PER_SECOND || bitsPerSecond > MAX_BITS_PER_SECOND)) {
            throw new IllegalArgumentException("link bandwidth must be between 1 kbit/s and 1000 gbit/s (or"
                    + " unlimited), got " + bitsPerSecond + " bit/s");
        }
        long rttNanos = nanos(rtt, "round-trip time");
        long jitterNanos = nanos(jitter, "jitter");
        if (bitsPerSecond == 0 && rttNanos == 0 && jitterNanos == 0) {
            return LOOPBACK;
        }
        return new LinkProfile(describe(bitsPerSecond, rttNanos, jitterNanos), bitsPerSecond, rttNanos, jitterNanos);
    }

    private static long nanos(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("link " + what + " must be zero or positive, got " + d);
        }
        if (d.compareTo(Duration.ofNanos(MAX_NANOS)) > 0) {
            throw new IllegalArgumentException("link " + what + " must be at most 60 s, got " + d.toMillis() + " ms");
        }
        return d.toNanos();
    }

    /**
     * Parses a profile name ({@code loopback}, {@code lan}, {@code wan}) or {@code BW,RTT[,JITTER]}.
     *
     * @throws IllegalArgumentException naming what is wrong and what is accepted
     */
    public static LinkProfile parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty link profile; " + SYNTAX);
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "loopback", "none":
                return LOOPBACK;
            case "lan":
                return LAN;
            case "wan":
                return WAN;
            default:
                break;
        }
        String[] parts = t.split(",", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("unknown link profile '" + text + "'; " + SYNTAX);
        }
        long bw = parseBandwidth(parts[0].trim(), text);
        Duration rtt = parseTime(parts[1].trim(), "round-trip time", text);
        Duration jitter = parts.length == 3 ? parseTime(parts[2].trim(), "jitter", text) : Duration.ZERO;
        try {
            return of(bw, rtt, jitter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("link profile '" + text + "': " + e.getMessage(), e);
        }
    }

    /** What {@link #parse} accepts, for error and help texts. */
    public static final String SYNTAX = "expected loopback, lan (1 Gbit/s, 0.5 ms RTT), wan (100 Mbit/s, 40 ms RTT)"
            + " or BW,RTT[,JITTER] such as 200mbit,10ms (BW in kbit, mbit, gbit or 'unlimited'; times in us, ms, s)";

    /**
     * A bandwidth such as {@code 100mbit} or {@code 1gbit} (units bit, kbit, mbit, gbit), in bits per second.
     *
     * @throws IllegalArgumentException naming what is wrong and what is accepted ("unlimited" is refused here)
     */
    public static long parseBitsPerSecond(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = BANDWIDTH.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("bandwidth '" + text + "' is not a number with a unit (bit, kbit, mbit, "
                    + "gbit), e.g. 100mbit");
        }
        return Math.round(Double.parseDouble(m.group(1)) * unit(m.group(2)));
    }

    private static double unit(String name) {
        return switch (name) {
            case "bit" -> 1;
            case "kbit" -> 1e3;
            case "mbit" -> 1e6;
            default -> 1e9;
        };
    }

    private static long parseBandwidth(String s, String whole) {
        if (s.equals("unlimited") || s.equals("inf")) {
            return 0;
        }
        Matcher m = BANDWIDTH.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("link profile '" + whole + "': bandwidth '" + s + "' is not a number"
                    + " with a unit (kbit, mbit, gbit), e.g. 100mbit; " + SYNTAX);
        }
        double bps = Double.parseDouble(m.group(1)) * unit(m.group(2));
        if (bps < MIN_BITS_PER_SECOND || bps > MAX_BITS_PER_SECOND) {
            throw new IllegalArgumentException("link profile '" + whole + "': bandwidth '" + s + "' is outside"
                    + " 1kbit..1000gbit");
        }
        return Math.round(bps);
    }

    private static Duration parseTime(String s, String what, String whole) {
        Matcher m = TIME.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("link profile '" + whole + "': " + what + " '" + s + "' is not a"
                    + " number with a unit (us, ms, s), e.g. 40ms; " + SYNTAX);
        }
        double v = Double.parseDouble(m.group(1));
        double unit = switch (m.group(2)) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
        double ns = v * unit;
        if (ns > MAX_NANOS) {
            throw new IllegalArgumentException("link profile '" + whole + "': " + what + " '" + s
                    + "' is above 60 s");
        }
        return Duration.ofNanos(Math.round(ns));
    }

    /** True unless this is {@link #LOOPBACK}: frames then pass a {@link SimulatedLinkTransport}. */
    public boolean isSimulated() {
        return this != LOOPBACK;
    }

    /** Bandwidth in bit/s of each direction; 0 means unlimited. */
    public long bitsPerSecond() {
        return bitsPerSecond;
    }

    public Duration rtt() {
        return Duration.ofNanos(rttNanos);
    }

    public Duration jitter() {
        return Duration.ofNanos(jitterNanos);
    }

    long rttNanos() {
        return rttNanos;
    }

    long oneWayNanos() {
        return rttNanos / 2;
    }

    long jitterNanos() {
        return jitterNanos;
    }

    /** Time the wire needs for {@code bytes} at this bandwidth, in nanoseconds (0 when unlimited). */
    long wireNanos(long bytes) {
        if (bitsPerSecond == 0) {
            return 0;
        }
        // bytes * 8e9 / bps without overflow for any realistic byte count (< 2^63 / 8e9 ~ 1.1 GB at once)
        return (long) Math.ceil(bytes * 8e9 / bitsPerSecond);
    }

    /**
     * The first-order time estimate of a computation that moves {@code bytes} over this link in
     * {@code roundTrips} round trips: bytes / bandwidth + round trips x RTT (no overlap of transfer, latency
     * or computation). In seconds; 0 for {@link #LOOPBACK}.
     */
    public double estimateSeconds(long bytes, double roundTrips) {
        double transfer = bitsPerSecond == 0 ? 0 : bytes * 8.0 / bitsPerSecond;
        return transfer + roundTrips * rttNanos / 1e9;
    }

    /** The short name: {@code loopback}, {@code lan}, {@code wan} or the normalised {@code BW,RTT[,JITTER]}. */
    public String name() {
        return name;
    }

    /** The name plus, for named profiles, what they stand for, e.g. {@code wan (100mbit,40ms)}. */
    public String describe() {
        if (this == LOOPBACK) {
            return "loopback (no simulated link)";
        }
        String d = describe(bitsPerSecond, rttNanos, jitterNanos);
        return d.equals(name) ? name : name + " (" + d + ")";
    }

    private static String describe(long bps, long rttNanos, long jitterNanos) {
        String s = bandwidthText(bps) + "," + timeText(rttNanos);
        return jitterNanos == 0 ? s : s + "," + timeText(jitterNanos);
    }

    static String bandwidthText(long bps) {
        if (bps == 0) {
            return "unlimited";
        }
        if (bps % 1_000_000_000L == 0) {
            return bps / 1_000_000_000L + "gbit";
        }
        if (bps % 1_000_000L == 0) {
            return bps / 1_000_000L + "mbit";
        }
        if (bps % 1_000L == 0) {
            return bps / 1_000L + "kbit";
        }
        return bps + "bit";
    }

    static String timeText(long nanos) {
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return String.format(Locale.ROOT, "%.6fms", nanos / 1e6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkProfile p && p.bitsPerSecond == bitsPerSecond && p.rttNanos == rttNanos
                && p.jitterNanos == jitterNanos;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bitsPerSecond) * 31 * 31 + Long.hashCode(rttNanos) * 31 + Long.hashCode(jitterNanos);
    }

    @Override
    public String toString() {
        return describe();
    }
}
