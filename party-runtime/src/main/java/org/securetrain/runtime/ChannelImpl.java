package org.securetrain.runtime;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.securetrain.runtime.spi.Frames;

/** A named stream of a {@link SessionCore}. One protocol thread drives it at a time. */
final class ChannelImpl implements Channel {
    private final SessionCore core;
    private final String name;
    private final int id;
    private final SessionCore.Inbox inbox;
    private final TrafficStats.Counter streamCounter;
    private volatile TrafficStats.Counter stepCounter;
    private volatile String stepName = TrafficStats.UNATTRIBUTED;
    /** True when the last thing this party did on the stream was a send: the next send is the same round. */
    private volatile boolean lastWasSend;
    /** Completion of the latest async send; later sends wait for it so order holds. */
    private CompletableFuture<Void> sendTail = CompletableFuture.completedFuture(null);

    ChannelImpl(SessionCore core, String name, int id, SessionCore.Inbox inbox) {
        this.core = core;
        this.name = name;
        this.id = id;
        this.inbox = inbox;
        this.streamCounter = core.traffic().stream(name);
        this.stepCounter = core.traffic().step(TrafficStats.UNATTRIBUTED);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Session session() {
        return core;
    }

    // ------------------------------------------------------------------ send

    @Override
    public void send(byte[] data) {
        send(data, 0, data.length);
    }

    @Override
    public void send(byte[] data, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        awaitPendingSends();
        sendBytesNow(data, offset, length, inbox.transcript.stampToSend());
    }

    @Override
    public void send(ByteBuffer data) {
        ByteBuffer d = data.duplicate();
        byte[] copy;
        if (d.hasArray()) {
            send(d.array(), d.arrayOffset() + d.position(), d.remaining());
            return;
        }
        copy = new byte[d.remaining()];
        d.get(copy);
        send(copy);
    }

    @Override
    public void sendLongs(long[] data) {
        sendLongs(data, 0, data.length);
    }

    @Override
    public void sendLongs(long[] data, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        checkLongsSize(length);
        awaitPendingSends();
        sendLongsNow(data, offset, length, inbox.transcript.stampToSend());
    }

    @Override
    public synchronized CompletableFuture<Void> sendAsync(byte[] data) {
        core.checkUsable();
        byte[] copy = data.clone();
        long stamp = inbox.transcript.stampToSend(); // the agreement in force now, not when the send runs
        sendTail = sendTail.thenRunAsync(() -> core.guard("send thread", () -> {
            sendBytesNow(copy, 0, copy.length, stamp);
            return null;
        }), core.asyncSendExecutor());
        return sendTail;
    }

    @Override
    public synchronized CompletableFuture<Void> sendLongsAsync(long[] data) {
        core.checkUsable();
        checkLongsSize(data.length);
        long[] copy = data.clone();
        long stamp = inbox.transcript.stampToSend();
        sendTail = sendTail.thenRunAsync(() -> core.guard("send thread", () -> {
            sendLongsNow(copy, 0, copy.length, stamp);
            return null;
        }), core.asyncSendExecutor());
        return sendTail;
    }

    private void awaitPendingSends() {
        CompletableFuture<Void> tail;
        synchronized (this) {
            tail = sendTail;
        }
        if (!tail.isDone()) {
            try {
                tail.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionException("interrupted while sending on stream '" + name + "'", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof SessionException se ? se.copyForCaller()
                        : new SessionException("async send failed on stream '" + name + "'", c);
            }
        }
    }

    private void sendBytesNow(byte[] data, int offset, int length, long stamp) {
        core.checkUsable();
        long wire = core.writeChunked(id, 0, length, stamp,
                (off, dst) -> dst.put(data, offset + (int) off, dst.remaining()));
        recordSend(wire);
    }

    private void sendLongsNow(long[] data, int offset, int length, long stamp) {
        core.checkUsable();
        long bytes = 8L * length;
        long wire = core.writeChunked(id, Frames.FLAG_LONGS, bytes, stamp, (off, dst) -> {
            int words = dst.remaining() >>> 3;
            dst.asLongBuffer().put(data, offset + (int) (off >>> 3), words);
            dst.position(dst.position() + (words << 3));
        });
        recordSend(wire);
    }

    private void checkLongsSize(int length) {
        if (8L * length > core.options().maxMessageBytes()) {
            throw new IllegalArgumentException("message of " + length + " longs exceeds maxMessageBytes "
                    + core.options().maxMessageBytes() + " on stream '" + name + "'; send it in parts");
        }
    }

    private void recordSend(long wire) {
        core.traffic().recordSend(streamCounter, stepCounter, wire, !lastWasSend);
        lastWasSend = true;
    }

    // ------------------------------------------------------------------ receive

    private SessionCore.Message take(boolean longs) {
        SessionCore.Message m = inbox.take(core.receiveBound(), "", true);
        return accept(m, longs);
    }

    private SessionCore.Message accept(SessionCore.Message m, boolean longs) {
        core.traffic().recordReceive(streamCounter, stepCounter, m.wireBytes);
        lastWasSend = false;
        if (m.stamp != inbox.transcript.stamp()) {
            // the peer sent this message under another agreement than the one this party reads it under
            throw core.agreementMismatch(inbox, true);
        }
        if (m.longs != longs) {
            ProtocolViolationException e = new ProtocolViolationException("stream '" + name + "': expected a "
                    + (longs ? "long[]" : "byte") + " message, peer sent a " + (m.longs ? "long[]" : "byte")
                    + " message (the parties' protocols are out of step)");
            core.fail(e);
            throw e;
        }
        return m;
    }

    @Override
    public byte[] receive() {
        return take(false).bytes();
    }

    @Override
    public void receive(byte[] dst, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        SessionCore.Message m = take(false);
        if (m.length != length) {
            throw mismatch("bytes", length, m.length);
        }
        m.copyBytes(dst, offset);
    }

    @Override
    public long[] receiveLongs() {
        return take(true).toLongs();
    }

    @Override
    public void receiveLongs(long[] dst, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        SessionCore.Message m = take(true);
        if (m.length != 8L * length) {
            throw mismatch("longs", length, m.length / 8);
        }
        m.copyLongs(dst, offset);
    }

    private ProtocolViolationException mismatch(String unit, long expected, long got) {
        ProtocolViolationException e = new ProtocolViolationException("stream '" + name + "': expected a message of "
                + expected + " " + unit + ", peer sent " + got + " (the parties disagree on a shape)");
        core.fail(e);
        return e;
    }

    @Override
    public CompletableFuture<byte[]> receiveAsync() {
        return inbox.takeAsync(core.receiveBound())
                .thenApply(m -> core.guard("callback thread", () -> accept(m, false).bytes()));
    }

    @Override
    public CompletableFuture<long[]> receiveLongsAsync() {
        return inbox.takeAsync(core.receiveBound())
                .thenApply(m -> core.guard("callback thread", () -> accept(m, true).toLongs()));
    }

    // ------------------------------------------------------------------ agreement

    @Override
    public void agree(String record) {
        java.util.Objects.requireNonNull(record, "record");
        // no usability check: after the peer's orderly close, what it sent before is still readable
        inbox.transcript.fold(record);
        core.noteAgreement(inbox);
        if (inbox.transcript.disagreesWithPeer()) {
            throw core.agreementMismatch(inbox, true);
        }
    }

    // ------------------------------------------------------------------ accounting

    @Override
    public TrafficStats.Scope step(String protocolStep) {
        final TrafficStats.Counter outerCounter = stepCounter;
        final String outerName = stepName;
        stepCounter = core.traffic().step(protocolStep);
        stepName = protocolStep;
        return () -> {
            stepCounter = outerCounter;
            stepName = outerName;
        };
    }

    @Override
    public String toString() {
        return "Channel[" + name + ", party " + core.party() + "]";
    }
}
