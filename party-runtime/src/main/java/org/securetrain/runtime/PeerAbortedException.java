package org.securetrain.runtime;

/** The peer ended the session on purpose and told us why (e.g. its kernel rejected a shape). */
public class PeerAbortedException extends SessionException {
    public PeerAbortedException(String message) {
        super(message);
    }

    @Override
    protected PeerAbortedException copy() {
        return new PeerAbortedException(getMessage());
    }
}
