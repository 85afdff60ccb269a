package org.securetrain.launcher.ui;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.backend.KernelTimings;
import org.securetrain.backend.ForwardingBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;

/**
 * The project's own cost figures of one party at one moment: time per kind of two-party kernel and traffic
 * per protocol step. What is measured how:
 * <ul>
 * <li><b>kernel time</b>: {@link KernelTimings} of the {@link TwoPartyBackend}, wall-clock nanoseconds at this
 * party around each kernel call (computation, waiting for the peer and this party's share of the network
 * time; nested kernels are not subtracted, and {@code SETUP} is the base OTs plus the HE key exchange once per
 * session);</li>
 * <li><b>traffic</b>: the session's {@link TrafficStats} per {@code Channel.step(...)} scope, counted by
 * the runtime per message: bytes this party sent and received (frame headers and payloads, without TLS
 * record overhead), messages, and rounds (flights this party sent: runs of messages without receiving in
 * between on that stream);</li>
 * <li><b>training time</b>: wall-clock seconds of {@code fit} at this party, for {@code iterations} steps.</li>
 * </ul>
 * All figures are cumulative from the session's start (set-up, training, evaluation and reveal when taken at
 * the end). Nothing here depends on private data beyond what both parties already know (shapes, counts).
 *
 * @param role this party
 * @param iterations training steps done so far
 * @param trainSeconds wall-clock seconds of training so far
 * @param traffic this party's traffic snapshot
 * @param kernels time and calls per kernel kind (empty when the backend keeps no timings)
 */
