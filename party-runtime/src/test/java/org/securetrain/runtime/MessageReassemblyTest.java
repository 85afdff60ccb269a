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

    /**
     * Messages nobody waits for are queued (small ones packed into shared blocks) and keep the agreement stamp
     * the peer sent them under: unstamped messages after a stamped one delivered straight to a waiting receiver,
     * after a stamped packed one and after a large one are all read under the right agreement, and the
     * stamps' 8 bytes are counted once per stamped message.
     */
    @Test
    void queuedMessagesKeepTheAgreementTheyWereSentUnder() throws Exception {
        try (InMemoryTransport.Pair p = InMemoryTransport.pair(InMemorySessionTest.opts(Role.MODEL_OWNER).build(),
                InMemorySessionTest.opts(Role.DATA_OWNER).build())) {
            Channel tx = p.get(0).channel("s");
            Channel rx = p.get(1).channel("s");
            tx.agree("call 1");
            rx.agree("call 1");
            java.util.concurrent.CompletableFuture<long[]> first = rx.receiveLongsAsync(); // waits: delivered directly
            tx.sendLongs(new long[] {1});
            assertEquals(1, first.get(10, java.util.concurrent.TimeUnit.SECONDS)[0]);
            tx.sendLongs(new long[] {2}); // unstamped, queued packed
            tx.sendLongs(new long[] {3});
            tx.agree("call 2"); // the sender runs ahead: its next calls' messages wait in the receiver's queue
            tx.sendLongs(new long[] {4}); // stamped, queued packed
            tx.sendLongs(new long[] {5});
            tx.agree("call 3");
            tx.sendLongs(new long[1000]); // stamped, 8000 bytes: queued as a large message
            tx.sendLongs(new long[] {7});
            Thread.sleep(200); // all of it queued before the receiver reads
            assertEquals(2, rx.receiveLongs()[0]);
            assertEquals(3, rx.receiveLongs()[0]);
            rx.agree("call 2");
            assertEquals(4, rx.receiveLongs()[0]);
            assertEquals(5, rx.receiveLongs()[0]);
            rx.agree("call 3");
            assertEquals(1000, rx.receiveLongs().length);
            assertEquals(7, rx.receiveLongs()[0]);
            long expected = 6L * (8 + Frames.HEADER_BYTES) + 8000 + Frames.HEADER_BYTES + 3L * Frames.STAMP_BYTES;
            assertEquals(expected, p.get(1).traffic().snapshot().streams().get("s").bytesReceived());
            assertTrue(p.get(1).isOpen());
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
