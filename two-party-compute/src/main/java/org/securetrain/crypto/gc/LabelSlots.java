package org.securetrain.crypto.gc;

/** Allocation of label slots (one long[] per slot, grown to the largest chunk seen and then reused). */
final class LabelSlots {
    private LabelSlots() {
    }

    static long[][] ensure(long[][] slots, int count, int longsPerSlot) {
        long[][] s = slots;
        if (s.length < count) {
            s = java.util.Arrays.copyOf(s, count);
        }
        for (int i = 0; i < count; i++) {
            if (s[i] == null || s[i].length < longsPerSlot) {
                s[i] = new long[longsPerSlot];
            }
        }
        return s;
    }
}
