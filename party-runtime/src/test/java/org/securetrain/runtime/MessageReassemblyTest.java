package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.spi.FrameTransport;
import org.securetrain.runtime.spi.Frames;

/** Multi-frame messages are reassembled exactly, whichever receive variant is used. */
@Timeout(30)
class MessageReassemblyTest {

    @Test
    void multiFrameMessagesIntoCallerArraysAtAnOffset() {
        SessionOptions a = InMemorySessionTest.opts(Role.MODEL_OWNER).maxFrameBytes(1024).build();
        SessionOptions b = InMemorySessionTest.opts(Role.DATA_OWNER).maxFrameBytes(1024).build();
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(a, b)) {
            Channel tx = p.get(0).channel("m");
            Channel rx = p.get(1).channel("m");
            SplittableRandom r = new SplittableRandom(5);
            byte[] bytes = new byte[10_000];
            r.nextBytes(bytes);
            long[] longs = r.longs(3_000).toArray();
            tx.send(bytes);
            tx.sendLongs(longs);
            tx.send(bytes);
            tx.sendLongs(longs);
            byte[] bdst = new byte[10_003];
            rx.receive(bdst, 3, 10_000);
            assertArrayEquals(bytes, java.util.Arrays.copyOfRange(bdst, 3, 10_003));
            long[] ldst = new long[3_005];
            rx.receiveLongs(ldst, 5, 3_000);
            assertArrayEquals(longs, java.util.Arrays.copyOfRange(ldst, 5, 3_005));
            assertArrayEquals(bytes, rx.receive());
            assertArrayEquals(longs, rx.receiveLongs());
            // wire accounting: 10 frames of <= 1024 bytes for the byte message, 24 for the long[] one
            long expected = 2L * (10_000 + 10 * Frames.HEADER_BYTES) + 2L * (24_000 + 24 * Frames.HEADER_BYTES);
            assertEquals(expected, p.get(1).traffic().total().bytesReceived());
        }
    }

    @Test
    void framesDeliveredInPiecesAreReassembledAndChecked() {
        SessionCore core = new SessionCore(InMemorySessionTest.opts(Role.DATA_OWNER).build());
        core.attach(new FrameTransport() {
            @Override
            public void writeFrame(int streamId, int flags, int len, PayloadWriter payload, boolean flush) {
            }

            @Override
            public void close() {
            }

            @Override
            public void abort() {
            }
        });
        Channel c = core.channel("p");
        int id = SessionCore.streamId("p");
        long[] v = new SplittableRandom(9).longs(1000).toArray();
        ByteBuffer all = ByteBuffer.allocate(8000).order(ByteOrder.LITTLE_ENDIAN);
        all.asLongBuffer().put(v);
        // frame 1: bytes [0, 4000) in three uneven pieces; frame 2 (last): [4000, 8000) in one piece
        core.onFrame(id, Frames.FLAG_LONGS, new ByteBuffer[] {slice(all, 0, 1), slice(all, 1, 2999), slice(all, 3000, 1000)});
        core.onFrame(id, Frames.FLAG_LONGS | Frames.FLAG_LAST, new ByteBuffer[] {slice(all, 4000, 4000)});
        assertArrayEquals(v, c.receiveLongs());
        // a long[] frame whose pieces add up to a non-multiple of 8 fails the session
        core.onFrame(id, Frames.FLAG_LONGS, new ByteBuffer[] {slice(all, 0, 5), slice(all, 5, 6)});
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class, c::receiveLongs);
        assertTrue(e.getMessage().contains("not a multiple of 8"), e.getMessage());
    }

    private static ByteBuffer slice(ByteBuffer b, int off, int len) {
        return b.duplicate().position(off).limit(off + len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
