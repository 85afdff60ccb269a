package org.securetrain.runtime;

/**
 * Any failure of a two-party session: handshake mismatch, malformed frame, peer gone or stalled,
 * peer abort. Once a session has failed, every pending and later send/receive throws an exception
 * carrying the original cause, so both sides see why the session ended.
 */
public class SessionException extends RuntimeException {
    public SessionException(String message) {
        super(message);
    }

    public SessionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A fresh exception of the same kind, message and fields, caused by this one: what a caller that waited on
     * the session throws, so its stack shows where it waited and its cause where the session failed. The one
     * copy every rethrow of a session failure goes through (the session core's and the transports').
     */
    public final SessionException copyForCaller() {
        SessionException e = copy();
        if (e.getClass() != getClass()) {
            return this; // a subclass without its own copy(): keep its kind rather than lose it
        }
        e.initCause(this);
        return e;
    }

    /** A new exception of exactly this class with this message and fields; every subclass overrides it. */
    protected SessionException copy() {
        return new SessionException(getMessage());
    }
}
