package org.securetrain.crypto.he;

import org.securetrain.runtime.Channel;

/**
 * What both roles of a cross term share ({@link KeyOwnerRole}, {@link MultiplierRole}): the term, and its messages
 * on the term's stream, each one message attributed to the protocol's traffic step.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
abstract class CrossTermRole<P> {
    /** The cross term this role takes part in. */
    final CrossTerm<P> term;
    private final String step;

    /** @param step the traffic step the messages are attributed to */
    CrossTermRole(CrossTerm<P> term, String step) {
        this.term = term;
        this.step = step;
    }

    /** Sends {@code message} to the other role (one message). */
    final void sendMessage(long[] message) {
        Channel ch = term.ch();
        try (var s = ch.step(step)) {
            ch.sendLongs(message);
        }
    }

    /** Receives the other role's message. */
    final long[] receiveMessage() {
        Channel ch = term.ch();
        try (var s = ch.step(step)) {
            return ch.receiveLongs();
        }
    }
}
