package org.securetrain.runtime;

/** The peer did not answer within the configured time (stalled, or a message that never comes). */
public class PeerTimeoutException extends SessionException {
    public PeerTimeoutException(String message) {
        super(message);
    }

    @Override
    protected PeerTimeoutException copy() {
        return new PeerTimeoutException(getMessage());
    }
}
