package org.securetrain.crypto.ot;

import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.ProtocolViolationException;

/**
 * The two parties called an OT instance inconsistently: same role on both sides, different OT
 * flavour, different batch length or chunking. The message names this party's and the peer's values, all
 * of them exchanged in the instances' headers, so an abort may repeat it to the peer
 * ({@link AbortReason.ExchangedParameters}).
 */
public class OtMismatchException extends ProtocolViolationException implements AbortReason.ExchangedParameters {
    public OtMismatchException(String message) {
        super(message);
    }
}
