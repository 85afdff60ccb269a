package org.securetrain.protocols.nonlinear;

/** Argument checks that fail both parties at once: a bad local argument aborts the session with the cause. */
final class Inputs {
    private Inputs() {
    }

    /** If {@code problem} is non-null, aborts the session (the peer fails with the reason) and throws. */
    static void reject(CotChannel ch, String protocol, String problem) {
        if (problem != null) {
            String msg = protocol + ": " + problem;
            try {
                ch.channel().session().abort(msg);
            } catch (RuntimeException ignored) {
                // already failed
            }
            throw new IllegalArgumentException(msg);
        }
    }
}
