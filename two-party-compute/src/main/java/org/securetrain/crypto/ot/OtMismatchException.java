package org.securetrain.crypto.ot;

import org.securetrain.runtime.ProtocolViolationException;

/**
 * The two parties called an OT instance inconsistently: same role on both sides, different OT
 * flavour, different batch length or chunking. The message names this party's and the peer's values.
 */
public class OtMismatchException extends ProtocolViolationException {
    public OtMismatchException(String message) {
        super(message);
    }
}
