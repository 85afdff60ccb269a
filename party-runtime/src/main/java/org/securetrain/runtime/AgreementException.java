package org.securetrain.runtime;

/**
 * The two parties' protocol calls on a stream disagree (shape, bit width, kind, role, or one party is a call
 * ahead): both parties fail with this, and the message names both parties' views of the call. The views are
 * the records given to {@link Channel#agree}, which hold only public protocol parameters and are sent to the
 * peer anyway during the mismatch exchange. Protocols that still check a header of their own (the silent OT's
 * set-up and iteration headers, the non-linear engine's run tags) throw it too, naming only the header values
 * both parties sent. Either way the message may be repeated to the peer ({@link AbortReason.ExchangedParameters}).
 */
public class AgreementException extends ProtocolViolationException implements AbortReason.ExchangedParameters {
    public AgreementException(String message) {
        super(message);
    }

    @Override
    protected AgreementException copy() {
        return new AgreementException(getMessage());
    }
}
