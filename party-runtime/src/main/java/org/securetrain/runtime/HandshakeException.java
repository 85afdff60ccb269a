package org.securetrain.runtime;

/** The two parties disagree on a handshake field; {@link #field()} names it. */
public class HandshakeException extends SessionException {
    private final String field;
    private final String detail;

    public HandshakeException(String field, String message) {
        super("handshake failed on '" + field + "': " + message);
        this.field = field;
        this.detail = message;
    }

    /**
     * The mismatching field: magic, protocolVersion, role, sessionId, configHash, maxFrameBytes; over TLS
     * also peerCertificate (the peer's certificate is not the pinned one) and tls (the TLS connection
     * failed during the handshake, e.g. the peer rejected this party's certificate).
     */
    public String field() {
        return field;
    }

    @Override
    protected HandshakeException copy() {
        return new HandshakeException(field, detail);
    }
}
