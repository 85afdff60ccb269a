package org.securetrain.samples;

import java.util.LinkedHashMap;
import java.util.Map;
import org.securetrain.runtime.link.LinkProfile;

/** {@code key=value} arguments of the samples, failing with a message naming the bad one (integers and reals must be positive). */
final class SampleArgs {
    private final Map<String, String> values = new LinkedHashMap<>();

    SampleArgs(String[] args) {
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + s + "'");
            }
            if (values.put(s.substring(0, eq), s.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("option '" + s.substring(0, eq) + "' is given twice");
            }
        }
    }

    int integer(String key, int def) {
        String v = values.remove(key);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < 1) {
                throw new IllegalArgumentException(key + " must be positive, got " + v);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    double real(String key, double def) {
        String v = values.remove(key);
        if (v == null) {
            return def;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
        if (!(d > 0) || Double.isInfinite(d)) { // the only real option is the learning rate
            throw new IllegalArgumentException(key + " must be a positive number, got '" + v + "'");
        }
        return d;
    }

    String string(String key, String def) {
        String v = values.remove(key);
        return v == null ? def : v;
    }

    /** A simulated link profile (measurement aid): loopback, lan, wan or BW,RTT; see {@link LinkProfile#parse}. */
    LinkProfile link(String key) {
        String v = values.remove(key);
        if (v == null) {
            return LinkProfile.LOOPBACK;
        }
        try {
            return LinkProfile.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    void done() {
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + values.keySet());
        }
    }
}