public record ProtocolFigures(Role role, int iterations, double trainSeconds, TrafficStats.Snapshot traffic,
        Map<KernelTimings.Kind, KernelTime> kernels) {

    /** Calls and wall-clock seconds of one kernel kind. */
    public record KernelTime(long calls, double seconds) {
    }

    public ProtocolFigures {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(traffic, "traffic");
        Map<KernelTimings.Kind, KernelTime> copy = new EnumMap<>(KernelTimings.Kind.class);
        copy.putAll(Objects.requireNonNull(kernels, "kernels"));
        kernels = Collections.unmodifiableMap(copy);
    }

    /** Figures of the party behind {@code ctx} (traffic of its session, timings of a two-party backend). */
    public static ProtocolFigures of(SecurePartyContext ctx, int iterations, double trainSeconds) {
        if (ctx.session() == null) {
            throw new IllegalArgumentException("the context has no session (insecure reference backend): no traffic "
                    + "to report");
        }
        TwoPartyBackend b = ForwardingBackend.find(ctx.backend(), TwoPartyBackend.class); // also when decorated
        KernelTimings t = b == null ? null : b.timings();
        return of(ctx.role(), iterations, trainSeconds, ctx.session().traffic().snapshot(), t);
    }

    public static ProtocolFigures of(Role role, int iterations, double trainSeconds, TrafficStats.Snapshot traffic,
            KernelTimings timingsOrNull) {
        Map<KernelTimings.Kind, KernelTime> k = new EnumMap<>(KernelTimings.Kind.class);
        if (timingsOrNull != null) {
            for (KernelTimings.Kind kind : KernelTimings.Kind.values()) {
                long calls = timingsOrNull.calls(kind);
                if (calls > 0) {
                    k.put(kind, new KernelTime(calls, timingsOrNull.nanos(kind) / 1e9));
                }
            }
        }
        return new ProtocolFigures(role, iterations, trainSeconds, traffic, k);
    }

    /** Plain-text tables for logs and the launcher's summary. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        Traffic t = traffic.total();
        sb.append(String.format(Locale.ROOT, "%s: %d training steps in %.1f s; session total: sent %s, received %s, "
                + "%d messages sent, %d rounds%n", role, iterations, trainSeconds, Traffic.human(t.bytesSent()),
                Traffic.human(t.bytesReceived()), t.messagesSent(), t.rounds()));
        if (!kernels.isEmpty()) {
            sb.append("  time per kernel (wall clock at this party, incl. waiting for the peer):\n");
            sb.append(String.format(Locale.ROOT, "    %-20s %8s %10s %10s%n", "kernel", "calls", "seconds", "ms/call"));
            kernels.forEach((kind, kt) -> sb.append(String.format(Locale.ROOT, "    %-20s %8d %10.3f %10.2f%n", kind,
                    kt.calls(), kt.seconds(), 1000 * kt.seconds() / kt.calls())));
        }
        sb.append("  traffic per protocol step (counted per message by the runtime, no TLS overhead):\n");
        sb.append(String.format(Locale.ROOT, "    %-34s %12s %12s %9s %9s%n", "step", "sent", "received", "messages",
                "rounds"));
        usedSteps().forEach((name, s) -> sb.append(String.format(Locale.ROOT, "    %-34s %12s %12s %9d %9d%n",
                name, Traffic.human(s.bytesSent()), Traffic.human(s.bytesReceived()),
                s.messagesSent() + s.messagesReceived(), s.rounds())));
        return sb.toString();
    }

    /** The same tables as an HTML fragment (for the UI page); every name is escaped. */
    public String html() {
        StringBuilder sb = new StringBuilder();
        Traffic t = traffic.total();
        sb.append("<h2 id=\"party-").append(role.name().toLowerCase(Locale.ROOT)).append("\">")
                .append(role == Role.MODEL_OWNER ? "Model owner (party 0)" : "Data owner (party 1)").append("</h2>\n");
        sb.append(String.format(Locale.ROOT, "<p class=\"totals\">%d training steps in %.1f s (%.2f s/step); "
                + "session total: sent <b>%s</b> (%d bytes), received <b>%s</b>, %d messages sent, <b>%d rounds</b></p>%n",
                iterations, trainSeconds, iterations == 0 ? 0.0 : trainSeconds / iterations,
                Traffic.human(t.bytesSent()), t.bytesSent(), Traffic.human(t.bytesReceived()), t.messagesSent(),
                t.rounds()));
        if (!kernels.isEmpty()) {
            sb.append("<p class=\"caption\">Time per kernel: wall clock at this party around each call, including "
                    + "waiting for the peer</p>\n<table class=\"kernels\">\n<tr><th>kernel</th><th>calls</th><th>seconds</th>"
                    + "<th>ms/call</th></tr>\n");
            kernels.forEach((kind, kt) -> sb.append(String.format(Locale.ROOT,
                    "<tr><td>%s</td><td>%d</td><td>%.3f</td><td>%.2f</td></tr>%n", esc(kind.name()), kt.calls(),
                    kt.seconds(), 1000 * kt.seconds() / kt.calls())));
            sb.append("</table>\n");
        }
        sb.append("<p class=\"caption\">Traffic per protocol step: counted per message by the runtime (frame headers "
                + "and payloads, no TLS overhead); a round is one flight this party sent</p>\n<table class=\"traffic\">\n"
                + "<tr><th>step</th><th>bytes sent</th><th>bytes received</th><th>messages</th><th>rounds</th></tr>\n");
        usedSteps().forEach((name, s) -> sb.append(String.format(Locale.ROOT,
                "<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>%n", esc(name), s.bytesSent(),
                s.bytesReceived(), s.messagesSent() + s.messagesReceived(), s.rounds())));
        sb.append("</table>\n");
        return sb.toString();
    }

    /** The same figures as JSON (numbers unformatted). */
    public String json() {
        StringBuilder sb = new StringBuilder();
        Traffic t = traffic.total();
        sb.append(String.format(Locale.ROOT, "{\"role\":\"%s\",\"iterations\":%d,\"trainSeconds\":%.6f,", role.name(),
                iterations, trainSeconds));
        sb.append("\"total\":").append(json(t)).append(",\"kernels\":{");
        String sep = "";
        for (var e : kernels.entrySet()) {
            sb.append(sep).append(String.format(Locale.ROOT, "\"%s\":{\"calls\":%d,\"seconds\":%.6f}", e.getKey().name(),
                    e.getValue().calls(), e.getValue().seconds()));
            sep = ",";
        }
        sb.append("},\"steps\":{");
        sep = "";
        for (var e : traffic.steps().entrySet()) {
            sb.append(sep).append('"').append(jsonEsc(e.getKey())).append("\":").append(json(e.getValue()));
            sep = ",";
        }
        return sb.append("}}").toString();
    }

    /** Steps with any traffic (the runtime also lists scopes that stayed empty). */
    private Map<String, Traffic> usedSteps() {
        Map<String, Traffic> out = new java.util.TreeMap<>();
        traffic.steps().forEach((k, v) -> {
            if (!v.equals(Traffic.ZERO)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String json(Traffic t) {
        return String.format(Locale.ROOT, "{\"bytesSent\":%d,\"bytesReceived\":%d,\"messagesSent\":%d,"
                + "\"messagesReceived\":%d,\"rounds\":%d}", t.bytesSent(), t.bytesReceived(), t.messagesSent(),
                t.messagesReceived(), t.rounds());
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String jsonEsc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
