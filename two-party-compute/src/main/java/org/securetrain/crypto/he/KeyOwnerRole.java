package org.securetrain.crypto.he;

import java.util.concurrent.ExecutorService;

/**
 * The key owner's role in one cross term: it encrypts its operand under its own key and {@link #sendMessage sends} it,
 * later {@link #receiveMessage receives} the multiplier's reply and decrypts it. The random {@link #operandId}
 * names the encrypted operand; the reply carries it back ({@link ReplyHeader}), so a reply to another operand is
 * refused.
 * What is encrypted and how the reply is decrypted is the subclass's; like the {@link MultiplierRole}, a key owner
 * gets its operand and its output at construction, so that a product protocol runs both roles alike.
 */
public abstract class KeyOwnerRole<P> extends CrossTermRole<P> {
    private final long operandId;

    /** @param step the traffic step the messages are attributed to */
    KeyOwnerRole(CrossTerm<P> term, String step) {
        super(term, step);
        this.operandId = term.ctx().random().nextLong();
    }

    /** Encrypts and sends this party's operand (one message); {@code helper} (or null) shares the encryption. */
    public abstract void send(ExecutorService helper);

    /** Receives the multiplier's reply and adds this party's share of the product into its output. */
    public abstract void finish();

    /** The id of this key owner's encrypted operand, written into its ciphertexts and expected back in the reply. */
    final long operandId() {
        return operandId;
    }
}
