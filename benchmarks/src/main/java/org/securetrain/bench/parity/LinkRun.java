package org.securetrain.bench.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.securetrain.runtime.link.LinkProfile;

/**
 * One secure run of the harness's {@code --link} list: the simulated link both parties send over, and an
 * optional cap on its steps (a slow link makes a CNN step take minutes).
 *
 * <p>List syntax: profiles separated by commas, each optionally followed by {@code :STEPS}, e.g.
 * {@code loopback,lan:10,wan:3} or {@code loopback,200mbit,10ms:5}. A custom profile's own commas do not
 * split it: a bandwidth item ({@code 200mbit}, {@code unlimited}) takes the time items after it (its RTT and
 * optional jitter).
 */
public record LinkRun(LinkProfile profile, Integer maxSteps) {

    public LinkRun {
        if (maxSteps != null && maxSteps < 1) {
            throw new IllegalArgumentException("a link's step cap must be positive, got " + maxSteps);
        }
    }

    /** A file-name-safe label: {@code loopback}, {@code lan}, {@code wan}, {@code 200mbit_10ms}. */
    public String label() {
        return profile.name().replace(',', '_');
    }

    /** This run's setup: at most {@code maxSteps} steps, and without the test evaluation unless {@code withTest}. */
    ParitySetup apply(ParitySetup s, boolean withTest) {
        int train = s.train();
        int epochs = s.epochs();
        if (maxSteps != null && maxSteps < s.totalSteps()) {
            if (maxSteps < s.stepsPerEpoch()) {
                epochs = 1;
                train = maxSteps * s.batch();
            } else {
                epochs = Math.max(1, maxSteps / s.stepsPerEpoch());
            }
        }
        return new ParitySetup(s.model(), s.mlpHidden(), s.cnnSizes(), s.lr(), s.seed(), s.fracBits(), s.batch(),
                epochs, s.data(), train, withTest ? s.test() : 0, s.nonlinear(), s.updater(), s.loss());
    }

    /**
     * Parses the {@code --link} values (each may itself be a list). The first run is the one compared step by
     * step with the plaintext runs, so it takes no step cap (use {@code --steps} for that).
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static List<LinkRun> parseList(List<String> values) {
        List<String> items = new ArrayList<>();
        for (String v : values) {
            for (String t : v.split(",", -1)) {
                items.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        List<LinkRun> out = new ArrayList<>();
        int i = 0;
        while (i < items.size()) {
            String item = items.get(i++);
            if (item.isEmpty()) {
                throw new IllegalArgumentException("--link: empty item in '" + String.join(",", values) + "'");
            }
            StringBuilder text = new StringBuilder(item);
            if (isBandwidth(stripCap(item))) {
                // a custom profile: its RTT and optional jitter follow as time items
                int times = 0;
                while (i < items.size() && times < 2 && isTime(stripCap(items.get(i))) && !hasCap(text.toString())) {
                    text.append(',').append(items.get(i++));
                    times++;
                }
            }
            String spec = text.toString();
            Integer cap = null;
            int colon = spec.lastIndexOf(':');
            if (colon >= 0) {
                String n = spec.substring(colon + 1);
                try {
                    cap = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--link: step cap '" + n + "' of '" + spec + "' is not a number");
                }
                spec = spec.substring(0, colon);
            }
            LinkProfile p;
            try {
                p = LinkProfile.parse(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--link: " + e.getMessage(), e);
            }
            for (LinkRun earlier : out) {
                if (earlier.profile().equals(p)) {
                    throw new IllegalArgumentException("--link: " + spec + " repeats profile "
                            + earlier.profile().name() + " (" + p.name() + ")");
                }
            }
            out.add(new LinkRun(p, cap));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--link: no profile given");
        }
        if (out.get(0).maxSteps() != null) {
            throw new IllegalArgumentException("--link: the first profile (" + out.get(0).profile().name() + ") is the"
                    + " run compared step by step with plaintext DL4J and takes no step cap; use --steps for it");
        }
        return out;
    }

    private static String stripCap(String item) {
        int colon = item.indexOf(':');
        return colon < 0 ? item : item.substring(0, colon);
    }

    private static boolean hasCap(String text) {
        return text.indexOf(':') >= 0;
    }

    private static boolean isBandwidth(String item) {
        return item.equals("unlimited") || item.equals("inf") || item.matches("\\d+(\\.\\d+)?\\s*(bit|kbit|mbit|gbit)(/s|ps)?");
    }

    private static boolean isTime(String item) {
        return item.matches("\\d+(\\.\\d+)?\\s*(us|ms|s)");
    }
}
