package org.securetrain.crypto.he;

import org.securetrain.runtime.Channel;

/**
 * The key owner's role in one cross term: it encrypts its operand under its own key and {@link #sendOperand sends}
 * it, later {@link #receiveReply receives} the multiplier's reply and decrypts it. The random {@link #operandId} names
 * the encrypted operand; the reply carries it back ({@link ReplyHeader}), so a reply to another operand is refused.
 * What is encrypted and how the reply is decrypted is the subclass's.
 */
@SuppressWarnings("try") // traffic-step scopes are used only for their side effect
public abstract class KeyOwnerRole {
    private final Channel ch;
    private final String step;
    private final long operandId;

    /** @param step the traffic step the messages are attributed to */
    KeyOwnerRole(Channel ch, HeContext ctx, String step) {
        this.ch = ch;
        this.step = step;
        this.operandId = ctx.random().nextLong();
    }

    /** The id of this key owner's encrypted operand, written into its ciphertexts and expected back in the reply. */
    final long operandId() {
        return operandId;
    }

    /** Sends the encrypted operand (one message). */
    final void sendOperand(long[] wire) {
        try (var s = ch.step(step)) {
            ch.sendLongs(wire);
        }
    }

    /** Receives the multiplier's reply (one message). */
    final long[] receiveReply() {
        try (var s = ch.step(step)) {
            return ch.receiveLongs();
        }
    }
}
