package org.securetrain.runtime.testing;

import org.opentest4j.AssertionFailedError;
import org.securetrain.runtime.PeerTimeoutException;

/** Assertions about how a two-party computation failed. */
public final class Failures {
    private Failures() {
    }

    /**
     * "Failed at once, not by waiting for a timeout", without a stopwatch: a wait that ran into a receive or idle
     * timeout ends in a {@link PeerTimeoutException}; a failure that was reported (an abort, a closed connection, a
     * protocol check) does not. Looks through the cause chain and the suppressed exceptions.
     */
    public static void assertNotATimeout(Throwable t, String what) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PeerTimeoutException) {
                throw new AssertionFailedError(what + ": failed by a timeout instead of at once: " + c, t);
            }
            for (Throwable s : c.getSuppressed()) {
                assertNotATimeout(s, what);
            }
        }
    }
}
