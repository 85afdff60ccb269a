package org.securetrain.runtime;

/** The peer sent something the framing does not allow: oversized or malformed frame, wrong message type. */
public class ProtocolViolationException extends SessionException {
    public ProtocolViolationException(String message) {
        super(message);
    }

    @Override
    protected ProtocolViolationException copy() {
        return new ProtocolViolationException(getMessage());
    }
}
