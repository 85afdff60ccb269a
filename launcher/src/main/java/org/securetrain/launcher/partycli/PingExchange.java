package org.securetrain.launcher.partycli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionException;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;

/**
 * The measurement both parties of {@code ping} and {@code demo} run: round-trip latency of a tiny
 * message, then bulk throughput of long[] messages in each direction, verified by checksum. Party 0
 * sets the parameters; both end with the same report and each other's traffic figures.
 */
final class PingExchange {
    /** What one run measured (identical on both sides after the final exchange). */
    record Report(int rounds, double medianMicros, double p99Micros, long bulkBytes, int messageBytes,
            long nanos0to1, long nanos1to0, String traffic0, String traffic1) {

        double gbps0to1() {
            return bulkBytes / (double) nanos0to1;
        }

        double gbps1to0() {
            return bulkBytes / (double) nanos1to0;
        }

        String format() {
            int msgs = (int) (bulkBytes / messageBytes);
            String sizes = String.format(Locale.ROOT, "%s of long[] in %d messages of %s", Traffic.human(bulkBytes),
                    msgs, Traffic.human(messageBytes));
            return String.format(Locale.ROOT,
                    "latency    : %d round trips of an 8-byte message: median %.1f us, p99 %.1f us%n"
                            + "throughput : party 0 -> party 1: %s: %.3f GB/s (%.1f Mbit/s)%n"
                            + "throughput : party 1 -> party 0: %s: %.3f GB/s (%.1f Mbit/s)%n"
                            + "traffic of party 0 (as it counted):%n%s%n"
                            + "traffic of party 1 (as it counted):%n%s",
                    rounds, medianMicros, p99Micros, sizes, gbps0to1(), 8000 * gbps0to1(), sizes, gbps1to0(),
                    8000 * gbps1to0(), indent(traffic0),
                    indent(traffic1));
        }

        private static String indent(String s) {
            return "  " + s.replace("\n", "\n  ");
        }
    }

    private PingExchange() {
    }

    /**
     * Runs the exchange. Party 1's {@code rounds}/{@code megabytes}/{@code messageMib} are ignored in
     * favour of party 0's (it is told which were used).
     */
    static Report run(Session s, int rounds, int megabytes, int messageMib) {
        Channel setup = s.channel("ping.setup");
        long[] params;
        try (var st = setup.step("ping.setup")) {
            if (s.party() == 0) {
                params = new long[] {rounds, megabytes, messageMib};
                setup.sendLongs(params);
            } else {
                params = setup.receiveLongs();
                if (params.length != 3 || params[0] < 1 || params[1] < 1 || params[2] < 1 || params[2] > 1024) {
                    throw new SessionException("peer sent invalid ping parameters " + Arrays.toString(params));
                }
            }
        }
        int n = (int) params[0];
        int messageBytes = (int) (params[2] << 20);
        int messages = (int) Math.max(1, (params[1] + params[2] - 1) / params[2]);
        long bulkBytes = (long) messages * messageBytes;

        double[] lat = latency(s, n);
        // untimed warm-up in both directions (JIT, TCP windows, buffer pools), then the timed runs
        int warm = Math.max(1, Math.min(messages / 4, (int) ((64L << 20) / messageBytes)));
        bulk(s, 0, warm, messageBytes, "ping.warmup");
        bulk(s, 1, warm, messageBytes, "ping.warmup");
        long t01 = bulk(s, 0, messages, messageBytes, "ping.bulk");
        long t10 = bulk(s, 1, messages, messageBytes, "ping.bulk");

        // exchange results and traffic so both sides print the same report
        Channel fin = s.channel("ping.report");
        try (var st = fin.step("ping.report")) {
            String mine = describe(s.traffic().snapshot());
            long[] nums = s.party() == 0 ? new long[] {Double.doubleToLongBits(lat[0]), Double.doubleToLongBits(lat[1]), t01}
                    : new long[] {t10};
            long[] theirs;
            String peerTraffic;
            if (s.party() == 0) {
                fin.sendLongs(nums);
                fin.send(mine.getBytes(StandardCharsets.UTF_8));
                theirs = fin.receiveLongs();
                peerTraffic = new String(fin.receive(), StandardCharsets.UTF_8);
                return new Report(n, lat[0], lat[1], bulkBytes, messageBytes, t01, theirs[0], mine, peerTraffic);
            }
            theirs = fin.receiveLongs();
            peerTraffic = new String(fin.receive(), StandardCharsets.UTF_8);
            fin.sendLongs(nums);
            fin.send(mine.getBytes(StandardCharsets.UTF_8));
            return new Report(n, Double.longBitsToDouble(theirs[0]), Double.longBitsToDouble(theirs[1]), bulkBytes,
                    messageBytes, theirs[2], t10, peerTraffic, mine);
        }
    }

