package org.securetrain.runtime;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.securetrain.runtime.spi.Frames;

/**
 * The received, unread messages of one stream, in order, stored so that memory stays close to the bytes
 * that arrived. A peer can send many small messages that nobody reads yet; held as one object graph per
 * message (a byte[] per frame, an array of them, a message object, a queue slot) an 8-byte message cost
 * about 100 bytes of heap. Here a small one-frame message is packed into a shared block and costs its
 * payload plus one int; a large or multi-frame message keeps the arrays it arrived in (their overhead is
 * small next to their size).
 *
 * <p>{@link #heldBytes()} is the heap this queue holds (array capacities and per-object overhead), which the
 * session charges against its cap on buffered data. Not thread-safe: the owning inbox synchronises.
 *
 * <p>Each message keeps the peer's agreement stamp it was sent under ({@link Transcript}). The stamp changes
 * only when the peer agrees on a new call, so a packed message stores it only when it differs from the
 * previous queued message's (a flag in its entry and one slot in {@link #stamps}).
 */
final class MessageQueue {
    /** One-frame payloads up to this size are packed into blocks. */
    static final int PACK_LIMIT = 4096;
    private static final int FIRST_BLOCK = 256;
    private static final int MAX_BLOCK = 64 * 1024;
    /** Java object header plus array length field (compressed oops). */
    static final int ARRAY_OVERHEAD = 16;
    /** A {@link SessionCore.Message} and its array of chunks, besides the chunks themselves. */
    static final int MESSAGE_OVERHEAD = 64;
    /** Packed message of a long[]; the low bits of the int are its length (at most PACK_LIMIT). */
    private static final int META_LONGS = 1 << 30;
    /** Packed message sent under a new agreement stamp: the next entry of {@link #stamps}. */
    private static final int META_NEW_STAMP = 1 << 29;
    /** Packed message whose frame carried the stamp on the wire (8 more bytes). */
    private static final int META_CARRIED = 1 << 28;
    private static final int META_LENGTH = META_CARRIED - 1;
    /** Heap of one boxed stamp in {@link #stamps}. */
    private static final int STAMP_OVERHEAD = 32;
    /** Not packed: the message is the next entry of {@link #large}. */
    private static final int META_LARGE = -1;

    private int[] meta = new int[8];
    private int metaHead;
    private int metaCount;
    private final ArrayDeque<byte[]> blocks = new ArrayDeque<>();
    private int readPos;      // in the first block
    private int writePos;     // in the last block
    private int packed;       // packed messages of at least one byte
    private final ArrayDeque<SessionCore.Message> large = new ArrayDeque<>();
    /** The stamps of packed messages flagged {@link #META_NEW_STAMP}, in order. */
    private final ArrayDeque<Long> stamps = new ArrayDeque<>();
    /** Stamp of the newest queued message, and of the oldest one's predecessor (what a packed one inherits). */
    private long writeStamp = Transcript.INITIAL_STAMP;
    private long readStamp = Transcript.INITIAL_STAMP;
    private long held;

    MessageQueue() {
        held = ARRAY_OVERHEAD + 4L * meta.length;
    }

    int size() {
        return metaCount;
    }

    boolean isEmpty() {
        return metaCount == 0;
    }

    long heldBytes() {
        return held;
    }

    /**
     * Appends a one-frame message of {@code n <= PACK_LIMIT} bytes, copied from the frame's pieces, sent under
     * the agreement {@code stamp} ({@code carried}: the frame's payload began with it).
     */
    void addPacked(ByteBuffer[] pieces, int n, boolean longs, long stamp, boolean carried) {
        if (n > PACK_LIMIT) {
            throw new IllegalArgumentException(n + " bytes is above the packing limit");
        }
        if (n > 0) {
            byte[] last = blocks.peekLast();
            if (last == null || last.length - writePos < n) {
                // a message never straddles blocks: the reader finds it in the next block when the rest of
                // the current one is shorter than the message
                int size = last == null ? FIRST_BLOCK : Math.min(MAX_BLOCK, 2 * last.length);
                last = new byte[Math.max(size, n)];
                blocks.addLast(last);
                held += ARRAY_OVERHEAD + last.length;
                writePos = 0;
            }
            for (ByteBuffer p : pieces) {
                int k = p.remaining();
                p.duplicate().get(last, writePos, k);
                writePos += k;
            }
            packed++;
        }
        int m = longs ? META_LONGS | n : n;
        if (stamp != writeStamp) {
            stamps.addLast(stamp);
            held += STAMP_OVERHEAD;
            writeStamp = stamp;
            m |= META_NEW_STAMP;
        }
        pushMeta(carried ? m | META_CARRIED : m);
    }

    /** Appends a message kept as the arrays it arrived in. */
    void addLarge(SessionCore.Message m) {
        large.addLast(m);
        held += costOf(m);
        writeStamp = m.stamp;
        pushMeta(META_LARGE);
    }

    /** Heap held by a message kept as its own arrays. */
    static long costOf(SessionCore.Message m) {
        return MESSAGE_OVERHEAD + m.chunkBytes();
    }

    /** Removes and returns the oldest message, or null if there is none. */
    SessionCore.Message poll() {
        if (metaCount == 0) {
            return null;
        }
        int m = meta[metaHead];
        metaHead = (metaHead + 1) % meta.length;
        metaCount--;
        if (metaCount == 0 && meta.length > 64) {
            held -= 4L * (meta.length - 8); // a drained flood leaves no large ring behind
            meta = new int[8];
            metaHead = 0;
        }
        if (m == META_LARGE) {
            SessionCore.Message big = large.pollFirst();
            held -= costOf(big);
            readStamp = big.stamp;
            return big;
        }
        int n = m & META_LENGTH;
        boolean longs = (m & META_LONGS) != 0;
        if ((m & META_NEW_STAMP) != 0) {
            readStamp = stamps.pollFirst();
            held -= STAMP_OVERHEAD;
        }
        int extra = (m & META_CARRIED) != 0 ? Frames.STAMP_BYTES : 0;
        byte[] out = new byte[n];
        if (n > 0) {
            byte[] first = blocks.peekFirst();
            if (first.length - readPos < n) {
                dropFirstBlock(); // the message is at the start of the next block
                first = blocks.peekFirst();
            }
            System.arraycopy(first, readPos, out, 0, n);
            readPos += n;
            if (--packed == 0) {
                dropFirstBlock(); // nothing packed is left: hold no block while the stream is idle
            }
        }
        return new SessionCore.Message(new byte[][] {out}, n, longs, n + extra + Frames.HEADER_BYTES, readStamp);
    }

    private void dropFirstBlock() {
        byte[] b = blocks.pollFirst();
        held -= ARRAY_OVERHEAD + b.length;
        readPos = 0;
        if (blocks.isEmpty()) {
            writePos = 0;
        }
    }

    /** Drops everything (the session failed or the memory is needed). */
    void clear() {
        blocks.clear();
        large.clear();
        stamps.clear();
        readStamp = writeStamp;
        meta = new int[8];
        metaHead = 0;
        metaCount = 0;
        readPos = 0;
        writePos = 0;
        packed = 0;
        held = ARRAY_OVERHEAD + 4L * meta.length;
    }

    private void pushMeta(int m) {
        if (metaCount == meta.length) {
            int[] bigger = new int[meta.length * 2];
            for (int i = 0; i < metaCount; i++) {
                bigger[i] = meta[(metaHead + i) % meta.length];
            }
            held += 4L * (bigger.length - meta.length);
            meta = bigger;
            metaHead = 0;
        }
        meta[(metaHead + metaCount) % meta.length] = m;
        metaCount++;
    }
}
