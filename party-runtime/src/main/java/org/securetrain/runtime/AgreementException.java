package org.securetrain.runtime;

/**
 * The two parties' protocol calls on a stream disagree (shape, bit width, kind, role, or one party is a call
 * ahead): both parties fail with this, and the message names both parties' views of the call.
 */
public class AgreementException extends ProtocolViolationException {
    public AgreementException(String message) {
        super(message);
    }

    @Override
    protected AgreementException copy() {
        return new AgreementException(getMessage());
    }
}