    /** Party 0 sends a long, party 1 echoes it; returns {median, p99} in microseconds (party 0 only). */
    private static double[] latency(Session s, int rounds) {
        Channel c = s.channel("ping.latency");
        int warmup = Math.min(200, rounds);
        long[] rtt = new long[rounds];
        long[] one = new long[1];
        try (TrafficStats.Scope st = c.step("ping.latency")) {
            for (int i = -warmup; i < rounds; i++) {
                if (s.party() == 0) {
                    long t0 = System.nanoTime();
                    c.sendLong(i);
                    c.receiveLongs(one, 0, 1);
                    long t = System.nanoTime() - t0;
                    if (one[0] != i) {
                        throw new SessionException("ping reply " + one[0] + " does not match request " + i);
                    }
                    if (i >= 0) {
                        rtt[i] = t;
                    }
                } else {
                    c.receiveLongs(one, 0, 1);
                    c.sendLongs(one);
                }
            }
        }
        if (s.party() != 0) {
            return new double[] {0, 0};
        }
        Arrays.sort(rtt);
        return new double[] {rtt[rounds / 2] / 1e3, rtt[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.99) - 1)] / 1e3};
    }

    /**
     * {@code from} sends {@code messages} long[] messages; the receiver checks them and acknowledges
     * with its checksum. Returns the sender's elapsed nanoseconds (first send to acknowledgement).
     */
    private static long bulk(Session s, int from, int messages, int messageBytes, String step) {
        String dir = from + "to" + (1 - from);
        Channel c = s.channel("ping.bulk." + dir);
        int words = messageBytes / 8;
        long[] buf = new long[words];
        try (TrafficStats.Scope st = c.step(step + "." + dir)) {
            if (s.party() == from) {
                SplittableRandom r = new SplittableRandom(from + 42);
                for (int i = 0; i < words; i++) {
                    buf[i] = r.nextLong();
                }
                long expect = 0;
                for (int m = 0; m < messages; m++) {
                    buf[m % words] ^= m; // every message differs
                    expect += checksum(buf);
                    buf[m % words] ^= m;
                }
                long t0 = System.nanoTime();
                for (int m = 0; m < messages; m++) {
                    buf[m % words] ^= m;
                    c.sendLongs(buf);
                    buf[m % words] ^= m;
                }
                long got = c.receiveLong();
                long t = System.nanoTime() - t0;
                if (got != expect) {
                    throw new SessionException("bulk data corrupted in transit: checksum " + got + ", expected " + expect);
                }
                return t;
            }
            long sum = 0;
            for (int m = 0; m < messages; m++) {
                c.receiveLongs(buf, 0, words);
                sum += checksum(buf);
            }
            c.sendLong(sum);
            return 0;
        }
    }

    /** Total and the steps that carried traffic, one per line. */
    private static String describe(TrafficStats.Snapshot snap) {
        StringBuilder sb = new StringBuilder("total: ").append(snap.total());
        snap.steps().forEach((k, v) -> {
            if (!v.equals(Traffic.ZERO)) {
                sb.append("\n  step ").append(k).append(": ").append(v);
            }
        });
        return sb.toString();
    }

    /** Position-dependent sum: catches lost, altered and shifted words; cheap enough not to slow the run. */
    private static long checksum(long[] v) {
        long h = 0;
        for (int i = 0; i < v.length; i++) {
            h += v[i] ^ i;
        }
        return h;
    }
}
