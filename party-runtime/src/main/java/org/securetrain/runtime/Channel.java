package org.securetrain.runtime;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One ordered logical stream of messages inside a {@link Session}. A message sent with one call is
 * received whole by one call on the peer's channel of the same name (large messages are split into
 * frames and reassembled underneath). Byte messages and long[] messages are typed on the wire; receiving
 * one as the other fails with a {@link ProtocolViolationException} that names the stream.
 *
 * <p>long[] values travel as little-endian 64-bit words: ring shares mod 2^64 cross unchanged.
 *
 * <p>Every blocking call is bounded: a receive waits at most {@link SessionOptions#receiveTimeout()},
 * a dead or stalled peer is detected within {@link SessionOptions#idleTimeout()}; then the session fails
 * and every call on every channel throws a {@link SessionException} naming the cause.
 */
public interface Channel {

    String name();

    Session session();

    void send(byte[] data);

    void send(byte[] data, int offset, int length);

    /** Sends the buffer's remaining bytes; its position is left unchanged. */
    void send(ByteBuffer data);

    void sendLongs(long[] data);

    void sendLongs(long[] data, int offset, int length);

    /** Ordered after every earlier send on this channel; the data is copied before return. */
    CompletableFuture<Void> sendAsync(byte[] data);

    /** Ordered after every earlier send on this channel; the data is copied before return. */
    CompletableFuture<Void> sendLongsAsync(long[] data);

    byte[] receive();

    /** Receives a byte message that must be exactly {@code length} bytes long. */
    void receive(byte[] dst, int offset, int length);

    long[] receiveLongs();

    /** Receives a long[] message that must hold exactly {@code length} values. */
    void receiveLongs(long[] dst, int offset, int length);

    /** Completes with the next message, in order with other receives on this channel. */
    CompletableFuture<byte[]> receiveAsync();

    CompletableFuture<long[]> receiveLongsAsync();

    /**
     * Records what the current protocol call agreed with the peer (its kind, shapes, roles, parameters) as a
     * readable phrase, e.g. "truncates 8192 values by 24 bits", folded into this stream's transcript. Both
     * parties call it at the start of the same call with the same text; it sends nothing. The next message on
     * the stream carries a stamp of the transcript, which the receiver compares with its own: on a
     * difference both parties fail at once with an {@link AgreementException} naming both parties' records.
     * The text must not depend on private data (it is shown to the peer on a mismatch).
     */
    void agree(String record);

    /**
     * Attributes this channel's traffic to a named protocol step until the returned scope is closed
     * (nesting restores the outer step). Use {@code try (var s = ch.step("relu.gc")) { ... }}.
     */
    TrafficStats.Scope step(String protocolStep);

    /** Convenience: send one long. */
    default void sendLong(long v) {
        sendLongs(new long[] {v});
    }

    /** Convenience: receive a one-long message. */
    default long receiveLong() {
        long[] one = new long[1];
        receiveLongs(one, 0, 1);
        return one[0];
    }
}
