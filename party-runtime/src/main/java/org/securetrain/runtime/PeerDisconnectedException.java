package org.securetrain.runtime;

/** The connection to the peer ended (peer process died, closed, or the network dropped). */
public class PeerDisconnectedException extends SessionException {
    public PeerDisconnectedException(String message) {
        super(message);
    }

    public PeerDisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    protected PeerDisconnectedException copy() {
        return new PeerDisconnectedException(getMessage());
    }
}
