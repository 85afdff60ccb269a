package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;
import org.securetrain.runtime.spi.FrameTransport;
import org.securetrain.runtime.spi.Frames;
import org.slf4j.LoggerFactory;

/**
 * Issue 19, cases 1 and 3: what unread data costs and who hears of it. Small messages nobody reads cost close
 * to their size on the heap (they cost about 6x their wire size before), and data left unread on a stream
 * when the session ends is named in the log instead of being dropped silently.
 */
@Timeout(60)
class UnreadDataTest {

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static SessionCore detachedCore(SessionOptions o) {
        SessionCore core = new SessionCore(o);
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
        return core;
    }

    /** Heap per buffered 8-byte long[] message (17 bytes on the wire), measured over 300,000 of them. */
    @Test
    void smallUnreadMessagesCostCloseToTheirWireSize() {
        int n = 300_000;
        SessionCore core = detachedCore(InMemorySessionTest.opts(Role.MODEL_OWNER).maxBufferedMessages(n + 1).build());
        int stream = SessionCore.streamId("nobody.reads");
        ByteBuffer payload = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long before = usedHeap();
        for (int i = 0; i < n; i++) {
            payload.clear();
            payload.putLong(i).flip();
            core.onFrame(stream, Frames.FLAG_LAST | Frames.FLAG_LONGS, payload);
        }
        long after = usedHeap();
        double perMessage = (after - before) / (double) n;
        int wire = Frames.HEADER_BYTES + 8;
        System.out.printf("unread 8-byte messages: %.1f heap bytes per message, %.2f x the %d wire bytes%n",
                perMessage, perMessage / wire, wire);
        assertTrue(perMessage < 1.5 * wire, perMessage + " heap bytes per " + wire + "-byte message");
        // and they are all still there, in order
        Channel c = core.channel("nobody.reads");
        assertEquals(0, c.receiveLong());
        assertEquals(1, c.receiveLong());
    }

    /** Unread data is charged while it waits and released as it is read; nothing is left charged. */
    @Test
    void bufferedDataIsChargedWhileUnreadAndReleasedWhenRead() {
        SessionCore core = detachedCore(InMemorySessionTest.opts(Role.MODEL_OWNER).maxFrameBytes(4096).build());
        int stream = SessionCore.streamId("later");
        ByteBuffer small = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer big = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1000; i++) {
            core.onFrame(stream, Frames.FLAG_LAST, small.duplicate());
        }
        core.onFrame(stream, 0, big.duplicate()); // a two-frame message
        core.onFrame(stream, Frames.FLAG_LAST, big.duplicate());
        assertEquals(1001, core.bufferedMessages());
        long held = core.bufferedBytes();
        assertTrue(held >= 1000 * 16 + 8192 && held < 1000 * 16 * 2 + 8192 * 2, "held " + held);
        Channel c = core.channel("later");
        for (int i = 0; i < 1000; i++) {
            assertEquals(16, c.receive().length);
        }
        assertEquals(8192, c.receive().length);
        assertEquals(0, core.bufferedMessages());
        assertEquals(0, core.bufferedBytes());
    }

    /** A stream nobody reads: one WARN line naming it when the session ends (it was silent before). */
    @Test
    void aMessageOnAStreamNobodyReadsIsNamedWhenTheSessionEnds() {
        Logger log = (Logger) LoggerFactory.getLogger(SessionCore.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            InMemoryTransport.Pair p = InMemoryTransport.pair(InMemorySessionTest.opts(Role.MODEL_OWNER).build(),
                    InMemorySessionTest.opts(Role.DATA_OWNER).build());
            p.get(0).channel("nobody.reads").sendLongs(new long[] {1, 2, 3});
            p.get(0).channel("read").send(new byte[] {1});
            assertArrayEquals(new byte[] {1}, p.get(1).channel("read").receive());
            p.get(1).close();
            p.get(0).close();
            int id = SessionCore.streamId("nobody.reads");
            List<String> warnings = seen.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
            List<String> naming = warnings.stream().filter(w -> w.contains("#" + id)).collect(Collectors.toList());
            assertEquals(1, naming.size(), "warnings: " + warnings);
            assertTrue(naming.get(0).contains("1 unread message(s)") && naming.get(0).contains("not opened by this party"),
                    naming.get(0));
            assertTrue(warnings.stream().noneMatch(w -> w.contains("'read'")), "a read stream is not named: " + warnings);
        } finally {
            log.detachAppender(seen);
        }
    }

    /** The cap holds for the in-memory transport too; the sender learns why. */
    @Test
    void capOnUnreadBytesEndsTheSessionNamingTheStream() {
        InMemoryTransport.Pair p = InMemoryTransport.pair(InMemorySessionTest.opts(Role.MODEL_OWNER).build(),
                InMemorySessionTest.opts(Role.DATA_OWNER).maxBufferedBytes(1 << 20).build());
        Channel flood = p.get(0).channel("flood");
        SessionException e = assertThrows(SessionException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                flood.sendLongs(new long[1000]);
            }
        });
        assertInstanceOf(PeerAbortedException.class, e, e.toString());
        assertTrue(e.getMessage().contains("unread data above its cap"), e.getMessage());
        ProtocolViolationException local = assertThrows(ProtocolViolationException.class,
                () -> p.get(1).channel("other").receive());
        assertTrue(local.getMessage().contains("cap of 1.0 MiB") && local.getMessage().contains("(not opened by this"
                + " party)"), local.getMessage());
    }
}
