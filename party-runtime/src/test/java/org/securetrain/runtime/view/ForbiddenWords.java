package org.securetrain.runtime.view;

import java.util.ArrayList;
import java.util.List;

/**
 * 64-bit words a party must never receive in the clear: the other party's private input words (its
 * shares, the values they encode, packed private bits) and their negations. Words of magnitude below
 * {@link #MIN_MAGNITUDE} are left out: small numbers also occur as public counts and shapes, and a
 * random 64-bit word hits one of n forbidden words with probability n / 2^64, so the check only means
 * something for words with enough entropy. Tests that rely on it therefore give the peer random
 * (or large) inputs in at least one of their runs.
 */
public final class ForbiddenWords {
    /** Words with |w| below this are not checked (they collide with public counts, sizes and flags). */
    public static final long MIN_MAGNITUDE = 1L << 20;

    private long[] table = new long[1 << 10];
    private int[] labels = new int[1 << 10];
    private boolean[] used = new boolean[1 << 10];
    private int size;
    private final List<String> names = new ArrayList<>();

    private ForbiddenWords() {
    }

    /** No forbidden words. */
    public static ForbiddenWords none() {
        return new ForbiddenWords();
    }

    /** The words of {@code values} and their negations, labelled {@code label} in failure messages. */
    public static ForbiddenWords of(String label, long[] values) {
        return none().and(label, values);
    }

    /** Adds the words of {@code values} and their negations. */
    public ForbiddenWords and(String label, long[] values) {
        int l = names.size();
        names.add(label);
        for (long v : values) {
            add(v, l);
            add(-v, l);
        }
        return this;
    }

    /** Number of distinct forbidden words kept (after the magnitude filter). */
    public int size() {
        return size;
    }

    /** The label of {@code w} if it is forbidden, else null. */
    public String labelOf(long w) {
        if (size == 0) {
            return null;
        }
        int mask = table.length - 1;
        for (int i = mix(w) & mask; used[i]; i = (i + 1) & mask) {
            if (table[i] == w) {
                return names.get(labels[i]);
            }
        }
        return null;
    }

    private void add(long w, int label) {
        if (w > -MIN_MAGNITUDE && w < MIN_MAGNITUDE) {
            return;
        }
        if (2 * (size + 1) > table.length) {
            grow();
        }
        int mask = table.length - 1;
        int i = mix(w) & mask;
        while (used[i]) {
            if (table[i] == w) {
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        table[i] = w;
        labels[i] = label;
        size++;
    }

    private void grow() {
        long[] t = table;
        int[] l = labels;
        boolean[] u = used;
        table = new long[2 * t.length];
        labels = new int[2 * t.length];
        used = new boolean[2 * t.length];
        size = 0;
        for (int i = 0; i < t.length; i++) {
            if (u[i]) {
                add(t[i], l[i]);
            }
        }
    }

    private static int mix(long w) {
        long h = w * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
