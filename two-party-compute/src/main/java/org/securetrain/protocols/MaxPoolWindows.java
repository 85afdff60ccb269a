package org.securetrain.protocols;

/**
 * The input both max-pool engines take ({@link MaxPoolCircuitProtocol} on garbled circuits,
 * {@link org.securetrain.protocols.nonlinear.MaxPoolOt} on OT): this party's shares of n windows of k values,
 * window-major (value j of window i at i·k + j), with 1 &lt;= k &lt;= {@link #MAX_K}.
 */
public final class MaxPoolWindows {
    /** Largest window supported (both engines grow linearly in k). */
    public static final int MAX_K = 1024;

    private MaxPoolWindows() {
    }

    /** Null when {@code values} split into windows of {@code k} values, else why not. */
    public static String problem(long[] values, int k) {
        if (values == null) {
            return "shares are null";
        }
        if (k < 1 || k > MAX_K) {
            return "window size k = " + k + " is outside [1, " + MAX_K + "]";
        }
        if (values.length % k != 0) {
            return values.length + " values do not split into windows of k = " + k;
        }
        return null;
    }
}
