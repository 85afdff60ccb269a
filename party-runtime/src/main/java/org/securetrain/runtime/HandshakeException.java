package org.securetrain.runtime;

/** The two parties disagree on a handshake field; {@link #field()} names it. */
public class HandshakeException extends SessionException {
    private final String field;

    public HandshakeException(String field, String message) {
        super("handshake failed on '" + field + "': " + message);
        this.field = field;
    }

    /**
     * The mismatching field: magic, protocolVersion, role, sessionId, configHash, maxFrameBytes; over TLS
     * also peerCertificate (the peer's certificate is not the pinned one) and tls (the TLS connection
     * failed during the handshake, e.g. the peer rejected this party's certificate).
     */
    public String field() {
        return field;
    }
}
