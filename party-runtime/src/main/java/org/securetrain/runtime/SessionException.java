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
}
