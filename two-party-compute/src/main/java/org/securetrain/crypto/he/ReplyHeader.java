package org.securetrain.crypto.he;

import java.util.function.IntToLongFunction;

/**
 * The header of a multiplier's reply: a magic word naming the protocol, the id of the key owner's encrypted operand
 * it answers ({@link KeyOwnerRole#operandId}) and the number of result ciphertexts that follow. The key owner checks
 * all three before it decrypts anything.
 */
final class ReplyHeader {
    /** Header length in 64-bit words. */
    static final int WORDS = 3;

    private ReplyHeader() {
    }

    /**
     * Where each of the reply's {@code units} (row blocks, output ciphertexts) starts, so that units are filled
     * independently, and at index {@code units} the reply's length: the header, then unit u's {@code unitWords(u)}
     * words. Refuses a reply too large for one message, naming {@code plan}.
     */
    static int[] layout(int units, IntToLongFunction unitWords, Object plan) {
        int[] offset = new int[units + 1];
        long words = WORDS;
        for (int u = 0; u <= units; u++) {
            if (words > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("reply of " + plan + " is too large for one message");
            }
            offset[u] = (int) words;
            if (u < units) {
                words += unitWords.applyAsLong(u);
            }
        }
        return offset;
    }

    /** A reply of {@code words} words (header included) with its header set. */
    static long[] allocate(int words, long magic, long operandId, long ciphertexts) {
        long[] reply = new long[words];
        reply[0] = magic;
        reply[1] = operandId;
        reply[2] = ciphertexts;
        return reply;
    }

    /**
     * Refuses a reply that is not {@code words} long with the expected header, naming {@code what} ("HE product"), the
     * {@code operand} it should answer ("encrypted matrix") and the {@code plan}.
     */
    static void check(long[] reply, int words, long magic, long ciphertexts, long expectedId, String what,
            String operand, Object plan) {
        if (reply.length != words || reply[0] != magic || reply[2] != ciphertexts) {
            throw new IllegalStateException("malformed " + what + " reply: " + reply.length + " words, expected " + words
                    + " for " + plan);
        }
        if (reply[1] != expectedId) {
            throw new IllegalStateException(what + " reply refers to " + operand + " " + Long.toHexString(reply[1])
                    + ", expected " + Long.toHexString(expectedId));
        }
    }
}
