package org.securetrain.runtime.view;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;

/**
 * A session decorator that records every message this party receives on every stream, byte and long[]
 * messages alike, blocking and asynchronous receives alike, in order, with the stream name and the traffic
 * step the channel was in: the party's view. Hand it (not the wrapped session) to everything the party runs.
 *
 * <p>{@link #view()} also checks that the recording is complete: the wrapped session's own traffic figures
 * must show exactly the recorded number of received messages per stream, so a protocol that reached the
 * unwrapped session (and would hide messages from the test) fails the test instead.
 */
public class ViewRecorder implements Session {
    private final Session inner;
    private final AtomicLong seq = new AtomicLong();
    private final List<ReceivedMessage> received = new ArrayList<>();
    /** The current traffic step of each stream, as set through this recorder's channels. */
    private final Map<String, String> steps = new ConcurrentHashMap<>();
    private TrafficStats.Snapshot baseline;

    public ViewRecorder(Session inner) {
        this.inner = java.util.Objects.requireNonNull(inner, "session");
        this.baseline = inner.traffic().snapshot();
    }

    /** The wrapped session. */
    public Session inner() {
        return inner;
    }

    /** Forgets what was recorded so far: the next {@link #view()} starts here (e.g. after a set-up). */
    public synchronized void reset() {
        received.clear();
        baseline = inner.traffic().snapshot();
    }

    /** Everything received since construction or the last {@link #reset()}; checks the recording is complete. */
    public synchronized View view() {
        Map<String, Traffic> streams = inner.traffic().snapshot().minus(baseline).streams();
        Map<String, Integer> seen = new HashMap<>();
        for (ReceivedMessage m : received) {
            seen.merge(m.stream(), 1, Integer::sum);
        }
        for (Map.Entry<String, Traffic> e : streams.entrySet()) {
            long got = e.getValue().messagesReceived();
            int rec = seen.getOrDefault(e.getKey(), 0);
            if (got != rec) {
                throw new AssertionError("stream '" + e.getKey() + "': the session received " + got
                        + " messages, the recorder saw " + rec + ": something used the unwrapped session, so "
                        + "the recorded view is incomplete");
            }
        }
        return new View(received, new LinkedHashMap<>());
    }

    /** What was recorded since the last reset, without the completeness check (for partial views). */
    protected synchronized List<ReceivedMessage> recorded() {
        return new ArrayList<>(received);
    }

    private synchronized void record(String stream, long[] words, byte[] bytes) {
        received.add(new ReceivedMessage(seq.getAndIncrement(), stream,
                steps.getOrDefault(stream, TrafficStats.UNATTRIBUTED), words, bytes));
    }

    @Override
    public Role role() {
        return inner.role();
    }

    @Override
    public SessionOptions options() {
        return inner.options();
    }

    @Override
    public Channel channel(String name) {
        return new RecordingChannel(inner.channel(name));
    }

    @Override
    public TrafficStats traffic() {
        return inner.traffic();
    }

    @Override
    public org.securetrain.runtime.PartyThreads threads() {
        return inner.threads();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public void abort(String reason) {
        inner.abort(reason);
    }

    @Override
    public void abort(org.securetrain.runtime.AbortReason reason) {
        inner.abort(reason);
    }

    @Override
    public Computation computing() {
        return inner.computing();
    }

    @Override
    public void close() {
        inner.close();
    }

    /** Forwards everything to the wrapped channel; records what it receives. */
    private final class RecordingChannel implements Channel {
        private final Channel c;
        private final String name;

        RecordingChannel(Channel c) {
            this.c = c;
            this.name = c.name();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Session session() {
            return ViewRecorder.this;
        }

        @Override
        public void send(byte[] d) {
            c.send(d);
        }

        @Override
        public void send(byte[] d, int o, int l) {
            c.send(d, o, l);
        }

        @Override
        public void send(ByteBuffer d) {
            c.send(d);
        }

        @Override
        public void sendLongs(long[] d) {
            c.sendLongs(d);
        }

        @Override
        public void sendLongs(long[] d, int o, int l) {
            c.sendLongs(d, o, l);
        }

        @Override
        public CompletableFuture<Void> sendAsync(byte[] d) {
            return c.sendAsync(d);
        }

        @Override
        public CompletableFuture<Void> sendLongsAsync(long[] d) {
            return c.sendLongsAsync(d);
        }

        @Override
        public byte[] receive() {
            byte[] m = c.receive();
            record(name, null, m.clone());
            return m;
        }

        @Override
        public void receive(byte[] d, int o, int l) {
            c.receive(d, o, l);
            record(name, null, java.util.Arrays.copyOfRange(d, o, o + l));
        }

        @Override
        public long[] receiveLongs() {
            long[] m = c.receiveLongs();
            record(name, m.clone(), null);
            return m;
        }

        @Override
        public void receiveLongs(long[] d, int o, int l) {
            c.receiveLongs(d, o, l);
            record(name, java.util.Arrays.copyOfRange(d, o, o + l), null);
        }

        @Override
        public CompletableFuture<byte[]> receiveAsync() {
            return c.receiveAsync().thenApply(m -> {
                record(name, null, m.clone());
                return m;
            });
        }

        @Override
        public CompletableFuture<long[]> receiveLongsAsync() {
            return c.receiveLongsAsync().thenApply(m -> {
                record(name, m.clone(), null);
                return m;
            });
        }

        @Override
        public void agree(String record) {
            c.agree(record);
        }

        @Override
        public TrafficStats.Scope step(String protocolStep) {
            TrafficStats.Scope s = c.step(protocolStep);
            String outer = steps.put(name, protocolStep);
            return () -> {
                if (outer == null) {
                    steps.remove(name);
                } else {
                    steps.put(name, outer);
                }
                s.close();
            };
        }
    }
}
