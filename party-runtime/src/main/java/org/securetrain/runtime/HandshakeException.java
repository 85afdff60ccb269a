package org.securetrain.runtime;

/** The two parties disagree on a handshake field; {@link #field()} names it. */
public class HandshakeException extends SessionException {
    private final String field;

    public HandshakeException(String field, String message) {
        super("handshake failed on '" + field + "': " + message);
        this.field = field;
    }

    /** The mismatching field: magic, protocolVersion, role, sessionId, configHash. */
    public String field() {
        return field;
    }
}
