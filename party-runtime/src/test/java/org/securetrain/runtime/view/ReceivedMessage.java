package org.securetrain.runtime.view;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One message a party received: its place in the party's whole view ({@code seq}, over all streams), the
 * stream, the traffic step the receiving channel was in, and the content, either 64-bit words (a long[]
 * message) or bytes (a byte message), never both.
 */
public record ReceivedMessage(long seq, String stream, String step, long[] words, byte[] bytes) {

    public ReceivedMessage {
        if ((words == null) == (bytes == null)) {
            throw new IllegalArgumentException("a message holds either words or bytes");
        }
    }

    /** True for a long[] message. */
    public boolean isLongs() {
        return words != null;
    }

    /** Number of elements: words of a long[] message, bytes of a byte message. */
    public int length() {
        return words != null ? words.length : bytes.length;
    }

    /** Size of the content in bytes. */
    public long byteLength() {
        return words != null ? 8L * words.length : bytes.length;
    }

    /** The content as bytes (a long[] message little-endian, as on the wire). */
    public byte[] contentBytes() {
        if (bytes != null) {
            return bytes;
        }
        ByteBuffer b = ByteBuffer.allocate(8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(words);
        return b.array();
    }

    /** The content as 64-bit words (a byte message packed little-endian, a partial last word zero-padded). */
    public long[] contentWords() {
        if (words != null) {
            return words;
        }
        long[] w = new long[(bytes.length + 7) / 8];
        for (int i = 0; i < bytes.length; i++) {
            w[i >>> 3] |= (bytes[i] & 0xFFL) << (8 * (i & 7));
        }
        return w;
    }

    /** What the schedule compares: stream, step, kind and size (not the content). */
    public String shape() {
        return stream + " [" + step + "] " + (words != null ? "long[" + words.length + "]" : "byte[" + bytes.length + "]");
    }

    @Override
    public String toString() {
        return "#" + seq + " " + shape();
    }
}
