package org.securetrain.crypto.gc;

import org.securetrain.runtime.AbortReason;
import org.securetrain.runtime.ProtocolViolationException;

/**
 * The two parties called a garbled-circuit run inconsistently (different circuit or parameters,
 * element count, chunking or roles), or the peer rejected the call's parameters. Thrown on both sides
 * after the run header exchange; the message names this party's and the peer's values. No garbling
 * has happened, and the channel stays usable for the next run. The message is made of the exchanged header
 * values only, so an abort may repeat it to the peer ({@link AbortReason.ExchangedParameters}).
 */
public class GcMismatchException extends ProtocolViolationException implements AbortReason.ExchangedParameters {
    public GcMismatchException(String message) {
        super(message);
    }
}
